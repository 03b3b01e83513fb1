"""Each engine action appends its event kinds exactly once, in the same transaction."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import cases, clock, definitions, timers
from engine.attachments import add_comment
from engine.cases import Actor, unit_of_work
from engine.models import Event, WorkItem

from .helpers import (
    ALICE,
    BOB,
    SUBMIT_OK,
    deploy_edited_review,
    make_registry,
    move_clock_past_wait,
    review_files,
)


@pytest.fixture
def reg():
    return make_registry()


@pytest.fixture
def started(factory, reg):
    """The review process, with its escalation task marked as one."""
    escalate = b'id="escalate" name="\xc4\x90\xc3\xb4n \xc4\x91\xe1\xbb\x91c" ketnap:form="decide"'
    deploy_edited_review(factory, reg, escalate, escalate + b' ketnap:escalation="true"')
    with unit_of_work(factory) as s:
        return cases.start_case(
            s,
            "review",
            {"full_name": "Nguyễn Văn Ân", "unit_code": "U7"},
            ALICE,
            unit="U7",
            registry=reg,
        ).id


def _last(factory) -> int:
    with factory() as s:
        return s.execute(select(func.max(Event.seq))).scalar() or 0


def _kinds_of(factory, action) -> Counter:
    """The kinds of the events ``action`` appended, with how often each."""
    before = _last(factory)
    action()
    with factory() as s:
        return Counter(s.execute(select(Event.kind).where(Event.seq > before)).scalars())


def _open(factory, case_id, step):
    with factory() as s:
        return s.execute(
            select(WorkItem.id).where(
                WorkItem.case_id == case_id, WorkItem.step == step, WorkItem.status == "open"
            )
        ).scalar_one()


def _run(factory, operation, *args, **kwargs):
    def action():
        with unit_of_work(factory) as s:
            operation(s, *args, **kwargs)

    return action


def test_case_start_records_start_and_first_task_once(factory, reg):
    with unit_of_work(factory) as s:
        definitions.deploy(s, review_files(), "designer", registry=reg)
    kinds = _kinds_of(
        factory,
        _run(
            factory, cases.start_case, "review", {"unit_code": "U7"}, ALICE, unit="U7", registry=reg
        ),
    )
    assert kinds == Counter({"case_started": 1, "task_ready": 1})


def test_task_actions_record_their_kind_once(factory, reg, started):
    item = _open(factory, started, "submit")
    assert _kinds_of(factory, _run(factory, cases.claim, item, BOB)) == {"task_claimed": 1}
    assert _kinds_of(factory, _run(factory, cases.unclaim, item, BOB)) == {"task_unclaimed": 1}
    assert _kinds_of(factory, _run(factory, cases.reassign, item, "carol", BOB, force=True)) == {
        "task_reassigned": 1
    }
    assert _kinds_of(factory, _run(factory, add_comment, started, "ý kiến", BOB)) == {
        "comment_added": 1
    }
    assert _kinds_of(factory, _run(factory, cases.suspend, started, BOB)) == {"case_suspended": 1}
    assert _kinds_of(factory, _run(factory, cases.resume, started, BOB)) == {"case_resumed": 1}
    kinds = _kinds_of(
        factory, _run(factory, cases.complete_task, item, SUBMIT_OK, Actor("carol"), registry=reg)
    )
    assert kinds["task_completed"] == 1
    with factory() as s:
        completed = s.execute(select(Event).where(Event.kind == "task_completed")).scalar_one()
        assert '"submitted"' in completed.data and '"changes"' in completed.data


def test_overdue_timer_records_timer_and_escalation_once(factory, reg, started):
    _run(
        factory,
        cases.complete_task,
        _open(factory, started, "submit"),
        SUBMIT_OK,
        BOB,
        registry=reg,
    )()
    move_clock_past_wait()
    timers.run_due(factory, Actor("timer"), registry=reg)
    clock.advance(timedelta(days=11))
    kinds = _kinds_of(factory, lambda: timers.run_due(factory, Actor("timer"), registry=reg))
    assert kinds == Counter({"timer_fired": 1, "task_ready": 1, "escalation": 1})


def test_cancel_records_case_and_task_events_once(factory, reg, started):
    kinds = _kinds_of(factory, _run(factory, cases.cancel, started, BOB, "rút", registry=reg))
    assert kinds["case_cancelled"] == 1 and kinds["task_cancelled"] == 1
