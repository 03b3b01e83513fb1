"""Fixed-window request counters: how the API limits each token and each guessing address.

A fixed window (N requests per key per window, the count starting afresh when a new
window begins) is the simplest limit that still tells a client exactly how long to
wait (``Retry-After``). It allows up to 2N requests around a window boundary, which is
fine for its purpose: keeping one runaway script or token-guesser from swamping the
server, not metering usage.

Like the sign-in throttle, counters live in this process's memory: each gunicorn
worker counts on its own, and a restart forgets.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from engine import clock

# Bounds the memory a client can make us spend by cycling keys (addresses, tokens);
# the keys idle longest are forgotten first.
MAX_KEYS = 10_000


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
        # Whole seconds, rounded up: Retry-After takes no fractions, and 0 would invite
        # the client straight back into the same full window.
        return max(1, math.ceil((started + self.window - now).total_seconds()))

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
