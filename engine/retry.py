"""How long a failing case waits before it is tried again: 5 minutes after its first
failure in a row, doubling with each one, at most a day (timers and connectors alike)."""

from __future__ import annotations

from datetime import timedelta

FIRST_RETRY = timedelta(minutes=5)
LAST_RETRY = timedelta(days=1)


def retry_delay(failures: int) -> timedelta:
    """How long a case waits after its ``failures``-th failure in a row."""
    return min(FIRST_RETRY * 2 ** min(failures - 1, 20), LAST_RETRY)
