"""The engine's notion of "now", which tests and simulations can move.

SpiffWorkflow's timer events read ``datetime.now(timezone.utc)`` directly, so a deadline
could only be tested by waiting for it. We point that module's ``datetime`` at a subclass
whose ``now()`` asks this clock; everything else about ``datetime`` is unchanged.
"""

from __future__ import annotations

import datetime as _dt
from contextlib import contextmanager

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

_offset = _dt.timedelta(0)
_frozen: _dt.datetime | None = None


def now() -> _dt.datetime:
    """The current time, timezone-aware UTC, as the engine sees it."""
    if _frozen is not None:
        return _frozen
    return _dt.datetime.now(_dt.UTC) + _offset


class _ClockedDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        current = now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)


_spiff_timer.datetime = _ClockedDatetime


def advance(delta: _dt.timedelta) -> None:
    """Move the engine's clock forward (tests and simulations only)."""
    global _offset, _frozen
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset += delta


@contextmanager
def frozen_at(moment: _dt.datetime):
    """Fix the engine's clock at ``moment`` inside the block."""
    global _frozen
    previous = _frozen
    _frozen = moment if moment.tzinfo else moment.replace(tzinfo=_dt.UTC)
    try:
        yield
    finally:
        _frozen = previous


def reset() -> None:
    global _offset, _frozen
    _offset, _frozen = _dt.timedelta(0), None
