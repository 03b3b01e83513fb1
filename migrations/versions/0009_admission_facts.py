"""admission_facts: the typed columns the yearly reports filter on, one row per case

Revision ID: 0009
Revises: 0008

Rows are written by the engine's ``case_stored`` hook from here on; the cases stored
before this revision get theirs now. The backfill derives them with a copy, frozen here,
of the rules the hook used when this revision was written (``stored._derived``,
``facts.CaseFacts``, ``pipeline`` and ``demo.SCHEDULE``, since moved to
``schedule.SCHEDULE``, in ``workflows/admission/``):
a migration must write the same rows whatever the domain's code becomes later, so it
imports none of it.
"""

from collections import defaultdict
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


# The admission process's definition key (``intake.KEY``).
KEY = "admission"
BATCH = 500
# facts.AFTER_ADMISSION: outcomes that follow an admission decision.
AFTER_ADMISSION = frozenset({"admitted", "recognised", "removed"})
# facts.REPORT_KEYS: the fields of the case data the reports read, kept in the row.
REPORT_KEYS = (
    "outcome",
    "decision",
    "decision_date",
    "recognition_decision",
    "recognition_decision_date",
    "waiting_reason",
    "waiting_until",
    "probation_end",
    "gender",
    "ethnicity",
    "youth_union_member",
    "proposer_unit",
)
# demo.SCHEDULE (now schedule.SCHEDULE): the usual day of each step, counted from the proposal.
SCHEDULE = {
    "accept_sympathiser": 5,
    "assign_branch": 5,
    "attend_class": 25,
    "application": 35,
    "send_verification": 40,
    "introduction": 45,
    "mass_org_opinion": 45,
    "residence_opinion": 50,
    "verify_place": 55,
    "certify_history": 62,
    "retake_class": 70,
    "branch_vote": 75,
    "grassroots_vote": 85,
    "appraisal": 95,
    "decide": 110,
    "escalate": 190,
    "ceremony": 125,
    "member_record": 140,
    "recognition_file": 500,
    "recognition_vote": 505,
    "recognition_grassroots_vote": 515,
    "recognition_decide": 525,
}
DECISION_DAY = SCHEDULE["decide"]

# The columns the backfill reads, as they are at this revision.
cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("definition_key", sa.String),
    sa.column("unit", sa.String),
    sa.column("category", sa.String),
    sa.column("status", sa.String),
    sa.column("outcome", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("title", sa.String),
    sa.column("data", sa.JSON),
)
work_items = sa.table(
    "work_items",
    sa.column("case_id", sa.Integer),
    sa.column("step", sa.String),
    sa.column("status", sa.String),
)


def upgrade() -> None:
    facts = op.create_table(
        "admission_facts",
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("admitted_on", sa.Date(), nullable=True),
        sa.Column("decided", sa.Boolean(), nullable=False),
        sa.Column("birthday_wait", sa.Date(), nullable=True),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_admission_facts_admitted_on", "admission_facts", ["admitted_on"])
    _backfill(op.get_bind(), facts)


def downgrade() -> None:
    op.drop_index("ix_admission_facts_admitted_on", table_name="admission_facts")
    op.drop_table("admission_facts")


def _backfill(connection, facts: sa.Table) -> None:
    """A row for every admission case, written a batch of cases at a time."""
    ids = (
        connection.execute(
            sa.select(cases.c.id).where(cases.c.definition_key == KEY).order_by(cases.c.id)
        )
        .scalars()
        .all()
    )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        open_steps = defaultdict(list)
        for case_id, step in connection.execute(
            sa.select(work_items.c.case_id, work_items.c.step).where(
                work_items.c.case_id.in_(chunk), work_items.c.status == "open"
            )
        ):
            open_steps[case_id].append(step)
        rows = connection.execute(sa.select(cases).where(cases.c.id.in_(chunk)))
        connection.execute(sa.insert(facts), [_derived(row, open_steps[row.id]) for row in rows])


def _derived(case, open_steps: list) -> dict:
    """The row of ``case`` whose open tasks are at ``open_steps`` (``stored._derived``)."""
    data = case.data or {}
    return {
        "case_id": case.id,
        "unit": case.unit,
        "category": case.category,
        "status": case.status,
        "outcome": case.outcome,
        "created_at": case.created_at,
        "title": case.title or "",
        "data": {key: data[key] for key in REPORT_KEYS if key in data},
        "admitted_on": _admission_date(data, case.outcome),
        "decided": bool(data.get("decision_date")),
        "birthday_wait": (
            _as_date(data.get("waiting_until")) if data.get("waiting_reason") else None
        ),
        "lead_days": min((_days_to_decision(step) for step in open_steps), default=0),
    }


def _admission_date(data: dict, outcome):
    """``CaseFacts.admission_date``: the decision's date, once the decision admits."""
    decision = data.get("decision")
    admitted = (
        decision == "admit" if decision else (data.get("outcome") or outcome) in AFTER_ADMISSION
    )
    return _as_date(data.get("decision_date")) if admitted else None


def _days_to_decision(step: str) -> int:
    """``pipeline.days_to_decision``: usual days from ``step`` to the decision."""
    return max(0, DECISION_DAY - SCHEDULE.get(step, DECISION_DAY))


def _as_date(value):
    """``facts.as_date``: an ISO date (or date-time) from the case data, else None."""
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
