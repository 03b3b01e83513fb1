"""Outside events (engine/outside_events.py): a message to one case, a message to every
case its correlation keys match, a message that starts a case, a signal across cases.
Each delivery is one audited operation of its case; a case that does not wait for the
event is a Conflict and is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine import audit, cases, definitions, outside_events
from engine.cases import unit_of_work
from engine.errors import Conflict
from engine.models import Case, Event, WorkItem

from .helpers import ALICE, make_registry

EVENTS = Path(__file__).parent / "data" / "events"
OUTSIDE = cases.Actor("api:ke-toan")


def _deploy(factory, reg, name: str) -> None:
    files = {
        f"{name}.bpmn": (EVENTS / f"{name}.bpmn").read_bytes(),
        "step.json": (EVENTS / "forms" / "step.json").read_bytes(),
    }
    with unit_of_work(factory) as s:
        definitions.deploy(s, files, "designer", registry=reg)


def _start_payments(factory, reg, *numbers: str) -> list[int]:
    _deploy(factory, reg, "payment")
    ids = []
    for number in numbers:
        with unit_of_work(factory) as s:
            data = {"dossier_no": number, "unit_code": "U7"}
            ids.append(cases.start_case(s, "payment", data, ALICE, registry=reg).id)
    return ids


def _open_steps(factory, case_id: int) -> list[str]:
    with unit_of_work(factory) as s:
        return list(
            s.execute(
                select(WorkItem.step).where(WorkItem.case_id == case_id, WorkItem.status == "open")
            ).scalars()
        )


def _kinds(factory, case_id: int) -> list[str]:
    with unit_of_work(factory) as s:
        return [e.kind for e in audit.history(s, case_id)]


@pytest.fixture
def reg():
    return make_registry()


def test_a_message_to_one_case_runs_it_on_with_its_payload(factory, reg):
    [case_id] = _start_payments(factory, reg, "A-1")
    with unit_of_work(factory) as s:
        cases.send_message(s, case_id, "paid", {"amount": 120}, OUTSIDE, registry=reg)
    assert _open_steps(factory, case_id) == ["t_check"]
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).data["amount"] == 120
        [event] = s.execute(
            select(Event).where(Event.case_id == case_id, Event.kind == "message_received")
        ).scalars()
        assert event.actor == "api:ke-toan"
    # Delivered once: the case waits for it no longer, and a second one changes nothing.
    with unit_of_work(factory) as s, pytest.raises(Conflict):
        cases.send_message(s, case_id, "paid", {"amount": 1}, OUTSIDE, registry=reg)
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).data["amount"] == 120


def test_a_message_the_case_does_not_wait_for_is_a_conflict(factory, reg):
    [case_id] = _start_payments(factory, reg, "A-1")
    with unit_of_work(factory) as s, pytest.raises(Conflict):
        cases.send_message(s, case_id, "refunded", {}, OUTSIDE, registry=reg)
    assert "message_received" not in _kinds(factory, case_id)


def test_a_correlated_message_reaches_only_the_cases_whose_data_matches(factory, reg):
    first, second, third = _start_payments(factory, reg, "A-1", "A-2", "A-1")
    done = outside_events.correlate_message(
        factory, "paid", {"dossier_no": "A-1"}, {"amount": 5}, OUTSIDE, registry=reg
    )
    assert (done.reached, done.started) == ([first, third], [])
    assert _open_steps(factory, first) == _open_steps(factory, third) == ["t_check"]
    assert _open_steps(factory, second) == []
    assert "message_received" not in _kinds(factory, second)


def test_a_message_nobody_waits_for_starts_a_case_of_its_definition(factory, reg):
    _deploy(factory, reg, "application")
    done = outside_events.correlate_message(
        factory, "application", {"ref": "X-9"}, {"unit_code": "U3"}, OUTSIDE, registry=reg
    )
    assert done.reached == [] and len(done.started) == 1
    [case_id] = done.started
    assert _open_steps(factory, case_id) == ["t_review"]
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        assert (case.data["ref"], case.data["unit_code"], case.created_by) == (
            "X-9",
            "U3",
            "api:ke-toan",
        )
        unit = s.execute(select(WorkItem.unit).where(WorkItem.case_id == case_id)).scalar_one()
        assert unit == "U3"
    assert _kinds(factory, case_id)[:2] == ["case_started", "message_received"]


def test_a_message_nothing_waits_for_and_nothing_starts_on_reaches_nobody(factory, reg):
    [case_id] = _start_payments(factory, reg, "A-1")
    done = outside_events.correlate_message(
        factory, "paid", {"dossier_no": "B-7"}, {}, OUTSIDE, registry=reg
    )
    assert (done.reached, done.started) == ([], [])
    assert "message_received" not in _kinds(factory, case_id)


def test_a_signal_reaches_every_waiting_case_and_skips_the_others(factory, reg):
    first, second, third = _start_payments(factory, reg, "A-1", "A-2", "A-3")
    with unit_of_work(factory) as s:
        cases.send_message(s, second, "paid", {}, OUTSIDE, registry=reg)  # past the wait
        cases.suspend(s, third, ALICE, registry=reg)
    done = outside_events.broadcast_signal(factory, "recall", {"why": "sai"}, OUTSIDE, registry=reg)
    assert done.reached == [first]
    with unit_of_work(factory) as s:
        assert (s.get_one(Case, first).status, s.get_one(Case, first).outcome) == (
            "closed",
            "completed",
        )
        assert s.get_one(Case, second).status != "closed"
        assert s.get_one(Case, third).status == "suspended"
    assert "signal_received" in _kinds(factory, first)
    assert "signal_received" not in _kinds(factory, second)


def test_a_signal_to_one_case_that_does_not_wait_for_it_is_a_conflict(factory, reg):
    [case_id] = _start_payments(factory, reg, "A-1")
    with unit_of_work(factory) as s, pytest.raises(Conflict):
        cases.send_signal(s, case_id, "stop", {}, OUTSIDE, registry=reg)
