"""Correcting a submitted step (procedure.md, "Every case can end, and a mistake can be
corrected"): a board above the case reopens it with a reason.

The organisation board or the standing board of a committee above the case may reopen
any of its completed steps; the engine returns the case to that step and cancels what
followed it (engine/reopening.py), or refuses with the reason.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from engine import reopening
from engine.cases import Actor
from engine.errors import NotFound
from engine.models import Case, WorkItem
from engine.registry import Registry

from .authority import NotAllowed, acts_for, boards_above
from .tree import load_tree
from .vocabulary import N_

WHO = N_("Chỉ Ban Tổ chức hoặc Ban Thường vụ cấp trên mở lại được một bước đã gửi.")


def may_reopen(session: Session, case: Case, units: Collection[str] | None) -> bool:
    """Whether ``units`` may reopen the steps of ``case``."""
    return acts_for(units, boards_above(load_tree(session), case.data or {}))


def reopen_step(
    session: Session,
    item_id: int,
    reason: str,
    actor: Actor,
    *,
    units: Collection[str] | None,
    closed_within: int,
    registry: Registry | None = None,
) -> WorkItem:
    """Reopen the completed task ``item_id`` on behalf of ``units`` (None: the command
    line); returns the step's new open task."""
    item = session.get(WorkItem, item_id)
    case = session.get(Case, item.case_id) if item is not None else None
    if item is None or case is None:
        raise NotFound(f"task {item_id} not found")
    if not may_reopen(session, case, units):
        raise NotAllowed(WHO)
    return reopening.reopen_task(
        session, item_id, reason, actor, closed_within=closed_within, registry=registry
    )
