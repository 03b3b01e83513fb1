"""engine/preview.py on SQLite and PostgreSQL: an operation run and taken back tells
what it would do, and leaves no row, no event and no lock behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from engine import cases, preview
from engine.cases import unit_of_work
from engine.errors import InvalidData
from engine.models import Case, Event, WorkItem

from .helpers import BOB, SUBMIT_OK


def stored(factory, case_id):
    """Everything of the case that an operation could change."""
    with unit_of_work(factory) as s:
        case = s.get(Case, case_id)
        rows = s.execute(
            select(WorkItem.id, WorkItem.status).where(WorkItem.case_id == case_id)
        ).all()
        events = s.execute(select(func.count(Event.seq))).scalar()
        return (case.state, case.status, case.revision, dict(case.data), sorted(rows), events)


def submit_item(factory, case_id):
    with unit_of_work(factory) as s:
        return s.execute(select(WorkItem.id).where(WorkItem.case_id == case_id)).scalar_one()


def test_a_closing_completion_previewed_says_so_and_stores_nothing(factory, reg, started):
    item = submit_item(factory, started)
    before = stored(factory, started)
    rejected = {**SUBMIT_OK, "approved": False}
    with unit_of_work(factory) as s:
        effect = preview.preview(s, started, cases.complete_task, item, rejected, BOB, registry=reg)
    assert (effect.closes, effect.status, effect.outcome) == (True, "closed", "completed")
    assert effect.opens == () and effect.cancels == ()
    assert effect.data["approved"] is False
    assert effect.events == ("task_completed", "case_closed")
    assert stored(factory, started) == before
    # The same data for real does what the preview said.
    with unit_of_work(factory) as s:
        cases.complete_task(s, item, rejected, BOB, registry=reg)
        case = s.get(Case, started)
        assert (case.status, case.outcome) == ("closed", "completed")


def test_a_preview_names_the_tasks_that_would_open(factory, reg, started):
    item = submit_item(factory, started)
    with unit_of_work(factory) as s:
        effect = preview.preview(
            s,
            started,
            cases.complete_task,
            item,
            {**SUBMIT_OK, "wait_until": "2001-01-01"},
            BOB,
            registry=reg,
        )
    assert not effect.closes and effect.status == "active"
    assert [(o.step, o.name, o.unit) for o in effect.opens] == [("decide", "Quyết định", "BOARD")]
    assert [s.task for s in effect.cancels] == []


def test_attempt_keeps_what_keep_accepts(factory, reg, started):
    item = submit_item(factory, started)
    with unit_of_work(factory) as s:
        done = preview.attempt(
            s, started, cases.complete_task, item, SUBMIT_OK, BOB, keep=lambda e: True, registry=reg
        )
    assert done.kept and done.effect.status == "waiting"
    with unit_of_work(factory) as s:
        assert s.get(WorkItem, item).status == "completed"
        assert s.get(Case, started).status == "waiting"


def test_a_refused_operation_is_raised_and_leaves_nothing(factory, reg, started):
    item = submit_item(factory, started)
    before = stored(factory, started)
    with pytest.raises(InvalidData), unit_of_work(factory) as s:
        preview.attempt(
            s, started, cases.complete_task, item, {"score": 99}, BOB, keep=lambda e: True
        )
    assert stored(factory, started) == before


@pytest.mark.parametrize("db_engine", ["postgres"], indirect=True)
def test_the_case_is_not_left_locked(factory, reg, started, db_engine):
    """While the previewing transaction is still open, another one can lock the case:
    the lock was taken in the savepoint and went with it (SQLite locks the whole
    database for a transaction's duration, so this is a PostgreSQL question)."""
    item = submit_item(factory, started)
    with unit_of_work(factory) as s:
        preview.preview(s, started, cases.complete_task, item, SUBMIT_OK, BOB, registry=reg)
        with db_engine.connect() as other:
            other.execute(text("SET lock_timeout = '1s'"))
            locked = other.execute(
                text("SELECT id FROM cases WHERE id = :id FOR UPDATE NOWAIT"), {"id": started}
            ).scalar()
            other.rollback()
        assert locked == started
