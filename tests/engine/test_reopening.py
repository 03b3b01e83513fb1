"""engine/reopening.py on SQLite and PostgreSQL: a completed step reopened comes back
with its values, what followed it is cancelled (its rows and history kept), a case
it closed opens again within the allowed working days, and what cannot be reopened
is refused with the reason."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import audit, cases, clock, definitions, ending, reopening, runtime
from engine.cases import _loaded, unit_of_work
from engine.errors import Conflict, InvalidData
from engine.models import Case, Event, WorkItem

from .helpers import ALICE, BOB, DATA, SUBMIT_OK

REJECTED = {**SUBMIT_OK, "approved": False}
AT_ONCE = {**SUBMIT_OK, "wait_until": "2001-01-01"}  # the timer fires at once: decide opens


def items(factory, case_id):
    """(id, step, status) of every row of the case, in order."""
    with unit_of_work(factory) as s:
        query = select(WorkItem.id, WorkItem.step, WorkItem.status).where(
            WorkItem.case_id == case_id
        )
        return [tuple(row) for row in s.execute(query.order_by(WorkItem.id))]


def complete(factory, reg, item, data, who=BOB):
    with unit_of_work(factory) as s:
        cases.complete_task(s, item, data, who, registry=reg)


def reopen(factory, reg, item, reason="Nhập sai điểm.", **options):
    with unit_of_work(factory) as s:
        return reopening.reopen_task(s, item, reason, ALICE, registry=reg, **options).id


def event_count(factory):
    with unit_of_work(factory) as s:
        return s.execute(select(func.count(Event.seq))).scalar()


def check_state_matches_rows(factory, reg, case_id):
    with unit_of_work(factory) as s:
        case = s.get(Case, case_id)
        wf = runtime.load(case.state, _loaded(s, case), reg)
        ready = {str(t.id) for t in runtime.ready_user_tasks(wf)}
        rows = set(
            s.execute(
                select(WorkItem.task_uuid).where(
                    WorkItem.case_id == case_id, WorkItem.status == "open"
                )
            ).scalars()
        )
        assert rows == ready
        assert audit.verify(s) is None


def test_a_step_that_closed_the_case_reopens_it_with_its_values(factory, reg, started):
    [(submit, _, _)] = items(factory, started)
    complete(factory, reg, submit, REJECTED)
    before = event_count(factory)
    again = reopen(factory, reg, submit, closed_within=10)
    assert items(factory, started) == [(submit, "submit", "reopened"), (again, "submit", "open")]
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert (case.status, case.outcome, case.closed_at) == ("active", None, None)
        wf = runtime.load(case.state, _loaded(s, case), reg)
        [task] = runtime.ready_user_tasks(wf)
        # The task holds the data from before the step; its form offers the earlier values.
        assert "approved" not in task.data and "approved" not in case.data
        earlier = reopening.earlier_values(s, s.get(WorkItem, again))
        assert earlier["approved"] is False and earlier["score"] == 7
        kinds = [e.kind for e in audit.history(s, started)]
        reopened = json.loads(
            next(e for e in audit.history(s, started) if e.kind == "task_reopened").data
        )
    assert kinds[-2:] == ["task_reopened", "task_ready"] and event_count(factory) == before + 2
    assert reopened["task"] == submit and reopened["reopened_as"] == again
    assert reopened["reason"] == "Nhập sai điểm." and reopened["reopened_case"] is True
    check_state_matches_rows(factory, reg, started)
    # The corrected submission goes on as any other; both completions stay in the history.
    complete(factory, reg, again, SUBMIT_OK)
    with unit_of_work(factory) as s:
        assert s.get(Case, started).status == "waiting"
        submitted = [
            json.loads(e.data)["submitted"]["approved"]
            for e in audit.history(s, started)
            if e.kind == "task_completed"
        ]
    assert submitted == [False, True]


def test_the_steps_after_it_are_cancelled_and_keep_their_history(factory, reg, started):
    [(submit, _, _)] = items(factory, started)
    complete(factory, reg, submit, AT_ONCE)
    [_, (decide, step, status)] = items(factory, started)
    assert (step, status) == ("decide", "open")
    with unit_of_work(factory) as s:
        assert s.get(Case, started).next_due_at is not None  # decide's late-timer
    again = reopen(factory, reg, submit)
    assert items(factory, started) == [
        (submit, "submit", "reopened"),
        (decide, "decide", "cancelled"),
        (again, "submit", "open"),
    ]
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        # decide's boundary timer went with it; so did the data the later steps set.
        assert case.next_due_at is None and "result" not in case.data
        event = next(e for e in audit.history(s, started) if e.kind == "task_reopened")
    assert [c["task"] for c in json.loads(event.data)["cancelled"]] == [decide]
    check_state_matches_rows(factory, reg, started)
    complete(factory, reg, again, AT_ONCE)
    assert [row[1:] for row in items(factory, started)][-1] == ("decide", "open")
    check_state_matches_rows(factory, reg, started)


def test_a_completed_later_step_is_cancelled_too(factory, reg, started):
    [(submit, _, _)] = items(factory, started)
    complete(factory, reg, submit, AT_ONCE)
    [_, (decide, _, _)] = items(factory, started)
    complete(factory, reg, decide, {"decision": "yes"}, ALICE)
    with unit_of_work(factory) as s:
        assert s.get(Case, started).status == "closed"
    # The case closed at "decide", so only that step may reopen it.
    with pytest.raises(Conflict, match="bước đã làm hồ sơ kết thúc"):
        reopen(factory, reg, submit, closed_within=10)
    again = reopen(factory, reg, decide, closed_within=10)
    assert items(factory, started)[-1] == (again, "decide", "open")
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert case.status == "active" and "result" not in case.data
    check_state_matches_rows(factory, reg, started)


def test_parallel_branches_reopen_one_at_a_time(factory, reg):
    with unit_of_work(factory) as s:
        definitions.deploy(s, definitions.collect([DATA / "parallel"]), "d", registry=reg)
        case_id = cases.start_case(s, "parallel", {}, ALICE, registry=reg).id
    first = {step: item for item, step, _ in items(factory, case_id)}
    for step in ("t1", "t2", "t3"):
        complete(factory, reg, first[step], {"note": step})
    again = reopen(factory, reg, first["t1"])
    # The other branches are untouched: t4 is still open, t2 and t3 still done.
    assert sorted(row[1:] for row in items(factory, case_id)) == [
        ("t1", "open"),
        ("t1", "reopened"),
        ("t2", "completed"),
        ("t3", "completed"),
        ("t4", "open"),
    ]
    complete(factory, reg, again, {"note": "t1 sửa"})
    complete(factory, reg, first["t4"], {"note": "t4"})
    with unit_of_work(factory) as s:
        assert s.get(Case, case_id).status == "closed"
    check_state_matches_rows(factory, reg, case_id)


def test_a_closed_case_reopens_only_within_the_working_days(factory, reg, started):
    [(submit, _, _)] = items(factory, started)
    complete(factory, reg, submit, REJECTED)
    with pytest.raises(Conflict, match="đã kết thúc"):
        reopen(factory, reg, submit, closed_within=0)
    clock.advance(timedelta(days=30))
    with pytest.raises(Conflict, match="quá 10 ngày làm việc"):
        reopen(factory, reg, submit, closed_within=10)
    assert items(factory, started) == [(submit, "submit", "completed")]


def test_what_cannot_be_reopened_is_refused(factory, reg, started):
    [(submit, _, _)] = items(factory, started)
    with pytest.raises(Conflict, match="đã hoàn thành"):
        reopen(factory, reg, submit)  # still open
    with pytest.raises(InvalidData):
        reopen(factory, reg, submit, reason=" ")
    complete(factory, reg, submit, AT_ONCE)
    with unit_of_work(factory) as s:
        cases.suspend(s, started, ALICE)
    with pytest.raises(Conflict, match="tạm dừng"):
        reopen(factory, reg, submit)
    with unit_of_work(factory) as s:
        cases.resume(s, started, ALICE)
        ending.end_case(s, started, "stopped", "Dừng.", ALICE, registry=reg)
    with pytest.raises(Conflict, match="kết thúc có lý do"):
        reopen(factory, reg, submit, closed_within=10)
