"""Timer start events start cases on schedule, through the timer worker, exactly once
per firing even with two workers at the same moment (tests/engine/data/constructs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from engine import cases, clock, definitions, timers
from engine.cases import Actor, unit_of_work
from engine.models import Case, TimerStart

from .helpers import make_registry
from .test_concurrency import run_together
from .test_constructs import _ran, files_of

TIMER = Actor("timer")
FIRST = datetime(2030, 1, 1, 1, tzinfo=UTC)  # 08:00 in Hà Nội, where the diagrams say


def _deploy(factory, reg, name: str, files=None) -> None:
    with unit_of_work(factory) as s:
        definitions.deploy(s, files or files_of(name), "designer", registry=reg)


def _cases(factory, key: str) -> list[Case]:
    with unit_of_work(factory) as s:
        return list(s.execute(select(Case).where(Case.definition_key == key)).scalars())


def test_a_timer_start_creates_exactly_one_case_with_two_workers(factory):
    reg = make_registry()
    _deploy(factory, reg, "timer_start")
    with clock.frozen_at(FIRST - timedelta(minutes=1)):
        assert timers.run_due(factory, TIMER, registry=reg) == 0
    assert _cases(factory, "timer_start") == []
    with clock.frozen_at(FIRST + timedelta(minutes=1)):
        results, errors = run_together(
            [lambda: timers.run_due(factory, TIMER, registry=reg) for _ in range(2)]
        )
        assert errors == [None, None] and sorted(results) == [0, 1]
        assert timers.run_due(factory, TIMER, registry=reg) == 0
    (case,) = _cases(factory, "timer_start")
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case.id)
        # The case ran on at once: its start's timer is the schedule's, not a wait.
        assert (case.status, case.created_by) == ("closed", "timer")
        assert _ran(s, case, reg) == ["t_a", "end"]
        assert s.get_one(TimerStart, "timer_start").next_at is None


def test_a_cycle_starts_one_case_per_firing_and_stops(factory):
    reg = make_registry()
    _deploy(factory, reg, "timer_start_cycle")  # R3/2030-01-01T08:00:00+07:00/P1D
    counts = []
    for day in range(5):
        with clock.frozen_at(FIRST + timedelta(days=day, minutes=1)):
            timers.run_due(factory, TIMER, registry=reg)
        counts.append(len(_cases(factory, "timer_start_cycle")))
    assert counts == [1, 2, 3, 3, 3]


def test_missed_firings_are_caught_up_once_each(factory):
    reg = make_registry()
    _deploy(factory, reg, "timer_start_cycle")
    with clock.frozen_at(FIRST + timedelta(days=10)):
        assert timers.run_due(factory, TIMER, registry=reg) == 3
        assert timers.run_due(factory, TIMER, registry=reg) == 0
    assert len(_cases(factory, "timer_start_cycle")) == 3


def test_a_new_version_with_the_same_timer_keeps_the_schedule(factory):
    reg = make_registry()
    _deploy(factory, reg, "timer_start")
    with clock.frozen_at(FIRST + timedelta(minutes=1)):
        timers.run_due(factory, TIMER, registry=reg)
    files = files_of("timer_start")
    files["timer_start.bpmn"] = files["timer_start.bpmn"].replace(b'name="t_a"', b'name="A"')
    _deploy(factory, reg, "timer_start", files)  # a new version, the same timer
    with clock.frozen_at(FIRST + timedelta(minutes=2)):
        assert timers.run_due(factory, TIMER, registry=reg) == 0
    assert len(_cases(factory, "timer_start")) == 1
    # A version without a timer start ends the schedule.
    files["timer_start.bpmn"] = files["timer_start.bpmn"].replace(
        files["timer_start.bpmn"][
            files["timer_start.bpmn"].index(b"<bpmn:startEvent") : files["timer_start.bpmn"].index(
                b"</bpmn:startEvent>"
            )
            + len(b"</bpmn:startEvent>")
        ],
        b'<bpmn:startEvent id="start"/>',
    )
    _deploy(factory, reg, "timer_start", files)
    with unit_of_work(factory) as s:
        assert s.get(TimerStart, "timer_start") is None
        assert s.scalar(select(func.count()).select_from(TimerStart)) == 0


def test_a_person_may_still_start_such_a_case_by_hand(factory):
    reg = make_registry()
    _deploy(factory, reg, "timer_start")
    with unit_of_work(factory) as s:
        case = cases.start_case(s, "timer_start", {"steps": 0}, Actor("alice"), registry=reg)
        assert case.status == "closed"


def test_a_schedule_must_be_known_at_deployment_and_belong_to_the_main_process():
    reg = make_registry()
    files = files_of("timer_start")
    files["timer_start.bpmn"] = files["timer_start.bpmn"].replace(
        b'"2030-01-01T08:00:00+07:00"',
        b"start_on",  # case data: there is none yet
    )
    (problem,) = definitions.check(files, reg).problems
    assert problem.element == "start" and "case data" in problem.message
    called = files_of("call_activity")
    called["call_activity.bpmn"] = called["call_activity.bpmn"].replace(
        b'<bpmn:startEvent id="c_start"/>',
        b'<bpmn:startEvent id="c_start"><bpmn:timerEventDefinition><bpmn:timeDate>'
        b'"2030-01-01T00:00:00Z"</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:startEvent>',
    )
    (problem,) = definitions.check(called, reg).problems
    assert problem.element == "c_start" and "only the main process" in problem.message
