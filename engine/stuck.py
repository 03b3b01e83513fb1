"""Cases that are stuck: not closed, and nothing will ever move them on.

A case that is not closed always has an open task (someone can act), a timer (time
will act), or a message it waits for (someone outside will act), or it is an incident
the boards see (engine/timers.py retries it). A case with none of these has been left
by its diagram (a join waiting for a branch that never comes, say) or by a fault: only
a person who looks can help it, so ``ketnap cases stuck`` and the boards' case list
name such cases.

The database answers most of it (no open inbox row, no due time, no incident); only the
few cases left are read from their stored state, for the messages they wait for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.task import TaskState
from sqlalchemy import exists, select, true
from sqlalchemy.orm import Session

from engine import runtime
from engine.definitions import specs
from engine.models import Case, WorkItem
from engine.registry import Registry
from engine.registry import registry as default_registry

#: How many stuck cases a list shows at most (a diagram fault can strand thousands).
LIMIT = 200


@dataclass(frozen=True)
class Stuck:
    case_id: int
    status: str
    unit: str | None
    title: str
    waits_at: tuple[str, ...]  # the diagram elements it waits at, if any


def stuck_cases(
    session: Session,
    where: Any = True,
    *,
    limit: int = LIMIT,
    registry: Registry | None = None,
) -> list[Stuck]:
    """The stuck cases matching ``where`` (a clause on Case, e.g. what a user sees),
    oldest change first, at most ``limit``."""
    registry = registry or default_registry
    has_open_task = exists().where(WorkItem.case_id == Case.id, WorkItem.status == "open")
    candidates = session.execute(
        select(Case)
        .where(
            true() if where is True else where,
            Case.status != "closed",
            Case.next_due_at.is_(None),
            Case.incident_at.is_(None),
            ~has_open_task,
        )
        .order_by(Case.updated_at, Case.id)
    ).scalars()
    found = []
    for case in candidates:
        waits = _waits(session, case, registry)
        if waits is not None:
            found.append(Stuck(case.id, case.status, case.unit, case.title, waits))
            if len(found) >= limit:
                break
    return found


def _waits(session: Session, case: Case, registry: Registry) -> tuple[str, ...] | None:
    """None if the stored state still waits for a message or a timer; otherwise the
    elements the case's state waits at (joins, mostly), which may be none."""
    loaded = specs.for_case(session, case.definition_id, case.definition_hash)
    try:
        wf = runtime.load(case.state, loaded, registry)
    except ValueError:  # a state the engine cannot read moves on no more than an empty one
        return ("(unreadable state)",)
    if runtime.waiting_timers(wf):
        return None
    waiting = [task for task in runtime.all_tasks(wf) if task.state == TaskState.WAITING]
    if any(_awaits_message(task) for task in waiting):
        return None
    # A ready user task without its inbox row is one nobody sees: named, not a way out.
    held = waiting + runtime.ready_user_tasks(wf)
    return tuple(sorted({task.task_spec.bpmn_id or task.task_spec.name for task in held}))


def _awaits_message(task) -> bool:
    definition = getattr(task.task_spec, "event_definition", None)
    return isinstance(definition, MessageEventDefinition)
