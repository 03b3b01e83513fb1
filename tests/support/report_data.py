"""A small, fully known data set for the report tests: Case and WorkItem rows inserted
directly (with the data the diagrams would have written), so that each test can work out
the expected figures by hand from ``ROWS`` and ``ITEMS`` and compare them with what the
report functions read back from the database.

Units are those of the demo tree (workflows/admission/data/org_demo.yaml); every unit
there is below the city committee TU-DL, except ``ELSEWHERE``, which is in no tree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from engine.cases import unit_of_work
from engine.models import Case, DefinitionVersion, WorkItem
from workflows.admission.reports import stored

# The day the reports are run on (a Monday), unless a test says otherwise.
TODAY = date(2025, 9, 8)
NOW = datetime(2025, 9, 8, 2, 0, tzinfo=UTC)

# Under the city committee: the demo tree's units, as a reader of the YAML file sees them.
SCHOOLS = {
    "THPT-TP": {"THPT-TP", "DT-THPT-TP"},
    "THPT-BTX": {"THPT-BTX", "DT-THPT-BTX"},
    "THPT-TL": {"THPT-TL", "THPT-TL-GV", "DT-THPT-TL"},
}
# Every enterprise without state capital, with a party organisation or (DN-MX, DN-RS)
# without one.
ENTERPRISES = {
    "DN-LB": {"DN-LB", "CD-DN-LB", "DT-DN-LB"},
    "DN-DT": {"DN-DT", "CD-DN-DT", "DT-DN-DT"},
    "DN-MX": {"DN-MX", "CD-DN-MX"},
    "DN-RS": {"DN-RS"},
}


def _row(key, unit, category, status, created, data, outcome=None):
    return {
        "key": key,
        "unit": unit,
        "category": category,
        "status": status,
        "created": created,
        "outcome": outcome,
        "data": data,
    }


ADMIT = "admit"
ROWS = [
    _row(
        "S1",
        "THPT-TP",
        "student",
        "active",
        "2024-11-01T03:00:00+00:00",
        {
            "decision": ADMIT,
            "decision_date": "2025-02-10",
            "gender": "female",
            "ethnicity": "Kinh",
            "youth_union_member": True,
            "proposer_unit": "DT-THPT-TP",
        },
    ),
    _row(
        "S2",
        "THPT-TL-GV",
        "student",
        "waiting",
        "2025-01-10T03:00:00+00:00",
        {
            "decision": ADMIT,
            "decision_date": "2025-08-01",
            "gender": "female",
            "ethnicity": "Tày",
            "youth_union_member": True,
            "proposer_unit": "DT-THPT-TL",
            "probation_end": "2026-08-20",
        },
    ),
    # Admitted last year, recognised this year.
    _row(
        "S3",
        "THPT-BTX",
        "student",
        "closed",
        "2024-01-05T03:00:00+00:00",
        {
            "decision": ADMIT,
            "decision_date": "2024-06-20",
            "recognition_decision": "recognise",
            "recognition_decision_date": "2025-07-15",
            "gender": "male",
            "ethnicity": "Kinh",
            "youth_union_member": True,
            "outcome": "recognised",
        },
        "recognised",
    ),
    # Undecided, at the branch vote: can still be decided this year.
    _row(
        "S4",
        "THPT-BTX",
        "student",
        "active",
        "2025-05-01T03:00:00+00:00",
        {"gender": "male", "youth_union_member": True, "proposer_unit": "DT-THPT-BTX"},
    ),
    # Waiting for the 18th birthday: too late for a decision this year.
    _row(
        "S5",
        "THPT-BTX",
        "student",
        "waiting",
        "2025-06-01T03:00:00+00:00",
        {
            "gender": "female",
            "waiting_reason": "Chờ đủ 18 tuổi.",
            "waiting_until": "2025-12-20",
            "youth_union_member": True,
        },
    ),
    # Opened at 01:00 on 1 January in Vietnam, still 31 December in UTC.
    _row(
        "W1",
        "DN-LB",
        "enterprise_worker",
        "waiting",
        "2024-12-31T18:00:00+00:00",
        {
            "decision": ADMIT,
            "decision_date": "2025-04-15",
            "gender": "male",
            "ethnicity": "Kinh",
            "proposer_unit": "CD-DN-LB",
        },
    ),
    # A worker of an enterprise without a party organisation, in a residential branch.
    _row(
        "W2",
        "P3-KP1",
        "enterprise_worker",
        "waiting",
        "2025-02-01T03:00:00+00:00",
        {
            "decision": ADMIT,
            "decision_date": "2025-07-20",
            "gender": "female",
            "ethnicity": "K'Ho",
            "enterprise": "DN-MX",
            "proposer_unit": "CD-DN-MX",
        },
    ),
    _row(
        "W3",
        "DN-DT",
        "enterprise_worker",
        "active",
        "2025-08-01T03:00:00+00:00",
        {"gender": "male", "proposer_unit": "CD-DN-DT"},
    ),
    # Suspended: not moving, so not counted as able to reach a decision.
    _row(
        "W4",
        "DN-DT",
        "enterprise_worker",
        "suspended",
        "2025-08-02T03:00:00+00:00",
        {"gender": "male"},
    ),
    _row(
        "M1",
        "DN-DT",
        "enterprise_manager",
        "closed",
        "2025-01-20T03:00:00+00:00",
        {
            "decision": "refuse",
            "decision_date": "2025-05-05",
            "gender": "female",
            "outcome": "not_admitted",
        },
        "not_admitted",
    ),
    # Admitted last year, removed from the roll on the last day of the first half.
    _row(
        "O1",
        "P1-KP1",
        "other",
        "closed",
        "2024-01-10T03:00:00+00:00",
        {
            "decision": ADMIT,
            "decision_date": "2024-05-01",
            "recognition_decision": "remove",
            "recognition_decision_date": "2025-06-30",
            "gender": "male",
            "outcome": "removed",
        },
        "removed",
    ),
    # Admitted on the first day of the second half; on probation.
    _row(
        "O2",
        "P2-KP2",
        "other",
        "waiting",
        "2025-02-10T03:00:00+00:00",
        {
            "decision": ADMIT,
            "decision_date": "2025-07-01",
            "gender": "female",
            "youth_union_member": False,
            "probation_end": "2026-07-15",
            "outcome": "admitted",
        },
    ),
    # Stored without the decision field: the outcome says it was admitted.
    _row(
        "D1",
        "P1",
        "other",
        "waiting",
        "2025-01-15T03:00:00+00:00",
        {
            "decision_date": "2025-03-20",
            "outcome": "admitted",
            "gender": "male",
            "ethnicity": "  kinh ",
        },
    ),
    # In no committee's tree: no report of TU-DL counts it.
    _row(
        "X1",
        "ELSEWHERE",
        "enterprise_worker",
        "waiting",
        "2025-01-15T03:00:00+00:00",
        {
            "decision": ADMIT,
            "decision_date": "2025-03-03",
            "gender": "female",
            "proposer_unit": "CD-DN-LB",
        },
    ),
]

# (case, step, step name, unit, status, created, completed or due)
ITEMS = [
    (
        "S4",
        "branch_vote",
        "Chi bộ biểu quyết",
        "THPT-BTX",
        "open",
        "2025-09-01T02:00:00+00:00",
        "2025-09-05T02:00:00+00:00",
    ),
    (
        "W3",
        "attend_class",
        "Học lớp nhận thức",
        "TTCT-DL",
        "open",
        "2025-09-01T02:00:00+00:00",
        "2025-10-01T02:00:00+00:00",
    ),
    (
        "W4",
        "attend_class",
        "Học lớp nhận thức",
        "TTCT-DL",
        "open",
        "2025-08-02T02:00:00+00:00",
        "2025-08-20T02:00:00+00:00",
    ),
    (
        "S1",
        "application",
        "Làm đơn",
        "THPT-TP",
        "completed",
        "2025-01-01T00:00:00+00:00",
        "2025-01-02T00:00:00+00:00",
    ),
    (
        "S2",
        "application",
        "Làm đơn",
        "THPT-TL-GV",
        "completed",
        "2025-01-01T00:00:00+00:00",
        "2025-01-03T00:00:00+00:00",
    ),
    (
        "W1",
        "application",
        "Làm đơn",
        "DN-LB",
        "completed",
        "2025-01-01T00:00:00+00:00",
        "2025-01-04T00:00:00+00:00",
    ),
    (
        "W2",
        "application",
        "Làm đơn",
        "P3-KP1",
        "completed",
        "2025-01-01T00:00:00+00:00",
        "2025-01-05T00:00:00+00:00",
    ),
    (
        "O2",
        "application",
        "Làm đơn",
        "P2-KP2",
        "completed",
        "2025-01-01T00:00:00+00:00",
        "2025-01-11T00:00:00+00:00",
    ),
    (
        "S1",
        "introduction",
        "Giới thiệu",
        "THPT-TP",
        "completed",
        "2025-01-05T00:00:00+00:00",
        "2025-01-07T00:00:00+00:00",
    ),
    (
        "W1",
        "introduction",
        "Giới thiệu",
        "DN-LB",
        "completed",
        "2025-01-05T00:00:00+00:00",
        "2025-01-11T12:00:00+00:00",
    ),
    # Of a case in no tree: in no timing of TU-DL.
    (
        "X1",
        "application",
        "Làm đơn",
        "ELSEWHERE",
        "completed",
        "2025-01-01T00:00:00+00:00",
        "2025-03-01T00:00:00+00:00",
    ),
]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def seed(factory) -> dict[str, int]:
    """Insert ROWS and ITEMS; returns case key -> id."""
    ids = {}
    with unit_of_work(factory) as session:
        version = session.execute(select(DefinitionVersion)).scalars().first()
        for row in ROWS:
            created = moment(row["created"])
            case = Case(
                definition_id=version.id,
                definition_key="admission",
                definition_hash=version.content_hash,
                status=row["status"],
                outcome=row["outcome"],
                unit=row["unit"],
                title=row["key"],
                category=row["category"],
                data={**row["data"], "category": row["category"], "full_name": row["key"]},
                state="{}",
                created_by="test",
                created_at=created,
                updated_at=created,
                closed_at=created if row["status"] == "closed" else None,
            )
            session.add(case)
            session.flush()
            ids[row["key"]] = case.id
        for number, (key, step, name, unit, status, created, end) in enumerate(ITEMS):
            session.add(
                WorkItem(
                    case_id=ids[key],
                    task_uuid=f"00000000-0000-0000-0000-{number:012d}",
                    process_id="admission",
                    step=step,
                    step_name=name,
                    unit=unit,
                    status=status,
                    created_at=moment(created),
                    completed_at=moment(end) if status == "completed" else None,
                    due_at=moment(end) if status == "open" else None,
                    title=key,
                )
            )
        # Rows written past the engine get their report facts the way cases stored
        # before the facts table existed do (migration 0009).
        stored.backfill(session)
    return ids


def rows(*keys: str) -> list[dict]:
    return [row for row in ROWS if row["key"] in keys] if keys else list(ROWS)


def in_city(row: dict) -> bool:
    """Every unit of the demo tree is below TU-DL; ELSEWHERE is in no tree."""
    return row["unit"] != "ELSEWHERE"


def ids_of(ids: dict[str, int], keys) -> tuple[int, ...]:
    return tuple(sorted(ids[key] for key in keys))
