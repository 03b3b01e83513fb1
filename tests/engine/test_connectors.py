"""Service tasks bound to connectors (engine/definitions/service_tasks.py,
engine/connectors.py): a call that works puts its outputs in the case and goes on; one
that fails makes the case an incident, with the error, retried by the timer worker
(later each time) or at once, and cleared when the call goes through."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import audit, cases, clock, definitions, timers
from engine.cases import Actor, unit_of_work
from engine.errors import Conflict
from engine.models import Case, WorkItem

from .helpers import ALICE, make_registry

EVENTS = Path(__file__).parent / "data" / "events"
TIMER = Actor("timer")


class Gateway:
    """The outside payment system the connector calls: it fails while ``down``."""

    def __init__(self) -> None:
        self.down, self.calls = False, []

    def pay(self, inputs, *, timeout):
        self.calls.append((inputs, timeout))
        if self.down:
            raise ConnectionError("cổng thanh toán không trả lời")
        return {"receipt": f"BL-{inputs['amount']}"}


@pytest.fixture
def gateway():
    return Gateway()


@pytest.fixture
def reg(gateway):
    reg = make_registry()
    reg.connector("pay", inputs=("amount",), outputs=("receipt",))(gateway.pay)
    return reg


def _files(diagram: bytes | None = None) -> dict[str, bytes]:
    return {
        "service.bpmn": diagram or (EVENTS / "service.bpmn").read_bytes(),
        "step.json": (EVENTS / "forms" / "step.json").read_bytes(),
    }


def _start(factory, reg) -> int:
    with unit_of_work(factory) as s:
        definitions.deploy(s, _files(), "designer", registry=reg)
    with unit_of_work(factory) as s:
        return cases.start_case(s, "service", {"amount": 120}, ALICE, registry=reg).id


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


def test_a_connector_that_works_gives_its_outputs_and_the_flow_goes_on(factory, reg, gateway):
    case_id = _start(factory, reg)
    [(inputs, timeout)] = gateway.calls
    assert inputs == {"amount": 120} and 0 < timeout <= 60
    assert _open_steps(factory, case_id) == ["t_check"]
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        assert case.data["receipt"] == "BL-120" and case.incident is None


def test_a_failing_connector_makes_an_incident_retried_later_then_cleared(factory, reg, gateway):
    gateway.down = True
    case_id = _start(factory, reg)
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        # The case was started (nothing rolled back) and says what went wrong.
        assert case.status == "waiting" and case.incident_failures == 1
        assert "t_pay" in case.incident and "cổng thanh toán không trả lời" in case.incident
        first_retry = case.next_due_at
        assert first_retry == case.incident_at + timedelta(minutes=5)
    assert _open_steps(factory, case_id) == []
    try:
        # Not due yet: the worker leaves it. Due: it calls again, fails, waits longer.
        timers.run_due(factory, TIMER, registry=reg)
        assert len(gateway.calls) == 1
        clock.advance(timedelta(minutes=6))
        timers.run_due(factory, TIMER, registry=reg)
        assert len(gateway.calls) == 2
        with unit_of_work(factory) as s:
            case = s.get_one(Case, case_id)
            assert case.incident_failures == 2
            assert case.next_due_at == case.incident_at + timedelta(minutes=10)
        # Back up: the next retry goes through, the flow goes on, the incident is gone.
        gateway.down = False
        clock.advance(timedelta(minutes=11))
        timers.run_due(factory, TIMER, registry=reg)
    finally:
        clock.reset()
    assert _open_steps(factory, case_id) == ["t_check"]
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        assert case.incident is None and case.incident_failures == 0
        assert case.data["receipt"] == "BL-120" and case.next_due_at is None
    kinds = _kinds(factory, case_id)
    assert kinds.count("connector_failed") == 2 and kinds.count("connector_retried") == 2
    assert "connector_recovered" in kinds


def test_an_incident_is_retried_at_once_on_request(factory, reg, gateway):
    gateway.down = True
    case_id = _start(factory, reg)
    with unit_of_work(factory) as s:
        cases.retry_connectors(s, case_id, ALICE, registry=reg)  # still down
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).incident_failures == 2
    gateway.down = False
    with unit_of_work(factory) as s:
        cases.retry_connectors(s, case_id, ALICE, registry=reg)
    assert _open_steps(factory, case_id) == ["t_check"]
    with unit_of_work(factory) as s, pytest.raises(Conflict):
        cases.retry_connectors(s, case_id, ALICE, registry=reg)


def test_an_unrelated_operation_keeps_the_incident_as_it_is(factory, reg, gateway):
    gateway.down = True
    case_id = _start(factory, reg)
    with unit_of_work(factory) as s:
        cases.update_data(s, case_id, {"note": "x"}, ALICE, registry=reg)
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).incident_failures == 1
    assert _kinds(factory, case_id).count("connector_failed") == 1


def test_outputs_the_connector_did_not_declare_are_a_failure(factory, reg, gateway):
    reg.connector("pay", inputs=("amount",), outputs=("receipt",))(
        lambda inputs, timeout: {"receipt": "x", "secret": 1}
    )
    case_id = _start(factory, reg)
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        assert "secret" in case.incident and "secret" not in case.data


def test_the_check_refuses_unbound_service_tasks_and_unknown_connectors(reg):
    diagram = (EVENTS / "service.bpmn").read_bytes()
    unknown = definitions.check(_files(diagram.replace(b'"pay"', b'"bank"')), reg)
    assert [p.element for p in unknown.problems] == ["t_pay"]
    assert 'no connector "bank"' in unknown.problems[0].message
    unbound = definitions.check(_files(diagram.replace(b' ketnap:connector="pay"', b"")), reg)
    assert [p.element for p in unbound.problems] == ["t_pay"]
    assert definitions.check(_files(), reg).ok
