"""Firing due timers, exactly once, however many workers run.

Each case's next due time is a column. A worker takes one due case at a time with
``FOR UPDATE SKIP LOCKED`` (PostgreSQL), fires its timers, stores the new state and
commits; another worker skips the locked row and, after the commit, no longer sees it
as due. SQLite has one writer at a time, which gives the same guarantee.
"""
from __future__ import annotations

import time
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from engine import clock
from engine.cases import Actor, fire_timers, unit_of_work
from engine.models import Case
from engine.registry import Registry


def fire_one(factory: sessionmaker, actor: Actor, registry: Registry | None = None) -> int | None:
    """Fire the timers of one due case; return its id, or None when nothing is due."""
    with unit_of_work(factory) as session:
        case = session.execute(
            select(Case).where(Case.next_due_at <= clock.now(),
                               Case.status.in_(("active", "waiting")))
            .order_by(Case.next_due_at).limit(1)
            .with_for_update(skip_locked=True)).scalar_one_or_none()
        if case is None:
            return None
        fire_timers(session, case, actor, registry=registry)
        return case.id


def run_due(factory: sessionmaker, actor: Actor, *, registry: Registry | None = None,
            limit: int | None = None, on_case: Callable[[int], None] | None = None) -> int:
    """Fire every due timer; return how many cases were handled."""
    handled = 0
    while limit is None or handled < limit:
        case_id = fire_one(factory, actor, registry)
        if case_id is None:
            break
        handled += 1
        if on_case:
            on_case(case_id)
    return handled


def loop(factory: sessionmaker, actor: Actor, *, interval: float = 30.0,
         registry: Registry | None = None, stop: Callable[[], bool] = lambda: False) -> None:
    while not stop():
        run_due(factory, actor, registry=registry)
        time.sleep(interval)
