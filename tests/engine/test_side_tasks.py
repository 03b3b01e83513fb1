"""engine/side_tasks.py on SQLite and PostgreSQL: an inbox task no diagram holds stays
open while the case's diagram moves on, counts as something to do, is refused by
``complete_task``, and is cancelled when the case ends under it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import cases, side_tasks, stuck, timers
from engine.cases import Actor, unit_of_work
from engine.errors import Conflict
from engine.models import Case, WorkItem

from .helpers import ALICE, BOB, SUBMIT_OK, move_clock_past_wait


def open_side(factory, case_id: int) -> int:
    with unit_of_work(factory) as s:
        item = side_tasks.open_side_task(
            s, s.get(Case, case_id), step="accept", name="Tiếp nhận", unit="BOARD2"
        )
        return item.id


def statuses(factory, case_id: int) -> list[tuple[str, str]]:
    with unit_of_work(factory) as s:
        found = select(WorkItem.step, WorkItem.status).where(WorkItem.case_id == case_id)
        return sorted(s.execute(found).all())


def test_a_side_task_outlives_the_diagrams_steps_until_the_case_closes(factory, reg, started):
    side = open_side(factory, started)
    [submit] = [i for i in statuses(factory, started) if i[0] == "submit"]
    assert submit == ("submit", "open")
    with unit_of_work(factory) as s:
        item = s.execute(
            select(WorkItem).where(WorkItem.case_id == started, WorkItem.step == "submit")
        ).scalar_one()
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
    # The case only waits on its timer now, but the side task keeps it active.
    with unit_of_work(factory) as s:
        assert s.get(Case, started).status == "active"
        assert stuck.stuck_cases(s, registry=reg) == []
        assert s.get(WorkItem, side).status == "open"
    with pytest.raises(Conflict), unit_of_work(factory) as s:
        cases.complete_task(s, side, {}, ALICE, registry=reg)
    move_clock_past_wait()
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 1
    with unit_of_work(factory) as s:
        decide = s.execute(
            select(WorkItem).where(WorkItem.case_id == started, WorkItem.step == "decide")
        ).scalar_one()
        cases.complete_task(s, decide.id, {"decision": "yes"}, ALICE, registry=reg)
    # The diagram ended: nothing is left open, the side task with it.
    assert statuses(factory, started) == [
        ("accept", "cancelled"),
        ("decide", "completed"),
        ("submit", "completed"),
    ]


def test_the_domain_closes_its_side_task(factory, reg, started):
    side = open_side(factory, started)
    with unit_of_work(factory) as s:
        side_tasks.close_side_task(s.get(WorkItem, side), "alice")
    with unit_of_work(factory) as s:
        item = s.get(WorkItem, side)
        assert (item.status, item.completed_by) == ("completed", "alice")
        assert side_tasks.is_side(item) and item.completed_at is not None
