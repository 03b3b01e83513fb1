"""Ending a case before its diagram does: an outcome and a reason, one audited event.

A case that will not reach its diagram's end (the person withdrew, moved away, died,
was opened by mistake) is ended by someone entitled to (the domain decides who, and
which outcomes exist). Ending cancels the case's open tasks, drops its timers and the
messages it waited for, and stores the outcome and the reason; the event ``case_ended``
names all of it. Nothing is deleted: the cancelled tasks keep their rows and the
history keeps every earlier event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.cases import Actor, _logged, _open_case
from engine.errors import InvalidData
from engine.models import Case, WorkItem
from engine.projection import sync
from engine.registry import Registry
from engine.registry import registry as default_registry

#: The longest reason kept (a paragraph; the documents behind it are attached files).
MAX_REASON = 2000


def clean_reason(reason: str | None) -> str:
    """The reason as stored, or InvalidData naming the ``reason`` field."""
    text = (reason or "").strip()
    if not text:
        raise InvalidData({"reason": ["Hãy ghi lý do."]})
    if len(text) > MAX_REASON:
        raise InvalidData({"reason": [f"Lý do dài quá {MAX_REASON} ký tự."]})
    return text


@_logged
def end_case(
    session: Session,
    case_id: int,
    outcome: str,
    reason: str,
    actor: Actor,
    *,
    data: dict[str, Any] | None = None,
    registry: Registry | None = None,
) -> Case:
    """Close case ``case_id`` with ``outcome`` and ``reason`` (plus ``data``, values the
    domain keeps with the ending). Conflict if it is already closed."""
    registry = registry or default_registry
    if not (outcome or "").strip():
        raise InvalidData({"outcome": ["Hãy chọn kết quả."]})
    reason = clean_reason(reason)
    case, loaded, wf = _open_case(session, case_id, registry)
    now = clock.now()
    timers = [task.task_spec.bpmn_id for task, _due in runtime.waiting_timers(wf)]
    wf.cancel()
    open_items = list(
        session.execute(
            select(WorkItem)
            .where(WorkItem.case_id == case.id, WorkItem.status == "open")
            .order_by(WorkItem.id)
        ).scalars()
    )
    for item in open_items:
        item.status, item.completed_at = "cancelled", now
    audit.record(
        session,
        "case_ended",
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={
            "outcome": outcome,
            "reason": reason,
            "cancelled": [{"task": i.id, "step": i.step, "unit": i.unit} for i in open_items],
            "timers": timers,
        },
        **actor.request,
    )
    # Closed before the rows are stored, so that the ending is its one event (no
    # separate "case_closed" or "task_cancelled" for what this event already names).
    case.status, case.outcome, case.closed_at = "closed", outcome, now
    ending = {**(data or {}), "outcome": outcome, "outcome_reason": reason}
    sync(
        session,
        case,
        wf,
        loaded,
        registry,
        actor.name,
        request=actor.request,
        open_items=[],
        submitted=ending,
    )
    case.next_due_at = None
    return case
