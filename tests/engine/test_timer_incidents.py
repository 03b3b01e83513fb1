"""A case whose timer leads into a failing rule does not stop the timer worker: it is
rolled back, marked as an incident and retried later, while the other due cases go on;
once the rule works again, the next try fires it and clears the incident."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from engine import audit, cases, clock, definitions, timers
from engine.cases import Actor, unit_of_work
from engine.models import Case

from .helpers import DATA, make_registry

WORKER = Actor("timer")
DUE = datetime(2030, 1, 1, 1, tzinfo=UTC)


@pytest.fixture
def broken() -> set[str]:
    """The names for which the diagram's rule raises."""
    return set()


@pytest.fixture
def reg(broken):
    reg = make_registry()

    @reg.function()
    def gate(name):
        """Raises for the names in ``broken``."""
        if name in broken:
            raise RuntimeError(f"quy tắc không chạy được cho {name}")
        return True

    return reg


def _start(factory, reg, name: str, wait_until: str) -> int:
    with unit_of_work(factory) as s:
        return cases.start_case(
            s,
            "incident",
            {"full_name": name, "wait_until": wait_until},
            Actor("alice"),
            registry=reg,
        ).id


@pytest.fixture
def two_due(factory, reg, broken):
    """Two waiting cases, both due at DUE; the broken one is due first."""
    with unit_of_work(factory) as s:
        definitions.deploy(s, definitions.collect([DATA / "incident"]), "designer", registry=reg)
    bad = _start(factory, reg, "Hồ sơ hỏng", "2030-01-01T00:00:00+00:00")
    good = _start(factory, reg, "Hồ sơ tốt", "2030-01-01T00:30:00+00:00")
    broken.add("Hồ sơ hỏng")
    return bad, good


def _case(factory, case_id: int) -> Case:
    with unit_of_work(factory) as s:
        return s.get(Case, case_id)


def _events(factory, case_id: int) -> list[tuple[str, dict]]:
    with unit_of_work(factory) as s:
        return [(e.kind, json.loads(e.data)) for e in audit.history(s, case_id)]


def test_a_failing_case_is_marked_and_the_others_fire(factory, reg, two_due, caplog):
    bad, good = two_due
    caplog.set_level(logging.INFO, logger="engine.timers")
    with clock.frozen_at(DUE):
        assert timers.run_due(factory, WORKER, registry=reg) == 2
        assert timers.run_due(factory, WORKER, registry=reg) == 0, "retried at once"

    assert _case(factory, good).status == "closed"
    case = _case(factory, bad)
    assert case.status == "waiting" and case.incident_failures == 1
    assert "quy tắc không chạy được cho Hồ sơ hỏng" in case.incident
    assert case.incident_at == DUE and case.next_due_at == DUE + timedelta(minutes=5)
    kinds = [kind for kind, _ in _events(factory, bad)]
    assert "timer_fired" not in kinds and kinds[-1] == "timer_failed"
    failed = _events(factory, bad)[-1][1]
    assert failed["failures"] == 1 and "Hồ sơ hỏng" in failed["error"]
    assert failed["retry_at"] == (DUE + timedelta(minutes=5)).isoformat()
    [warning] = [r for r in caplog.records if r.getMessage() == "timer failed"]
    assert warning.levelno == logging.WARNING and warning.case_id == bad
    assert {r.case_id for r in caplog.records if r.getMessage() == "timers fired"} == {good}
    with unit_of_work(factory) as s:
        assert audit.verify(s) is None


def test_each_failure_in_a_row_doubles_the_wait_and_a_success_clears_it(
    factory, reg, two_due, broken
):
    bad, _good = two_due
    with clock.frozen_at(DUE):
        timers.run_due(factory, WORKER, registry=reg)
    retry = DUE + timedelta(minutes=5)
    with clock.frozen_at(retry):
        assert timers.run_due(factory, WORKER, registry=reg) == 1
    case = _case(factory, bad)
    assert case.incident_failures == 2 and case.next_due_at == retry + timedelta(minutes=10)

    broken.clear()  # the rule is fixed
    with clock.frozen_at(retry + timedelta(minutes=10)):
        assert timers.run_due(factory, WORKER, registry=reg) == 1
    case = _case(factory, bad)
    assert case.status == "closed" and case.data["checked"] is True
    assert (case.incident, case.incident_at, case.incident_failures) == (None, None, 0)
    kinds = [kind for kind, _ in _events(factory, bad)]
    assert kinds.count("timer_failed") == 2
    assert kinds.index("timer_recovered") > kinds.index("timer_failed")
    assert "timer_fired" in kinds


def test_the_wait_doubles_up_to_a_day():
    assert [timers.retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
    ]
    assert timers.retry_delay(9) < timedelta(days=1)
    assert timers.retry_delay(10) == timedelta(days=1) == timers.retry_delay(1000)
