"""Fixed-window request counters: how the API limits each token and each guessing
address (``FixedWindow``, in memory), and how sign-in limits each address
(``SharedWindow``, in the database).

A fixed window (N requests per key per window, the count starting afresh when a new
window begins) is the simplest limit that still tells a client exactly how long to
wait (``Retry-After``). It allows up to 2N requests around a window boundary, which is
fine for its purpose: keeping one runaway script or token-guesser from swamping the
server, not metering usage.

``FixedWindow`` keeps its counts in this process's memory: each gunicorn worker counts
on its own, and a restart forgets. That is enough for the API's limits, which only
slow a runaway client down; a guessing limit must not grow with the number of workers,
so ``SharedWindow`` counts in a table every worker sees, one atomic upsert a hit.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import clock
from engine.models import Base, DateTime

# Bounds the memory a client can make us spend by cycling keys (addresses, tokens);
# the keys idle longest are forgotten first.
MAX_KEYS = 10_000
#: Counters of windows that have run out, deleted at most this many at a time.
PURGE_BATCH = 1000


def _seconds_until(moment: datetime, now: datetime) -> int:
    # Whole seconds, rounded up: Retry-After takes no fractions, and 0 would invite the
    # client straight back into the same full window.
    return max(1, math.ceil((moment - now).total_seconds()))


class FixedWindow:
    """At most ``limit`` hits per key in each window of ``seconds``; ``limit`` 0: no limit."""

    def __init__(self, limit: int, seconds: float, max_keys: int = MAX_KEYS) -> None:
        self.limit, self.seconds, self.max_keys = limit, seconds, max_keys
        self.window = timedelta(seconds=seconds)
        self._counts: OrderedDict[str, tuple[datetime, int]] = OrderedDict()
        self._lock = threading.Lock()

    def _current(self, key: str, now: datetime) -> tuple[datetime, int]:
        started, count = self._counts.get(key, (now, 0))
        return (now, 0) if now - started >= self.window else (started, count)

    def _wait(self, started: datetime, now: datetime) -> int:
        return _seconds_until(started + self.window, now)

    def retry_after(self, key: str) -> int | None:
        """Seconds to wait if ``key`` has used up its window, else None (counts nothing)."""
        return self._take(key, count=False)

    def hit(self, key: str) -> int | None:
        """Count one request of ``key``; seconds to wait if it is over the limit, else None."""
        return self._take(key, count=True)

    def _take(self, key: str, *, count: bool) -> int | None:
        if not self.limit:
            return None
        now = clock.now()
        with self._lock:
            started, used = self._current(key, now)
            if used >= self.limit:
                return self._wait(started, now)
            if count:
                self._counts[key] = (started, used + 1)
                self._counts.move_to_end(key)
                while len(self._counts) > self.max_keys:
                    self._counts.popitem(last=False)
        return None


class RateCounter(Base):
    """One key's hits in its current window, for ``SharedWindow``."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    # When the window ends: the counters of windows that ended are purged by it.
    ends_at: Mapped[datetime] = mapped_column(DateTime(), index=True)


@dataclass(frozen=True)
class Hit:
    """One counted hit: which window it fell in, and how long to wait if refused."""

    key: str
    window_ends: datetime
    wait: int | None  # seconds to wait when the window is full, else None


class SharedWindow:
    """At most ``limit`` hits per key in each window of ``seconds``, counted in the
    database, so that every worker (and every server of one site) shares the count;
    ``limit`` 0: no limit. ``scope`` keeps apart the keys of different limits."""

    def __init__(self, limit: int, seconds: float, scope: str) -> None:
        self.limit, self.seconds, self.scope = limit, seconds, scope
        self.window = timedelta(seconds=seconds)

    def hit(self, session: Session, key: str) -> Hit:
        """Count one hit of ``key`` in the caller's transaction, in one statement (two
        hits at once are two counts); its ``wait`` says whether it was over the limit.
        The hit is counted even then, which changes nothing: the window does not move."""
        now = clock.now()
        full_key = f"{self.scope}:{key}"[:120]
        if not self.limit:
            return Hit(full_key, now, None)
        ended = RateCounter.ends_at <= literal(now, DateTime())
        insert = (postgresql if _dialect(session) == "postgresql" else sqlite).insert
        stmt = insert(RateCounter).values(key=full_key, hits=1, ends_at=now + self.window)
        hits, ends_at = session.execute(
            stmt.on_conflict_do_update(
                index_elements=[RateCounter.key],
                set_={
                    "hits": case((ended, 1), else_=RateCounter.hits + 1),
                    "ends_at": case((ended, stmt.excluded.ends_at), else_=RateCounter.ends_at),
                },
            ).returning(RateCounter.hits, RateCounter.ends_at)
        ).one()
        if hits == 1:
            # A window began: a moment to forget the counters of windows that ended,
            # so the table holds no more than the keys of the last window.
            _purge(session, now)
        wait = _seconds_until(ends_at, now) if hits > self.limit else None
        return Hit(full_key, ends_at, wait)

    def give_back(self, session: Session, hit: Hit) -> None:
        """Uncount ``hit`` (a sign-in that succeeded), unless its window has ended."""
        if self.limit:
            session.execute(
                update(RateCounter)
                .where(
                    RateCounter.key == hit.key,
                    RateCounter.ends_at == literal(hit.window_ends, DateTime()),
                    RateCounter.hits > 0,
                )
                .values(hits=RateCounter.hits - 1)
                .execution_options(synchronize_session=False)
            )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _purge(session: Session, now: datetime) -> None:
    # SKIP LOCKED (PostgreSQL; SQLite has one writer at a time anyway): a counter
    # another transaction is counting is left for the next purge, and two purges never
    # wait for each other.
    ended = (
        select(RateCounter.key)
        .where(RateCounter.ends_at <= literal(now, DateTime()))
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    session.execute(
        delete(RateCounter)
        .where(RateCounter.key.in_(ended))
        .execution_options(synchronize_session=False)
    )
