"""Registered functions inside the sandbox's budget: each call pays its declared cost
before it runs and the size of its result after, the admission functions declare
theirs and check their arguments, and the sandbox's own weighing pays for itself."""

from __future__ import annotations

import tracemalloc

import pytest

from engine import workdays
from engine.registry import Registry
from engine.sandbox import Sandbox, SandboxError
from workflows.admission import rules


def sandbox_of(registry: Registry, **limits) -> Sandbox:
    return Sandbox(registry.functions, costs=registry.costs, **limits)


@pytest.fixture(scope="module")
def admission() -> Sandbox:
    registry = Registry()
    rules.register(registry)
    return sandbox_of(registry)


def test_each_call_pays_its_declared_cost_before_it_runs():
    registry, calls = Registry(), []

    @registry.function(cost=30_000)
    def heavy(x):
        calls.append(x)
        return x

    sandbox = sandbox_of(registry)
    assert sandbox.evaluate("[heavy(i) for i in range(3)]", {}) == [0, 1, 2]
    calls.clear()
    with pytest.raises(SandboxError, match="too much work"):
        sandbox.evaluate("[heavy(i) for i in range(4)]", {})
    assert calls == [0, 1, 2]  # the fourth call was refused before it ran


def test_a_cost_function_sees_the_call_only_once_its_arguments_fit():
    registry = Registry()

    @registry.function(cost=lambda items, each: 1 + each * len(items))
    def spread(items, each):
        return len(items) * each

    sandbox = sandbox_of(registry)
    assert sandbox.evaluate("spread([1, 2], 10)", {}) == 20
    with pytest.raises(SandboxError, match="too much work"):
        sandbox.evaluate("spread(list(range(1000)), 1000)", {})
    with pytest.raises(SandboxError, match=r"spread\(\): missing a required argument: 'each'"):
        sandbox.evaluate("spread([1])", {})


def test_what_a_function_builds_is_weighed():
    registry = Registry()
    registry.function("explode", cost=1)(lambda n: ["x" * 100] * n)
    sandbox = sandbox_of(registry)
    assert len(sandbox.evaluate("explode(10)", {})) == 10
    with pytest.raises(SandboxError, match="too large"):
        sandbox.evaluate("explode(100000)", {})


def test_values_built_by_functions_in_a_loop_stay_within_the_memory_budget():
    # Before: a function building a message per item, called on 140,000 items a few
    # times over (as introducer_problems was), built ~270 MB and took ~6 s; even one
    # that declares too little pays for its arguments and for what it builds.
    registry = Registry()
    registry.function("messages", cost=1)(lambda items: [f"Mục {i}: chưa ghi tên." for i in items])
    sandbox = sandbox_of(registry)
    script = "x = list(range(140000))\nr = [messages(x) for i in range(8)]"
    tracemalloc.start()
    try:
        with pytest.raises(SandboxError, match="too"):
            sandbox.execute(script, {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
    assert len(sandbox.evaluate("messages([1, 2])", {})) == 2


def test_add_workdays_refuses_a_million_days(admission):
    with pytest.raises(ValueError, match="n must be at most 10,000 working days either way"):
        rules.add_workdays("2025-01-02", 1_000_000)
    with pytest.raises(SandboxError, match="n must be at most 10,000 working days"):
        admission.evaluate("add_workdays('2025-01-02', -1_000_000)", {})
    assert admission.evaluate("add_workdays('2025-01-02', 10_000)", {}) > "2064"


def test_every_admission_function_declares_a_cost_that_takes_any_arguments():
    for fn in rules.FUNCTIONS:
        assert fn.__name__ in rules.COSTS, fn.__name__
        cost = rules.COSTS[fn.__name__]
        if not callable(cost):
            assert cost >= 1
            continue
        arity = fn.__code__.co_argcount
        for odd in (None, "x", 10**9, True, [{}] * 3):
            assert cost(*[odd] * arity) >= 1, fn.__name__


def test_working_day_calls_are_priced_for_every_year_they_may_build(admission):
    with pytest.raises(SandboxError, match="too much work"):  # 2,000 years of holidays
        admission.evaluate("[add_workdays(f'{y}-06-01', 1) for y in range(1000, 3000)]", {})


def test_a_calendar_keeps_a_bounded_number_of_years():
    calendar = workdays.Calendar()
    for year in range(2000, 2000 + workdays.KEPT_YEARS + 50):
        calendar.is_workday(workdays.date(year, 3, 2))
    assert len(calendar._years) == workdays.KEPT_YEARS
    assert calendar.is_workday(workdays.date(2000, 3, 2))  # built again when asked


# -- the sandbox's own walking -----------------------------------------------------------


def test_comparing_nested_values_pays_for_walking_them():
    # Before: each comparison of 30,000 small lists cost 0.6 % of the budget but took
    # as long as 15 % of it does elsewhere; a loop of them ran for 18 s.
    sandbox = Sandbox(max_steps=20_000)
    source = "x = [[i] for i in range(2000)]\nfor k in range(10):\n    same = x == x"
    with pytest.raises(SandboxError, match="too much work"):
        sandbox.execute(source, {})
    sandbox.execute(source.replace("range(10)", "range(1)"), {})


def test_listing_an_iterator_stops_within_the_budget():
    sandbox = Sandbox(max_steps=1_000)
    with pytest.raises(SandboxError, match="too much work"):  # not after a million pairs
        sandbox.evaluate("list(zip(range(10**6), range(10**6)))", {})
    assert Sandbox().evaluate("list(zip(range(3), 'abc'))", {}) == [(0, "a"), (1, "b"), (2, "c")]
