"""The admission domain's organisation tree: table ``units``.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column("upper_code", sa.String(length=64), nullable=True),
        sa.Column("covers", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_code"], ["units.code"], name="fk_units_parent_code"),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_units_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_units_parent_code"), ["parent_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_parent_code"))
        batch_op.drop_index(batch_op.f("ix_units_kind"))
    op.drop_table("units")
