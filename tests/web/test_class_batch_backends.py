"""The class batch's core (web/classes/batch.py) on SQLite and PostgreSQL: the check runs
each row as the completion it would be and keeps nothing, whatever it finds; storing
completes each row in its own transaction."""

from __future__ import annotations

from sqlalchemy import select

from engine.cases import Actor, unit_of_work
from engine.models import Event, WorkItem
from tests.workflows.scenario import STUDENT, Case, today, world  # noqa: F401  (fixture)
from web.classes import batch

CENTRE = Actor("ttct")


def class_rows(factory, values: list[dict]) -> list[batch.Row]:
    rows = []
    for i, data in enumerate(values):
        case = Case(factory, {**STUDENT, "full_name": f"Học viên {i}"})
        case.do("accept_sympathiser")
        [item] = [i for i in case.items("open") if i.step == "attend_class"]
        rows.append(batch.Row(item, data))
    return rows


def completed(factory) -> list[int]:
    with unit_of_work(factory) as s:
        return list(
            s.execute(
                select(WorkItem.id).where(
                    WorkItem.step == "attend_class", WorkItem.status == "completed"
                )
            ).scalars()
        )


def test_the_check_keeps_nothing_and_names_the_bad_row(world):  # noqa: F811
    day = today().isoformat()
    rows = class_rows(
        world,
        [
            {"certificate_number": "GCN-1", "certificate_date": day},
            {"certificate_number": "GCN-2", "certificate_date": "2025-02-30"},
        ],
    )
    with unit_of_work(world) as s:
        errors = batch.check(s, rows, CENTRE)
        s.rollback()
    assert list(errors) == [rows[1].item.id] and "certificate_date" in errors[rows[1].item.id]
    assert completed(world) == []
    with unit_of_work(world) as s:
        kinds = s.execute(select(Event.kind).where(Event.actor == "ttct")).scalars().all()
    assert kinds == []  # not even an audit event of the rows that would have passed


def test_storing_completes_each_row_in_its_own_transaction(world):  # noqa: F811
    day = today().isoformat()
    rows = class_rows(
        world,
        [{"certificate_number": f"GCN-{i}", "certificate_date": day} for i in range(3)] + [{}],
    )
    commits = []

    def run(operation, *args):
        with unit_of_work(world) as s:
            commits.append(args[0])
            return operation(s, *args)

    with unit_of_work(world) as s:
        assert batch.check(s, rows, CENTRE) == {}
    done, missed = batch.store(run, rows, CENTRE)
    assert [i.id for i in done] == [r.item.id for r in rows[:3]] and missed == []
    assert commits == [r.item.id for r in rows[:3]]  # the blank row is not sent
    assert sorted(completed(world)) == sorted(r.item.id for r in rows[:3])
    # A row completed meanwhile is missed, not an error of the others.
    again, missed = batch.store(run, rows[:1], CENTRE)
    assert again == [] and [i.id for i in missed] == [rows[0].item.id]
