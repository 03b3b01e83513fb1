"""engine/ending.py on SQLite and PostgreSQL: a case ended with an outcome and a reason
has its tasks cancelled, its timers dropped, and one event saying so."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine import audit, cases, ending, runtime
from engine.cases import _loaded, unit_of_work
from engine.errors import Conflict, InvalidData
from engine.models import Case, WorkItem

from .helpers import BOB, SUBMIT_OK


def rows(factory, case_id):
    with unit_of_work(factory) as s:
        found = select(WorkItem.step, WorkItem.status).where(WorkItem.case_id == case_id)
        return sorted(s.execute(found).all())


def test_ending_cancels_the_open_task_and_records_one_event(factory, reg, started):
    with unit_of_work(factory) as s:
        events_before = len(audit.history(s, started))
        ending.end_case(s, started, "withdrawn", "  Đơn xin rút ngày 3/3.  ", BOB, registry=reg)
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert (case.status, case.outcome, case.next_due_at) == ("closed", "withdrawn", None)
        assert case.closed_at is not None
        assert case.data["outcome"] == "withdrawn"
        assert case.data["outcome_reason"] == "Đơn xin rút ngày 3/3."
        history = audit.history(s, started)
        assert audit.verify(s) is None
    assert rows(factory, started) == [("submit", "cancelled")]
    [event] = history[events_before:]
    assert (event.kind, event.actor) == ("case_ended", "bob")
    data = json.loads(event.data)
    assert data["outcome"] == "withdrawn" and data["reason"] == "Đơn xin rút ngày 3/3."
    assert [c["step"] for c in data["cancelled"]] == ["submit"] and data["timers"] == []


def test_ending_drops_the_timers_the_case_waits_for(factory, reg, started):
    [item] = [i.id for i in _open(factory, started)]  # SUBMIT_OK then waits until 2030
    with unit_of_work(factory) as s:
        cases.complete_task(s, item, SUBMIT_OK, BOB, registry=reg)
        assert s.get(Case, started).next_due_at is not None
    with unit_of_work(factory) as s:
        ending.end_case(s, started, "stopped", "Chuyển công tác.", BOB, registry=reg)
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert case.next_due_at is None and case.status == "closed"
        wf = runtime.load(case.state, _loaded(s, case), reg)
        assert runtime.waiting_timers(wf) == [] and runtime.ready_user_tasks(wf) == []
        [event] = [e for e in audit.history(s, started) if e.kind == "case_ended"]
        assert json.loads(event.data)["timers"] == ["wait_date"]


def _open(factory, case_id):
    with unit_of_work(factory) as s:
        query = select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.status == "open")
        return list(s.execute(query).scalars())


def test_a_closed_case_cannot_be_ended_again(factory, reg, started):
    with unit_of_work(factory) as s:
        ending.end_case(s, started, "cancelled", "Mở nhầm.", BOB, registry=reg)
    with pytest.raises(Conflict), unit_of_work(factory) as s:
        ending.end_case(s, started, "stopped", "Lần nữa.", BOB, registry=reg)


@pytest.mark.parametrize(
    "outcome, reason, field", [("withdrawn", "   ", "reason"), ("", "Lý do", "outcome")]
)
def test_an_ending_needs_an_outcome_and_a_reason(factory, reg, started, outcome, reason, field):
    with pytest.raises(InvalidData) as refused, unit_of_work(factory) as s:
        ending.end_case(s, started, outcome, reason, BOB, registry=reg)
    assert list(refused.value.fields) == [field]
    assert rows(factory, started) == [("submit", "open")]
