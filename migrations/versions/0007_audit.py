"""audit: the event table refuses UPDATE and DELETE on PostgreSQL

Revision ID: 0007
Revises: 0006

The hash chain detects tampering after the fact; this trigger stops the ordinary way of
tampering (an UPDATE or DELETE through any role, superusers included, since triggers
fire for every role). TRUNCATE is a separate statement with its own trigger event and
stays possible, so test databases can still be emptied. Someone with DDL rights can
disable the trigger; the chain then still names the changed entry.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE FUNCTION ketnap_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on events refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(
        "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
        "FOR EACH ROW EXECUTE FUNCTION ketnap_events_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
    op.execute("DROP FUNCTION IF EXISTS ketnap_events_append_only()")
