"""unit attributes: what school or enterprise a unit belongs to, what it takes on for
the plan

Revision ID: 0012
Revises: 0011

The targets dashboard found schools and enterprises by their names, among the branches
directly under a committee, so under a ward (the 2025 tree) it found none. Units now
carry ``institution`` (high_school, non_state_enterprise) and ``duties``
(owns_plan_targets, sets_sourcing_quotas), and the reports read those.

Units stored before this revision get what the old rules gave them, so that a
dashboard shows the same schools and enterprises after the upgrade as before it: the
name rule frozen here as it was (``targets.detected_units``), every committee owning
the plan's targets, every mass mobilisation board setting the quotas, and every unit
of kind enterprise being an enterprise without state capital. The next import of a
tree file replaces them with what the file says.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The old rule (targets.SCHOOL_WORDS, ENTERPRISE_WORDS and party_organisations).
SCHOOL_WORDS = ("thpt", "trung học phổ thông")
ENTERPRISE_WORDS = ("công ty", "doanh nghiệp", "hợp tác xã", "tập đoàn")
PARTY_ORGANISATIONS = ("grassroots_committee", "branch")

units = sa.table(
    "units",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("parent_code", sa.String),
    sa.column("institution", sa.String),
    sa.column("duties", sa.JSON),
)


def upgrade() -> None:
    # Plain ALTER TABLE on SQLite too: a server default, or a rebuilt table, would
    # need the foreign keys that point at units switched off.
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("institution", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("duties", sa.JSON(), nullable=True))
    _attributes_by_the_old_rules(op.get_bind())


def _old_institution(name: str, kind: str, parent_kind: str | None) -> str | None:
    if kind == "enterprise":
        return "non_state_enterprise"
    if kind not in PARTY_ORGANISATIONS or (kind == "branch" and parent_kind != "committee"):
        return None
    name = name.casefold()
    if any(word in name for word in SCHOOL_WORDS):
        return "high_school"
    if any(word in name for word in ENTERPRISE_WORDS):
        return "non_state_enterprise"
    return None


def _old_duties(kind: str) -> list[str]:
    if kind == "committee":
        return ["owns_plan_targets"]
    if kind == "mass_mobilisation_board":
        return ["sets_sourcing_quotas"]
    return []


def _attributes_by_the_old_rules(bind) -> None:
    rows = list(
        bind.execute(sa.select(units.c.code, units.c.name, units.c.kind, units.c.parent_code))
    )
    kind_of = {code: kind for code, _name, kind, _parent in rows}
    for code, name, kind, parent in rows:
        # Every unit, [] included, as an import writes them: None never means "none".
        bind.execute(
            units.update()
            .where(units.c.code == code)
            .values(
                institution=_old_institution(name, kind, kind_of.get(parent)),
                duties=_old_duties(kind),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.drop_column("duties")
        batch.drop_column("institution")
