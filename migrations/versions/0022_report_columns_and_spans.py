"""report columns and spans: what the pipeline, half-year and quota reports group by in
SQL, and the completed tasks counted by span

Revision ID: 0022
Revises: 0021

``admission_facts`` gains the dates and groups the half-year report counts (recognition
and removal dates, women, ethnic minorities, Youth Union members), what the quotas
count by (the day a case was opened in Vietnam, the proposing mass organisation), the
end of a probation still running, and the ids of the completed tasks whose spans the
case counts in the new ``admission_spans`` (tasks by case unit, step, body and exact
span). Indexes: those dates where they are set, and the open tasks (a partial index of
``work_items`` holding what the pipeline reads of them). The engine's ``case_stored``
hook (``stored.store``) keeps both from here on; this revision fills them in for the
cases already stored, with a copy, frozen here, of the rules the hook uses when it is
written (``stored._derived``, ``facts.CaseFacts``, ``periods``):
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
    sa.column("data_outcome", sa.String),
    sa.column("counted", sa.JSON),
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
DATES = ("recognised_on", "removed_on", "birthday_wait", "probation_until")


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
        batch_op.add_column(sa.Column("data_outcome", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("counted", sa.JSON(), nullable=True))
    _backfill(op.get_bind(), spans)
    for name in DATES:
        op.create_index(
            f"ix_admission_facts_{name}",
            "admission_facts",
            [name],
            postgresql_where=sa.text(f"{name} IS NOT NULL"),
            sqlite_where=sa.text(f"{name} IS NOT NULL"),
        )
    op.create_index("ix_admission_facts_opened_on", "admission_facts", ["opened_on"])
    op.create_index("ix_admission_facts_data_outcome", "admission_facts", ["data_outcome"])
    _search_index()
    op.create_index(
        "ix_work_items_open",
        "work_items",
        ["case_id"],
        postgresql_include=["id", "step", "step_name", "unit", "due_at"],
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )


def _search_index() -> None:
    """The auditor's search finds a fragment anywhere in a name (``LIKE '%an%'``): on
    PostgreSQL a trigram index answers it; elsewhere the index is a plain one."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_cases_search_trgm",
        "cases",
        ["search_key"],
        postgresql_using="gin",
        postgresql_ops={"search_key": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_cases_search_trgm", table_name="cases")
    op.drop_index("ix_admission_facts_data_outcome", table_name="admission_facts")
    op.drop_index("ix_work_items_open", table_name="work_items")
    for name in (*DATES, "opened_on"):
        op.drop_index(f"ix_admission_facts_{name}", table_name="admission_facts")
    with op.batch_alter_table("admission_facts", schema=None) as batch_op:
        for column in (
            "data_outcome",
            "counted",
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
    staged = _staging(connection)
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
        values = [
            {"case_id": row.case_id, **_derived(row), "counted": sorted(done[row.case_id])}
            for row in rows
        ]
        connection.execute(sa.insert(staged), values)
        for row in rows:
            counted.update((row.unit or "", *span) for span in done[row.case_id].values())
        after = rows[-1].case_id
    _copy_staged(connection, staged)
    keys = ("case_unit", "step", "step_name", "body", "micros")
    if counted:
        connection.execute(
            sa.insert(spans),
            [dict(zip(keys, key, strict=True), tasks=n) for key, n in sorted(counted.items())],
        )


# The new columns and their types.
WRITTEN = {
    "recognised_on": sa.Date(),
    "removed_on": sa.Date(),
    "probation_until": sa.Date(),
    "opened_on": sa.Date(),
    "women": sa.Boolean(),
    "ethnic_minority": sa.Boolean(),
    "youth_union": sa.Boolean(),
    "proposer_unit": sa.String(64),
    "data_outcome": sa.String(40),
    "counted": sa.JSON(),
}


def _staging(connection) -> sa.Table:
    """A temporary table of the new values, copied into ``admission_facts`` by one
    UPDATE ... FROM at the end: an UPDATE per row took minutes for 100,000 cases."""
    staged = sa.Table(
        "admission_facts_0022",
        sa.MetaData(),
        sa.Column(
            "case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
        ),
        *(sa.Column(key, kind) for key, kind in WRITTEN.items()),
        prefixes=["TEMPORARY"],
    )
    staged.create(connection)
    return staged


def _copy_staged(connection, staged: sa.Table) -> None:
    connection.execute(
        facts.update()
        .where(facts.c.case_id == staged.c.case_id)
        .values({key: staged.c[key] for key in WRITTEN})
    )
    staged.drop(connection)


def _spans(connection, case_ids: list) -> dict:
    """``stored._spans_of``: task id -> [step, step name, body, microseconds] of each
    completed task, by case."""
    found: dict = defaultdict(dict)
    for case_id, item_id, step, name, body, created_at, completed_at in connection.execute(
        sa.select(
            work_items.c.case_id,
            work_items.c.id,
            work_items.c.step,
            work_items.c.step_name,
            work_items.c.unit,
            work_items.c.created_at,
            work_items.c.completed_at,
        ).where(
            work_items.c.case_id.in_(case_ids),
            work_items.c.status == "completed",
            work_items.c.completed_at.is_not(None),
        )
    ):
        span = _aware(completed_at) - _aware(created_at)
        found[case_id][item_id] = [step or "", name or "", body or "", span // ONE_MICROSECOND]
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
    proposer, outcome = data.get("proposer_unit"), data.get("outcome")
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
        "data_outcome": outcome if isinstance(outcome, str) else None,
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
