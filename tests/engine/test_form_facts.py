"""What a domain adds to an accepted submission (``Registry.form_fact``), and the due
date of an open task that moves when another step submits its ``ketnap:dueFrom`` field
(an extension), on the review diagram (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import audit, cases, clock, timers
from engine.cases import Actor, unit_of_work
from engine.models import Case, WorkItem

from .helpers import (
    ALICE,
    BOB,
    SUBMIT_OK,
    deploy_edited_review,
    make_registry,
    move_clock_past_wait,
)

EXTEND_FORM = {
    "title": "Gia hạn",
    "fields": [{"name": "submitted_on", "label": "Tính hạn từ ngày", "type": "date"}],
}


@pytest.fixture
def reg():
    reg = make_registry()

    @reg.form_fact("submit")
    def graded(sub):
        # Facts win over what was submitted under the same name.
        return {"grade": "high" if sub.submitted["score"] >= 5 else "low", "score_seen": True}

    return reg


@pytest.fixture
def started(factory, reg) -> int:
    # The overdue follow-up of "decide" may set the field its deadline counts from.
    deploy_edited_review(
        factory,
        reg,
        'id="escalate" name="Đôn đốc" ketnap:form="decide"'.encode(),
        'id="escalate" name="Gia hạn" ketnap:form="extend"'.encode(),
        {"forms/extend.json": json.dumps(EXTEND_FORM).encode()},
    )
    with unit_of_work(factory) as s:
        return cases.start_case(s, "review", {"unit_code": "U7"}, ALICE, unit="U7", registry=reg).id


def open_items(factory, case_id) -> dict[str, WorkItem]:
    with unit_of_work(factory) as s:
        rows = s.execute(
            select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.status == "open")
        ).scalars()
        return {item.step: item for item in rows}


def complete(factory, reg, item: WorkItem, data: dict) -> None:
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, data, BOB, registry=reg)


def test_facts_are_stored_with_the_submission_but_not_as_submitted(factory, reg, started):
    complete(factory, reg, open_items(factory, started)["submit"], SUBMIT_OK)
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert case.data["grade"] == "high" and case.data["score_seen"] is True
        [done] = [e for e in audit.history(s, started) if e.kind == "task_completed"]
        logged = json.loads(done.data)
    assert "grade" not in logged["submitted"]  # what the person typed, nothing else
    assert logged["changes"]["grade"] == [None, "high"]  # but the change is on record


def test_an_open_tasks_due_date_moves_when_its_field_is_submitted(factory, reg, started):
    complete(factory, reg, open_items(factory, started)["submit"], SUBMIT_OK)
    move_clock_past_wait()
    timers.run_due(factory, Actor("timer"), registry=reg)
    first_due = open_items(factory, started)["decide"].due_at
    assert first_due.date().isoformat() == "2025-03-17"  # 10 working days after 3 March
    clock.advance(timedelta(days=11))
    timers.run_due(factory, Actor("timer"), registry=reg)
    items = open_items(factory, started)
    assert set(items) == {"decide", "escalate"}
    complete(factory, reg, items["escalate"], {"submitted_on": "2030-01-15"})
    moved = open_items(factory, started)["decide"].due_at
    assert moved.date().isoformat() == "2030-01-29" and moved > first_due
