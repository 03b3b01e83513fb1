"""case incidents: a case whose timers fail to fire says so, and when it is retried

Revision ID: 0010
Revises: 0009

The timer worker used to stop at the first case whose diagram raised, and to stop
there again on every restart. Now it rolls that case back, keeps the error on the case
(``incident``, cut to 500 characters), when it last failed (``incident_at``) and how
many times in a row (``incident_failures``, which doubles the wait before the next
try), and goes on with the other due cases. The index lets the board's list of
incidents read only the cases that have one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("incident", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("incident_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("incident_failures", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_index("ix_cases_incident_at", "cases", ["incident_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_incident_at", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("incident_failures")
        batch.drop_column("incident_at")
        batch.drop_column("incident")
