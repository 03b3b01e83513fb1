"""What an operation would do to a case, found by doing it and taking it back.

``attempt`` runs any case operation inside a SAVEPOINT, reads its effect from the rows
it wrote (the tasks it would open and cancel, whether the case would close and with
which outcome, its data afterwards, the events it would record) and then keeps it or
rolls it back, as the caller's ``keep`` decides. ``preview`` always rolls back: no
rows, no audit events, and (on PostgreSQL) no lock of the case is left behind, since
the lock was taken inside the savepoint. On SQLite the database's write lock lasts
until the caller's transaction ends, as for any operation.

The effect is read the same way for every operation (complete a task, end a case,
reopen a step), so a page can show "this will close the case" for any of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.cases import _lock_case
from engine.models import Case, WorkItem


@dataclass(frozen=True)
class Step:
    """A task that the operation opens or cancels."""

    task: int
    step: str
    name: str
    unit: str | None


@dataclass(frozen=True)
class Effect:
    case_id: int
    status: str  # the case's status afterwards
    outcome: str | None
    closes: bool  # the case was not closed before and is afterwards
    opens: tuple[Step, ...]
    cancels: tuple[Step, ...]  # open (or completed) tasks the operation cancels
    data: Mapping[str, Any] = field(default_factory=dict)  # the case's data afterwards
    events: tuple[str, ...] = ()  # the kinds of the audit events it records

    @property
    def key(self) -> str:
        """A short fingerprint of what the effect means for people: a confirmation given
        for one effect is not taken for another (the case changed meanwhile)."""
        text = audit.canonical(
            [
                self.case_id,
                self.closes,
                self.outcome,
                sorted((s.step, s.unit or "") for s in self.opens),
                sorted(s.task for s in self.cancels),
            ]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Attempt:
    result: Any  # what the operation returned (rolled back: a detached, stale object)
    effect: Effect
    kept: bool


def _statuses(session: Session, case_id: int) -> dict[int, str]:
    rows = session.execute(
        select(WorkItem.id, WorkItem.status).where(WorkItem.case_id == case_id)
    ).all()
    return {row.id: row.status for row in rows}


def _steps(session: Session, ids: list[int]) -> tuple[Step, ...]:
    if not ids:
        return ()
    rows = session.execute(
        select(WorkItem).where(WorkItem.id.in_(ids)).order_by(WorkItem.id)
    ).scalars()
    return tuple(Step(r.id, r.step, r.step_name or r.step, r.unit) for r in rows)


def _effect(session: Session, case_id: int, before: dict[int, str], was_closed: bool, events):
    session.flush()
    after = _statuses(session, case_id)
    opened = [i for i, status in after.items() if i not in before and status == "open"]
    cancelled = [
        i
        for i, status in after.items()
        if status in ("cancelled", "reopened") and before.get(i) in ("open", "completed")
    ]
    case = session.get_one(Case, case_id)
    return Effect(
        case_id=case_id,
        status=case.status,
        outcome=case.outcome,
        closes=case.status == "closed" and not was_closed,
        opens=_steps(session, opened),
        cancels=_steps(session, cancelled),
        data=dict(case.data or {}),
        events=tuple(entry["kind"] for entry in events),
    )


def attempt(
    session: Session,
    case_id: int,
    operation: Callable[..., Any],
    *args: Any,
    keep: Callable[[Effect], bool],
    **kwargs: Any,
) -> Attempt:
    """Run ``operation(session, *args, **kwargs)`` on case ``case_id`` in a savepoint;
    keep what it did if ``keep(effect)``, else roll it back. An error of the operation
    rolls the savepoint back and is raised."""
    queued = len(audit.pending(session))
    savepoint = session.begin_nested()
    try:
        # Locked inside the savepoint, so that rolling it back releases the lock too.
        was_closed = _lock_case(session, case_id).status == "closed"
        before = _statuses(session, case_id)
        result = operation(session, *args, **kwargs)
        effect = _effect(session, case_id, before, was_closed, audit.pending(session)[queued:])
        kept = keep(effect)
    except BaseException:
        savepoint.rollback()
        audit.forget_since(session, queued)
        raise
    if kept:
        savepoint.commit()
    else:
        savepoint.rollback()
        audit.forget_since(session, queued)
    return Attempt(result, effect, kept)


def preview(
    session: Session, case_id: int, operation: Callable[..., Any], *args: Any, **kwargs: Any
) -> Effect:
    """The effect ``operation`` would have on case ``case_id``; nothing of it is kept."""
    return attempt(session, case_id, operation, *args, keep=lambda _effect: False, **kwargs).effect
