"""sign-in counters shared by the workers

Revision ID: 0011
Revises: 0010

``rate_counters``: the per-address sign-in limit used to count in each worker's
memory, so four gunicorn workers allowed four times the limit; one row per key and
window now, counted by an atomic upsert (``web.ratelimit.SharedWindow``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_rate_counters_ends_at", "rate_counters", ["ends_at"])


def downgrade() -> None:
    op.drop_index("ix_rate_counters_ends_at", table_name="rate_counters")
    op.drop_table("rate_counters")
