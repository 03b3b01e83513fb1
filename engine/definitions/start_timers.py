"""Timer start events, as deployed: the schedule of a definition whose main process
begins with a timer (its cases are started by ``engine.timer_starts``).

A case cannot wait for its own start, so the schedule lives outside cases: one
``TimerStart`` row per definition key, written when a version is deployed (the latest
version takes the schedule over; one without a timer start ends it). The parsed spec's
start event is made a plain start (``plain_start``), so a case the worker starts runs on
at once, and a cycle does not repeat inside the case (SpiffWorkflow's cycle timer on a
start event would send a token down the flow for every firing).
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy.orm import Session

from engine.definitions.bpmn_xml import BPMN_NS
from engine.definitions.constructs import say
from engine.errors import Problem
from engine.models import DefinitionVersion, TimerStart
from engine.sandbox import Sandbox, SandboxError

_CONSTANTS = Sandbox(max_steps=100)  # a schedule reads no case data


def timer_start(process: etree._Element) -> tuple[str, str, str] | None:
    """(start event id, "timeDate" or "timeCycle", expression) of a process that begins
    with a timer, else None."""
    for start in process.iterfind(f"{{{BPMN_NS}}}startEvent"):
        timer = start.find(f"{{{BPMN_NS}}}timerEventDefinition")
        if timer is None:
            continue
        for kind in ("timeDate", "timeCycle"):
            text = (timer.findtext(f"{{{BPMN_NS}}}{kind}") or "").strip()
            if text:
                return start.get("id") or "", kind, text
    return None


def schedule(kind: str, expression: str) -> tuple[datetime, int | None, float | None]:
    """(first firing, firings in all or None for ever, seconds between two) of a timer
    start's expression; ValueError when it is no date or cycle."""
    try:
        value = _CONSTANTS.evaluate(expression, {})
    except SandboxError as err:
        raise ValueError(f"the timer cannot be worked out without case data: {err}") from err
    if not isinstance(value, str):
        raise ValueError("the timer must give a text (an ISO 8601 date or cycle)")
    try:
        if kind == "timeDate":
            return TimerEventDefinition.get_datetime(value), 1, None
        cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception as err:  # noqa: BLE001  the library raises bare Exceptions here
        raise ValueError(f"not an ISO 8601 {kind} ({value}): {err}") from err
    return start, (None if cycles < 0 else cycles), duration.total_seconds()


def problems(file: str, process: etree._Element) -> list[Problem]:
    """What is wrong with a process's timer start schedule (checked before deploying)."""
    found = timer_start(process)
    if found is None:
        return []
    element, kind, expression = found
    try:
        schedule(kind, expression)
    except ValueError as err:
        text = say(f"{element}: không tính được lịch bắt đầu hẹn giờ ({err})", f"{element}: {err}")
        return [Problem(file, text, element)]
    return []


def called_problems(processes: dict, key: str) -> list[Problem]:
    """Timer start events of processes other than the main one ``key`` (called ones):
    only the main process's cases are started on schedule."""
    found = []
    for pid, info in processes.items():
        timer = timer_start(info.element) if pid != key else None
        if timer is not None:
            element = timer[0]
            text = say(
                f"{element}: chỉ quy trình chính ({key}) mới được bắt đầu bằng hẹn giờ",
                f"{element}: only the main process ({key}) may begin with a timer",
            )
            found.append(Problem(info.file, text, element))
    return found


def plain_start(spec, process: etree._Element) -> None:
    """Make the timer start event of ``process``'s parsed spec a plain start."""
    found = timer_start(process)
    if found is not None and found[0] in spec.task_specs:
        spec.task_specs[found[0]].event_definition = NoneEventDefinition()


def deployed(
    session: Session, version: DefinitionVersion, found: tuple[str, str, str] | None
) -> None:
    """Give the schedule of key ``version.key`` to ``version`` (or end it); a new timer
    starts its schedule over, the same one goes on."""
    row = session.get(TimerStart, version.key)
    if found is None:
        if row is not None:
            session.delete(row)
        return
    element, kind, expression = found
    timer = f"{kind}: {expression}"
    if row is not None and row.timer == timer:  # the same schedule goes on where it is
        row.version_id, row.element = version.id, element
        return
    first, remaining, interval = schedule(kind, expression)
    if row is None:
        row = TimerStart(key=version.key)
        session.add(row)
    row.version_id, row.element, row.timer = version.id, element, timer
    row.next_at, row.remaining, row.interval_seconds = first, remaining, interval
