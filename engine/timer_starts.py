"""Starting the cases of timer start events, exactly once per firing, however many
timer workers run (the schedule: ``engine.definitions.start_timers``).

The worker locks a due row with ``FOR UPDATE SKIP LOCKED``, starts the case and moves
the row on in the same transaction: another worker skips the locked row and, after the
commit, no longer sees it as due. A firing missed while no worker ran is caught up: one
case per due firing. A start that fails (the diagram raises) is rolled back and that
firing skipped, logged, so the schedule goes on.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import clock, db
from engine.cases import Actor, start_case, unit_of_work
from engine.models import TimerStart
from engine.registry import Registry

log = logging.getLogger(__name__)


def is_transient(err: BaseException) -> bool:
    return db.unavailable_cause(err) is not None


def _lock_next_due(session: Session) -> TimerStart | None:
    return session.execute(
        select(TimerStart)
        .where(TimerStart.next_at <= clock.now())
        .order_by(TimerStart.next_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()


def _move_on(row: TimerStart) -> None:
    if row.remaining is not None:
        row.remaining -= 1
    if row.remaining == 0 or not row.interval_seconds or row.next_at is None:
        row.next_at = None
    else:
        row.next_at = row.next_at + timedelta(seconds=row.interval_seconds)


def start_one(factory: sessionmaker, actor: Actor, registry: Registry | None = None) -> int | None:
    """Start the case of one due timer start; its id (-1 when it failed and its firing
    was skipped), or None when none is due."""
    with unit_of_work(factory) as session:
        row = _lock_next_due(session)
        if row is None:
            return None
        key, due_at = row.key, row.next_at
        _move_on(row)
        try:
            with session.begin_nested():
                case = start_case(session, key, {}, actor, registry=registry)
        except Exception as err:
            if is_transient(err):
                raise
            log.warning("timer start failed, firing skipped", exc_info=err, extra={"key": key})
            return -1
        log.info(
            "timer start",
            extra={"key": row.key, "case_id": case.id, "due_at": due_at and due_at.isoformat()},
        )
        return case.id
