"""Initial schema: definition versions, cases, the inbox projection, the audit chain.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "definition_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("elements", sa.JSON(), nullable=False),
        sa.Column("deployed_by", sa.String(length=200), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version", name="uq_definition_key_version"),
    )
    with op.batch_alter_table("definition_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_definition_versions_key"), ["key"], unique=False)

    op.create_table(
        "events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_kind"), ["kind"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "definition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("definition_key", sa.String(length=200), nullable=False),
        sa.Column("definition_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("search_key", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definition_versions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_definition_id"), ["definition_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_definition_key"), ["definition_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cases_next_due_at"), ["next_due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_search_key"), ["search_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_unit"), ["unit"], unique=False)

    op.create_table(
        "work_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_uuid", sa.String(length=36), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("step_name", sa.String(length=300), nullable=False),
        sa.Column("lane", sa.String(length=200), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("form", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=200), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("search_key", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_uuid"),
    )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.create_index("ix_work_items_case", ["case_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_items_claimed_by"), ["claimed_by"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_work_items_completed_by"), ["completed_by"], unique=False
        )
        batch_op.create_index("ix_work_items_inbox", ["unit", "status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_items_step"), ["step"], unique=False)
    # The chain starts at a fixed genesis: event #1's prev_hash.
    op.execute(sa.text("INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')"))


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_items_step"))
        batch_op.drop_index("ix_work_items_inbox")
        batch_op.drop_index(batch_op.f("ix_work_items_completed_by"))
        batch_op.drop_index(batch_op.f("ix_work_items_claimed_by"))
        batch_op.drop_index("ix_work_items_case")

    op.drop_table("work_items")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_unit"))
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_search_key"))
        batch_op.drop_index(batch_op.f("ix_cases_next_due_at"))
        batch_op.drop_index(batch_op.f("ix_cases_definition_key"))
        batch_op.drop_index(batch_op.f("ix_cases_definition_id"))
        batch_op.drop_index(batch_op.f("ix_cases_category"))

    op.drop_table("cases")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_kind"))
        batch_op.drop_index(batch_op.f("ix_events_case_id"))

    op.drop_table("events")
    with op.batch_alter_table("definition_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definition_versions_key"))

    op.drop_table("definition_versions")
    op.drop_table("chain_head")
