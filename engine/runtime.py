"""Running a case's workflow: load it, step it, and read what it waits for.

Everything here works on one in-memory SpiffWorkflow instance; the operations in
``cases.py`` wrap it in a transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task, TaskState
from SpiffWorkflow.util.deep_merge import DeepMerge

from engine import deadline, limits, state, task_tree
from engine.definitions import Loaded
from engine.errors import ProcessError
from engine.registry import Registry
from engine.sandbox import Sandbox, SandboxScriptEngine

task_tree.install()  # no depth limit, and walks that skip the finished history

_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
# Engine steps one operation may run: a flow that loops through gateways would otherwise
# run, and pile up tasks, until the operation's wall-clock ceiling.
MAX_STEPS = 10_000


@lru_cache(maxsize=8)
def script_engine(registry: Registry) -> SandboxScriptEngine:
    engine = SandboxScriptEngine(Sandbox(registry.functions, costs=registry.costs))
    # What bound service tasks call (engine/definitions/service_tasks.py).
    engine.connectors = registry.connectors
    return engine


def new_workflow(loaded: Loaded, registry: Registry, data: dict[str, Any]) -> BpmnWorkflow:
    wf = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=script_engine(registry))
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return wf


def load(text: str, loaded: Loaded, registry: Registry) -> BpmnWorkflow:
    return state.loads(text, loaded.spec, loaded.subprocess_specs, script_engine(registry))


def step(wf: BpmnWorkflow, *, timers: bool = False) -> None:
    """Run the engine until only user tasks, timers and messages remain."""
    try:
        if timers:
            wf.refresh_timers()
        wf.do_engine_steps(did_complete_task=_after_step)
    except SpiffWorkflowException as err:
        raise ProcessError(_describe(err)) from err


def run_task(task: Task) -> None:
    try:
        task.run()
    except SpiffWorkflowException as err:
        raise ProcessError(_describe(err)) from err
    _after_step(task)


class _Work:
    """What the steps of one operation have spent: how many ran, and the bytes of data
    they wrote (each task keeps what it changed, so that is what the case's stored
    state and memory grow by)."""

    def __init__(self, limit: int):
        self.steps, self.left = 0, limit

    def spend(self, task: Task) -> str | None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            return f"more than {MAX_STEPS:,} steps in one operation (does the flow loop?)"
        if task.parent is not None:
            for value in DeepMerge.get_updated_keys(task.parent.data, task.data).values():
                self.left -= limits.json_size(value, max(self.left, 0))
            if self.left < 0:
                limit = limits.current().max_case_bytes
                return f"the steps of one operation wrote more than {limit:,} bytes of data"
        return None


_WORK = threading.local()


@contextmanager
def bounded_work() -> Iterator[None]:
    """Count the engine steps of one case operation and the data they write (an
    operation inside another counts into the outer one)."""
    if getattr(_WORK, "current", None) is not None:
        yield
        return
    _WORK.current = _Work(limits.current().max_case_bytes)
    try:
        yield
    finally:
        _WORK.current = None


def _after_step(task: Task) -> None:
    """Between two engine steps: stop an operation past its wall-clock ceiling, one that
    runs too many steps or writes too much, and one whose step (a script, say) left
    more data than a case may keep, before the next step copies it on."""
    deadline.check()
    work = getattr(_WORK, "current", None)
    problem = limits.too_large(task.data) or (work.spend(task) if work is not None else None)
    if problem:
        where = getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name
        raise ProcessError(f"{where}: {problem}")


def _describe(err: SpiffWorkflowException) -> str:
    where = getattr(getattr(err, "task_spec", None), "bpmn_id", None) or getattr(err, "id", "")
    text = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    return f"{where}: {text}" if where else text


def all_tasks(wf: BpmnWorkflow) -> Iterator[Task]:
    """Every task of the case, sub-processes included, without the depth-limited iterator."""
    yield from wf.tasks.values()
    for sub in wf.subprocesses.values():
        yield from sub.tasks.values()


def live_tasks(wf: BpmnWorkflow) -> list[Task]:
    """Tasks ready, waiting or started, sub-processes included (read from every task,
    not by walking the tree)."""
    return [t for t in all_tasks(wf) if t.state & _LIVE]


def ready_user_tasks(wf: BpmnWorkflow) -> list[Task]:
    return [t for t in all_tasks(wf) if t.state == TaskState.READY and t.task_spec.manual]


def find_task(wf: BpmnWorkflow, task_id) -> Task | None:
    for task in all_tasks(wf):
        if task.id == task_id:
            return task
    return None


def waiting_timers(wf: BpmnWorkflow) -> list[tuple[Task, datetime]]:
    """Timer events the case waits for, with the moment each is due."""
    found = []
    for task in all_tasks(wf):
        if task.state != TaskState.WAITING:
            continue
        if not _waits_for_timer(getattr(task.task_spec, "event_definition", None)):
            continue
        value = task.internal_data.get("event_value")
        due = _timer_due(value)
        if due is not None:
            found.append((task, due))
    return found


def _waits_for_timer(definition) -> bool:
    """A timer event, or an event-based gateway (whose definition holds the events of
    the catch events behind it, the timer among them)."""
    if isinstance(definition, MultipleEventDefinition):
        return any(isinstance(d, TimerEventDefinition) for d in definition.event_definitions)
    return isinstance(definition, TimerEventDefinition)


def _timer_due(value) -> datetime | None:
    if isinstance(value, dict):  # a cycle: {"next": iso, ...}
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        due = TimerEventDefinition.parse_time_or_duration(value)
    except (ValueError, TypeError):
        return None
    if not isinstance(due, datetime):
        return None
    return due if due.tzinfo else due.replace(tzinfo=UTC)


def next_due(wf: BpmnWorkflow) -> datetime | None:
    dues = [due for _, due in waiting_timers(wf)]
    return min(dues) if dues else None


def case_data(wf: BpmnWorkflow, base: dict[str, Any]) -> dict[str, Any]:
    """The case's data as a reader sees it: what its live branches hold, those inside
    called processes included, the most recently changed last."""
    data = dict(base)
    live = sorted((t for t in all_tasks(wf) if t.state & _LIVE), key=lambda t: t.last_state_change)
    for task in live:
        data.update(task.data)
    if wf.is_completed() and wf.last_task is not None:
        data.update(wf.last_task.data)
    return data
