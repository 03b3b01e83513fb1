"""The wall-clock ceiling of one case operation.

A case operation runs a diagram's engine steps, and each of them may run expressions
and scripts; each evaluation has its own work budget, but a diagram can chain many of
them (a loop of script tasks, a hundred instances). ``ceiling`` gives the operation a
moment after which ``check`` raises ``OperationTooLong``; the engine calls ``check``
between engine steps and the sandbox every few thousand steps of work, so a runaway
operation stops soon after its ceiling, in the thread that runs it (no signals: the
web server may run requests in threads). The caller's transaction then rolls back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from engine.errors import OperationTooLong

_LOCAL = threading.local()


@contextmanager
def ceiling(seconds: float) -> Iterator[None]:
    """Stop the block's engine work after ``seconds`` (or at an enclosing ceiling, if
    that comes first)."""
    outer = getattr(_LOCAL, "at", None)
    at = time.monotonic() + seconds
    if outer is not None and outer[0] <= at:
        at, seconds = outer
    _LOCAL.at = (at, seconds)
    try:
        yield
    finally:
        _LOCAL.at = outer


def check() -> None:
    """Raise OperationTooLong if the running operation is past its ceiling."""
    current = getattr(_LOCAL, "at", None)
    if current is not None and time.monotonic() > current[0]:
        raise OperationTooLong(current[1])


def remaining() -> float | None:
    """Seconds left before the running operation's ceiling (None: no ceiling), for work
    that waits outside the engine (a connector's call) and must give up in time."""
    current = getattr(_LOCAL, "at", None)
    return None if current is None else max(current[0] - time.monotonic(), 0.0)
