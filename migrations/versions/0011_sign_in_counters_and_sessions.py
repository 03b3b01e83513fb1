"""sign-in counters shared by the workers, and server-side sessions

Revision ID: 0011
Revises: 0010

``rate_counters``: the per-address sign-in limit used to count in each worker's
memory, so four gunicorn workers allowed four times the limit; one row per key and
window now, counted by an atomic upsert (``web.ratelimit.SharedWindow``).

``user_sessions``: a signed-in browser used to be only a signed cookie, valid until it
expired (31 days), whatever happened meanwhile; a copy taken before sign-out still
worked after it. Now the cookie holds a random id whose sha256 is a row here, which
sign-out, a password change and deactivation end, and which ends by itself after the
idle and the absolute timeout (``web.auth.session_store``). Cookies of before this
migration name no such row: their users sign in again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_rate_counters_ends_at", "rate_counters", ["ends_at"])
    op.create_table(
        "user_sessions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_why", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_user_sessions_user_id", table_name="user_sessions")
    op.drop_table("user_sessions")
    op.drop_index("ix_rate_counters_ends_at", table_name="rate_counters")
    op.drop_table("rate_counters")
