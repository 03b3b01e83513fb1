"""report columns and spans: what the pipeline, half-year and quota reports group by in
SQL, and the completed tasks counted by span

Revision ID: 0022
Revises: 0021

``admission_facts`` gains the dates and groups the half-year report counts (recognition
and removal dates, women, ethnic minorities, Youth Union members), what the quotas
count by (the day a case was opened in Vietnam, the proposing mass organisation), the
end of a probation still running, and the spans the case's completed tasks count in
the new ``admission_spans`` (tasks by case unit, step, body and exact span). The
engine's ``case_stored`` hook (``stored.store``) keeps both from here on; this revision
fills them in for the cases already stored, with a copy, frozen here, of the rules the
hook uses when it is written (``stored._derived``, ``facts.CaseFacts``, ``periods``):
a migration must write the same rows whatever the domain's code becomes later.
"""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BATCH = 5000
VIETNAM = timezone(timedelta(hours=7), "ICT")  # rules.VIETNAM
AFTER_ADMISSION = frozenset({"admitted", "recognised", "removed"})  # facts.AFTER_ADMISSION
MAJORITY_ETHNICITY = "kinh"  # periods.MAJORITY_ETHNICITY
ONE_MICROSECOND = timedelta(microseconds=1)

# The columns read and written, as they are at this revision.
facts = sa.table(
    "admission_facts",
    sa.column("case_id", sa.Integer),
    sa.column("unit", sa.String),
    sa.column("category", sa.String),
    sa.column("outcome", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("data", sa.JSON),
    sa.column("recognised_on", sa.Date),
    sa.column("removed_on", sa.Date),
    sa.column("probation_until", sa.Date),
    sa.column("opened_on", sa.Date),
    sa.column("women", sa.Boolean),
    sa.column("ethnic_minority", sa.Boolean),
    sa.column("youth_union", sa.Boolean),
    sa.column("proposer_unit", sa.String),
    sa.column("spans", sa.JSON),
)
work_items = sa.table(
    "work_items",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("step", sa.String),
    sa.column("step_name", sa.String),
    sa.column("unit", sa.String),
    sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("completed_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    spans = op.create_table(
        "admission_spans",
        sa.Column("case_unit", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("step_name", sa.String(length=300), nullable=False),
        sa.Column("body", sa.String(length=64), nullable=False),
        sa.Column("micros", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_unit", "step", "step_name", "body", "micros"),
    )
    with op.batch_alter_table("admission_facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recognised_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("removed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("probation_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("opened_on", sa.Date(), nullable=True))
        for flag in ("women", "ethnic_minority", "youth_union"):
            batch_op.add_column(
                sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        batch_op.add_column(sa.Column("proposer_unit", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("spans", sa.JSON(), nullable=True))
    _backfill(op.get_bind(), spans)


def downgrade() -> None:
    with op.batch_alter_table("admission_facts", schema=None) as batch_op:
        for column in (
            "spans",
            "proposer_unit",
            "youth_union",
            "ethnic_minority",
            "women",
            "opened_on",
            "probation_until",
            "removed_on",
            "recognised_on",
        ):
            batch_op.drop_column(column)
    op.drop_table("admission_spans")


def _backfill(connection, spans: sa.Table) -> None:
    """Every row's new columns and spans, a batch of cases at a time, then the counts."""
    counted: Counter = Counter()
    after = 0
    while True:
        rows = connection.execute(
            sa.select(
                facts.c.case_id,
                facts.c.unit,
                facts.c.category,
                facts.c.outcome,
                facts.c.created_at,
                facts.c.data,
            )
            .where(facts.c.case_id > after)
            .order_by(facts.c.case_id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        done = _spans(connection, [row.case_id for row in rows])
        values = [{**_derived(row), "spans": done[row.case_id]} for row in rows]
        # Bound under other names than the columns': SQLAlchemy keeps those for itself.
        connection.execute(
            facts.update()
            .where(facts.c.case_id == sa.bindparam("b_id"))
            .values({key: sa.bindparam(f"b_{key}") for key in values[0]}),
            [
                {"b_id": row.case_id, **{f"b_{k}": v for k, v in found.items()}}
                for row, found in zip(rows, values, strict=True)
            ],
        )
        for row in rows:
            counted.update((row.unit or "", *span) for span in done[row.case_id])
        after = rows[-1].case_id
    keys = ("case_unit", "step", "step_name", "body", "micros")
    if counted:
        connection.execute(
            sa.insert(spans),
            [dict(zip(keys, key, strict=True), tasks=n) for key, n in sorted(counted.items())],
        )


def _spans(connection, case_ids: list) -> dict:
    """``stored._spans_of``: [step, step name, body, microseconds] of each completed task."""
    found = defaultdict(list)
    for case_id, step, name, body, created_at, completed_at in connection.execute(
        sa.select(
            work_items.c.case_id,
            work_items.c.step,
            work_items.c.step_name,
            work_items.c.unit,
            work_items.c.created_at,
            work_items.c.completed_at,
        )
        .where(
            work_items.c.case_id.in_(case_ids),
            work_items.c.status == "completed",
            work_items.c.completed_at.is_not(None),
        )
        .order_by(work_items.c.id)
    ):
        span = _aware(completed_at) - _aware(created_at)
        found[case_id].append([step or "", name or "", body or "", span // ONE_MICROSECOND])
    return found


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive UTC times (engine.models.DateTime re-attaches the zone).
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _derived(row) -> dict:
    """``stored._derived``'s new columns, from the row's kept data and outcome."""
    data = row.data or {}
    admitted = _admission_date(data, row.outcome)
    recognised = _recognition(data, row.outcome, "recognise", "recognised")
    removed = _recognition(data, row.outcome, "remove", "removed")
    if removed is None and row.outcome == "removed" and data.get("ended_on"):
        removed = _as_date(data.get("ended_on"))
    end = _as_date(data.get("probation_end"))
    ethnicity = str(data.get("ethnicity") or "").strip().casefold()
    proposer = data.get("proposer_unit")
    return {
        "recognised_on": recognised,
        "removed_on": removed,
        "probation_until": (
            end if admitted and end is not None and not (recognised or removed) else None
        ),
        "opened_on": _aware(row.created_at).astimezone(VIETNAM).date(),
        "women": data.get("gender") == "female",
        "ethnic_minority": bool(ethnicity) and ethnicity != MAJORITY_ETHNICITY,
        "youth_union": data.get("youth_union_member") is True,
        "proposer_unit": proposer if isinstance(proposer, str) else None,
    }


def _ended(data: dict, outcome, *outcomes: str) -> bool:
    return (data.get("outcome") or outcome) in outcomes


def _admission_date(data: dict, outcome):
    """``CaseFacts.admission_date``."""
    decision = data.get("decision")
    admitted = decision == "admit" if decision else _ended(data, outcome, *AFTER_ADMISSION)
    return _as_date(data.get("decision_date")) if admitted else None


def _recognition(data: dict, outcome, choice: str, ended: str):
    """``CaseFacts._recognition_decision``."""
    decided = data.get("recognition_decision")
    made = decided == choice if decided else _ended(data, outcome, ended)
    return _as_date(data.get("recognition_decision_date")) if made else None


def _as_date(value):
    """``facts.as_date``: an ISO date (or date-time) from the case data, else None."""
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
