"""report targets and sourcing quotas

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_targets",
        sa.Column("committee", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("students_per_school", sa.Integer(), nullable=False),
        sa.Column("worker_share_bp", sa.Integer(), nullable=False),
        sa.Column("per_enterprise", sa.Integer(), nullable=False),
        sa.Column("schools", sa.JSON(), nullable=True),
        sa.Column("enterprises", sa.JSON(), nullable=True),
        sa.Column("outside_admissions", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("committee", "year"),
    )
    op.create_table(
        "sourcing_quotas",
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("unit", "year"),
    )


def downgrade() -> None:
    op.drop_table("sourcing_quotas")
    op.drop_table("plan_targets")
