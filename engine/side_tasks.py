"""Inbox tasks that no diagram holds: a domain's lifecycle operation (a receiving body
accepting a transferred case, say) opens one in a unit's inbox and closes it itself.

Such a row is an ordinary work item (the inbox lists it, a claim works, ending the case
cancels it, the stuck-case check counts it as something to do), marked by its
``process_id``: storing the case leaves it alone instead of cancelling it for having no
ready task in the workflow, and completing it goes through the domain's own operation,
never through ``complete_task`` (which answers Conflict for it).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from engine import clock
from engine.models import Case, WorkItem

#: The ``process_id`` of every side task.
SIDE_PROCESS = "ketnap:side"


def is_side(item: WorkItem) -> bool:
    return item.process_id == SIDE_PROCESS


def open_side_task(
    session: Session,
    case: Case,
    *,
    step: str,
    name: str,
    unit: str,
    lane: str | None = None,
    due_at: datetime | None = None,
) -> WorkItem:
    """Put a task ``step`` for ``unit`` into the inbox, beside the case's diagram tasks.
    The caller records the event that explains it (no separate ``task_ready``)."""
    item = WorkItem(
        case_id=case.id,
        task_uuid=str(uuid.uuid4()),
        process_id=SIDE_PROCESS,
        step=step,
        step_name=name,
        lane=lane,
        unit=unit,
        form=None,
        status="open",
        created_at=clock.now(),
        due_at=due_at,
        title=case.title,
        search_key=case.search_key,
        category=case.category,
    )
    session.add(item)
    session.flush()
    if case.status == "waiting":  # a probation that only waits on its timer: now someone acts
        case.status = "active"
    return item


def close_side_task(item: WorkItem, by: str, *, status: str = "completed") -> None:
    """Mark side task ``item`` done (``completed``) or dropped (``cancelled``) by ``by``."""
    item.status, item.completed_by, item.completed_at = status, by, clock.now()
