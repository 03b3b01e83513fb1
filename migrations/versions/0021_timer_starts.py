"""timer starts: a definition whose process begins with a timer start event starts its
cases on schedule

Revision ID: 0021
Revises: 0015

One row per definition key with a timer start event, written when a version is
deployed (``engine.timer_starts``): when its next case is due (``next_at``, none when
the schedule is over), how many more cases a cycle starts (``remaining``, none for a
cycle without end) and how far apart (``interval_seconds``). The timer worker locks a
due row, starts the case and moves the row on in one transaction, so each firing starts
exactly one case, however many workers run. ``timer`` is the start event's timer
("timeCycle: ..."): a later version with the same timer keeps the schedule where it is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timer_starts",
        sa.Column("key", sa.String(length=200), primary_key=True),
        sa.Column(
            "version_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("definition_versions.id"),
            nullable=False,
        ),
        sa.Column("element", sa.String(length=200), nullable=False),
        sa.Column("timer", sa.Text(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remaining", sa.Integer(), nullable=True),
        sa.Column("interval_seconds", sa.Float(), nullable=True),
    )
    op.create_index("ix_timer_starts_next_at", "timer_starts", ["next_at"])


def downgrade() -> None:
    op.drop_index("ix_timer_starts_next_at", table_name="timer_starts")
    op.drop_table("timer_starts")
