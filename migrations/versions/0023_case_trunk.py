"""case trunk: the finished trunk of a case's task tree, stored apart from its state

Revision ID: 0023
Revises: 0022

Operations load and store only a case's live part (``engine.stored``); the tasks that
finished above it are appended to ``case_trunk`` as they finish. Existing cases need no
backfill: their state is a whole tree, which the next operation on the case cuts. So
the upgrade only creates the (empty) table, whatever the number of cases.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_trunk",
        sa.Column(
            "case_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("cases.id"),
            nullable=False,
        ),
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tasks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "part"),
    )


def downgrade() -> None:
    op.drop_table("case_trunk")
