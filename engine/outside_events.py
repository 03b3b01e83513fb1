"""Events from outside reaching every case they concern: a message by name (and the
correlation keys an outside system knows the case by), a signal by name.

Each delivery is its own case operation in its own transaction (``cases.send_message``
and ``cases.send_signal``: lock, run, audit), so one case that fails or has moved on
meanwhile leaves the others delivered. Which cases to try is read cheaply first: the
cases not closed or suspended whose diagram catches an event of that name, and whose
data holds every correlation value; the operation then checks, under the case lock,
that the case still waits for it. A message that reaches no waiting case starts a case
of every current definition whose process starts with that message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from engine import cases
from engine.definitions import Loaded, current_versions, specs
from engine.errors import Conflict
from engine.models import Case
from engine.registry import Registry

Kind = Literal["message", "signal"]
_DEFINITIONS = {"message": MessageEventDefinition, "signal": SignalEventDefinition}


@dataclass
class Delivered:
    """What one outside event did: the cases it reached, the cases it started."""

    reached: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)


def _names(definition, kind: Kind) -> Iterator[str]:
    if isinstance(definition, MultipleEventDefinition):
        for inner in definition.event_definitions:
            yield from _names(inner, kind)
    elif isinstance(definition, _DEFINITIONS[kind]):
        yield definition.name


def _task_specs(loaded: Loaded) -> Iterator[Any]:
    yield from _main_specs(loaded)
    for sub in loaded.subprocess_specs.values():
        yield from sub.task_specs.values()


def _main_specs(loaded: Loaded) -> Iterator[Any]:
    spec: Any = loaded.spec  # a BpmnProcessSpec (Loaded keeps it untyped)
    yield from spec.task_specs.values()


def catches(loaded: Loaded, kind: Kind, name: str) -> bool:
    """Whether some event of the diagram (sub-processes included) catches ``name``."""
    return any(
        name in _names(getattr(spec, "event_definition", None), kind)
        for spec in _task_specs(loaded)
        if isinstance(spec, CatchingEvent)
    )


def starts_on(loaded: Loaded, name: str) -> bool:
    """Whether the process itself (not a sub-process) starts with message ``name``."""
    return any(
        isinstance(spec, StartEvent) and name in _names(spec.event_definition, "message")
        for spec in _main_specs(loaded)
    )


def _matches(data: dict[str, Any], correlation: dict[str, Any]) -> bool:
    return all(key in data and data[key] == value for key, value in correlation.items())


def waiting_cases(
    session: Session,
    kind: Kind,
    name: str,
    correlation: dict[str, Any] | None = None,
    where: ColumnElement[bool] | None = None,
) -> list[int]:
    """The cases that may wait for the event, oldest first (each is checked again under
    its lock when it is delivered); ``where`` limits them (to a sender's reach)."""
    stmt = select(Case.id, Case.definition_id, Case.definition_hash, Case.data).where(
        Case.status.not_in(("closed", "suspended"))
    )
    if where is not None:
        stmt = stmt.where(where)
    rows = session.execute(stmt.order_by(Case.id)).all()
    found, catching = [], {}
    for case_id, definition_id, content_hash, data in rows:
        if correlation and not _matches(data or {}, correlation):
            continue
        known = (definition_id, content_hash)
        if known not in catching:
            catching[known] = catches(specs.for_case(session, *known), kind, name)
        if catching[known]:
            found.append(case_id)
    return found


def message_start_keys(session: Session, name: str) -> list[str]:
    """The definitions whose current version starts with message ``name``."""
    return [
        version.key for version in current_versions(session) if starts_on(specs.get(version), name)
    ]


def _send(
    factory: sessionmaker,
    case_ids: list[int],
    kind: Kind,
    name: str,
    payload: dict[str, Any],
    actor: cases.Actor,
    registry: Registry | None,
) -> list[int]:
    operation = cases.send_message if kind == "message" else cases.send_signal
    reached = []
    for case_id in case_ids:
        try:
            with cases.unit_of_work(factory) as session:
                operation(session, case_id, name, payload, actor, registry=registry)
        except Conflict:
            continue  # it moved on, or was closed, since it was listed
        reached.append(case_id)
    return reached


def broadcast_signal(
    factory: sessionmaker,
    name: str,
    payload: dict[str, Any],
    actor: cases.Actor,
    *,
    registry: Registry | None = None,
    where: ColumnElement[bool] | None = None,
) -> Delivered:
    """Signal ``name`` to every case waiting for it (of those ``where`` selects)."""
    with factory() as session:
        candidates = waiting_cases(session, "signal", name, where=where)
    return Delivered(reached=_send(factory, candidates, "signal", name, payload, actor, registry))


def correlate_message(
    factory: sessionmaker,
    name: str,
    correlation: dict[str, Any],
    payload: dict[str, Any],
    actor: cases.Actor,
    *,
    registry: Registry | None = None,
    where: ColumnElement[bool] | None = None,
) -> Delivered:
    """Message ``name`` to every waiting case (of those ``where`` selects) whose data
    holds the ``correlation`` values; if none waits, a new case of each definition that
    starts with it, its data the correlation values and the payload (so later messages
    find it)."""
    with factory() as session:
        candidates = waiting_cases(session, "message", name, correlation, where)
        keys = message_start_keys(session, name)
    reached = _send(factory, candidates, "message", name, payload, actor, registry)
    done = Delivered(reached=reached)
    if done.reached:
        return done
    for key in keys:
        with cases.unit_of_work(factory) as session:
            data = {**correlation, **payload}
            case = cases.start_case(session, key, data, actor, registry=registry, message=name)
            done.started.append(case.id)
    return done
