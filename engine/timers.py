"""Firing due timers, exactly once, however many workers run.

Each case's next due time is a column. A worker takes one due case at a time with
``FOR UPDATE SKIP LOCKED`` (PostgreSQL), fires its timers, stores the new state and
commits; another worker skips the locked row and, after the commit, no longer sees it
as due. SQLite has one writer at a time, which gives the same guarantee.

A case whose diagram fails when its timers fire is rolled back and marked as an
incident: the error stays on the case, its next due time moves back (5 minutes,
doubling with each failure in a row, at most a day) so that the other cases go on, and
a later successful firing clears it. The database itself failing is another matter: the
loop waits and tries again (``loop``), and no case is blamed for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock, db, timer_starts
from engine.cases import Actor, fire_timers, unit_of_work
from engine.connectors import is_connector_incident
from engine.models import INCIDENT_LENGTH, Case
from engine.registry import Registry
from engine.retry import retry_delay

log = logging.getLogger(__name__)


def is_transient(err: BaseException) -> bool:
    """Whether the database could not be reached or used for a while (not that this
    case's data or diagram is at fault), also behind an error raised from it (a diagram
    function that read the database): waiting and trying again may help."""
    return db.unavailable_cause(err) is not None


def _lock_next_due(session: Session) -> Case | None:
    return session.execute(
        select(Case)
        .where(Case.next_due_at <= clock.now(), Case.status.in_(("active", "waiting")))
        .order_by(Case.next_due_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()


def fire_one(factory: sessionmaker, actor: Actor, registry: Registry | None = None) -> int | None:
    """Fire the timers of one due case; return its id, or None when nothing is due.

    A failing case is marked as an incident (and its id returned); an error of the
    database itself is raised, with nothing changed."""
    case_id = None
    started = time.perf_counter()
    try:
        with unit_of_work(factory) as session:
            case = _lock_next_due(session)
            if case is None:
                return None
            case_id, failures = case.id, case.incident_failures
            fired = fire_timers(session, case, actor, registry=registry)
            _clear_incident(session, case, actor)
    except Exception as err:
        if case_id is None or is_transient(err):
            raise
        retry_at = mark_incident(factory, case_id, err, actor)
        log.warning(
            "timer failed",
            exc_info=err,
            extra={
                "case_id": case_id,
                "error": _describe(err),
                "failures": failures + 1,
                "retry_at": retry_at.isoformat() if retry_at else None,
            },
        )
        return case_id
    log.info(
        "timers fired",
        extra={
            "case_id": case_id,
            "fired": fired,
            "retry": failures or None,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return case_id


def _clear_incident(session: Session, case: Case, actor: Actor) -> None:
    """The case's timers fired after failing before: it is no longer an incident (a
    connector's incident is the connector's to clear, engine/connectors.py)."""
    if case.incident is None or is_connector_incident(case.incident):
        return
    audit.record(
        session,
        "timer_recovered",
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={"failures": case.incident_failures},
        **actor.request,
    )
    case.incident, case.incident_at, case.incident_failures = None, None, 0


def _describe(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text[:INCIDENT_LENGTH]


def mark_incident(
    factory: sessionmaker, case_id: int, err: BaseException, actor: Actor
) -> datetime | None:
    """In a transaction of its own: keep ``err`` on the case, move its next due time
    back, and record the failure in the audit log. Returns when the case is tried again
    (None: another worker took the case meanwhile, and dealt with it)."""
    with unit_of_work(factory) as session:
        case = session.execute(
            select(Case).where(Case.id == case_id).with_for_update()
        ).scalar_one_or_none()
        now = clock.now()
        # Between our rollback and this lock another worker may have taken the case.
        if case is None or case.next_due_at is None or case.next_due_at > now:
            return None
        failures = case.incident_failures + 1
        case.incident, case.incident_at = _describe(err), now
        case.incident_failures, case.next_due_at = failures, now + retry_delay(failures)
        audit.record(
            session,
            "timer_failed",
            actor=actor.name,
            case_id=case.id,
            unit=case.unit,
            data={
                "error": case.incident,
                "failures": failures,
                "retry_at": case.next_due_at.isoformat(),
            },
            **actor.request,
        )
        return case.next_due_at


def run_due(
    factory: sessionmaker,
    actor: Actor,
    *,
    registry: Registry | None = None,
    limit: int | None = None,
    on_case: Callable[[int], None] | None = None,
) -> int:
    """Fire every due timer and start the cases of due timer start events; return how
    many cases were handled (failed ones included)."""
    handled = 0
    while limit is None or handled < limit:
        started = timer_starts.start_one(factory, actor, registry)
        if started is None:
            break
        handled += 1
    while limit is None or handled < limit:
        case_id = fire_one(factory, actor, registry)
        if case_id is None:
            break
        handled += 1
        if on_case:
            on_case(case_id)
    return handled


def loop(
    factory: sessionmaker,
    actor: Actor,
    *,
    interval: float = 30.0,
    retry: float = 0.5,
    max_retry: float = 30.0,
    registry: Registry | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Fire due timers every ``interval`` seconds until ``stop()``.

    While the database cannot be reached, try again after ``retry`` seconds, doubling
    up to ``max_retry``; the first round that works starts the doubling over."""
    wait = retry
    while not stop():
        try:
            run_due(factory, actor, registry=registry)
        except Exception as err:
            if not is_transient(err):
                raise
            log.warning(
                "database unavailable, retrying",
                extra={"error": _describe(err).splitlines()[0], "retry_in_s": wait},
            )
            time.sleep(wait)
            wait = min(wait * 2, max_retry)
            continue
        if wait != retry:
            log.info("database reachable again")
            wait = retry
        time.sleep(interval)
