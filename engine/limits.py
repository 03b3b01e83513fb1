"""How much a diagram may make one case hold: the configured bounds (read from
``engine.settings`` once per process) and the size of case data as it is stored.

The sandbox bounds the work of one expression or script; these bound what the
engine keeps from them and from forms: how many instances one step may run, how large
one field of case data and a case's data as a whole may grow. The wall-clock ceiling
of a whole operation is ``engine.deadline``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from engine.settings import Settings

_SCALAR_BYTES = {  # about what json.dumps writes for each (dates as ISO strings)
    type(None): 4,
    bool: 5,
    float: 24,
    date: 12,
    datetime: 34,
    time: 17,
    timedelta: 24,
    Decimal: 24,
}


@dataclass(frozen=True)
class Limits:
    max_instances: int  # instances of one multi-instance or loop step
    max_value_bytes: int  # one field of case data, as JSON
    max_case_bytes: int  # a case's data, as JSON
    operation_seconds: float  # wall-clock ceiling of one case operation

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_instances=settings.max_instances,
            max_value_bytes=settings.max_value_bytes,
            max_case_bytes=settings.max_case_bytes,
            operation_seconds=settings.operation_seconds,
        )


_current: Limits | None = None


def current() -> Limits:
    """The process's limits: the environment's, read on first use."""
    global _current
    if _current is None:
        _current = Limits.from_settings(Settings.from_env())
    return _current


@contextmanager
def using(**changes: Any) -> Iterator[Limits]:
    """The current limits with ``changes``, for the block (tests use tiny ones)."""
    global _current
    before = current()
    _current = dataclasses.replace(before, **changes)
    try:
        yield _current
    finally:
        _current = before


def json_size(value: Any, limit: int) -> int:
    """About how many bytes ``value`` takes as compact JSON (UTF-8), counted only until
    it passes ``limit``: the cost is at most proportional to the limit, whatever the
    value (a list holding one large string a million times is not walked a million
    times over)."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            total += 2 + (len(item) if item.isascii() else len(item.encode("utf-8", "replace")))
        elif kind is int:
            total += 2 + item.bit_length() * 30103 // 100000
        elif kind in (list, tuple, set, frozenset):
            total += 1 + len(item)  # brackets and commas, counted before the items
            if total <= limit:
                stack.extend(item)
        elif kind is dict:
            total += 1 + 2 * len(item)  # braces, colons and commas
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        else:
            total += _SCALAR_BYTES.get(kind, 16)
    return total


def too_large(data: Mapping[str, Any], limits: Limits | None = None) -> str | None:
    """Why ``data`` (case or task data) is too large to keep, or None when it fits: a
    field above the per-value limit, or all of it above the per-case limit."""
    limits = limits or current()
    total = 2
    for name, value in data.items():
        size = json_size(value, limits.max_value_bytes)
        if size > limits.max_value_bytes:
            return (
                f"field {name!r} of the case data is too large (over "
                f"{limits.max_value_bytes:,} bytes as JSON)"
            )
        total += size + len(name) + 4
        if total > limits.max_case_bytes:
            return f"the case data is too large (over {limits.max_case_bytes:,} bytes as JSON)"
    return None


def oversized_fields(values: Mapping[str, Any], limits: Limits | None = None) -> list[str]:
    """The names of ``values`` (a submission, a message) above the per-value limit."""
    limit = (limits or current()).max_value_bytes
    return [name for name, value in values.items() if json_size(value, limit) > limit]
