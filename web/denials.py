"""Denied access (a 403, or a 404 for something that exists but is not the user's to
see) as audit events, aggregated so a scan cannot flood the log, yet none goes uncounted.

Per user (or, signed out, per client address) the first denial of a minute is recorded
at once. Further denials in that minute are counted per target (method and path), and
the counts are written as ``suppressed`` (how many) and ``targets`` (how many of each):

- with that user's next recorded denial, after the minute;
- or, once the minute is over, with the next denial anyone makes (an event of its own);
- or at once, as an event of its own, when a minute has reached ``MAX_TARGETS``
  distinct targets: a scan of thousands of cases is written in batches, every case
  named, while memory and each event stay bounded.

The counters live in the process: a restart loses the counts not yet written.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app, g, request

from engine import audit

from .extensions import db

WINDOW = 60.0
MAX_TARGETS = 200  # distinct targets held per user before they are written
MAX_PATH = 300


@dataclass
class _Window:
    started: float
    client: str
    targets: Counter[str] = field(default_factory=Counter)  # not yet written


@dataclass(frozen=True)
class _Summary:
    """Counted denials to write: whose, from where, and how many of each target."""

    actor: str
    client: str
    targets: Counter[str]

    def data(self) -> dict:
        return {"suppressed": sum(self.targets.values()), "targets": dict(self.targets)}


_lock = threading.Lock()
_windows: dict[str, _Window] = {}  # who -> their current minute


def _who() -> tuple[str, str]:
    user = g.get("user")
    client = (request.remote_addr or "")[:64]
    return (user.username if user is not None else "?"), client


def _actor(key: str) -> str:
    return "?" if key.startswith("@") else key


def _take(key: str, client: str, target: str, now: float) -> tuple[Counter | None, list]:
    """Count a denial by ``key`` of ``target``. Returns what the denial's own event
    carries (None: it is only counted) and the summaries to write with it."""
    with _lock:
        summaries = []
        # Other users' minutes that are over: written now, then forgotten.
        for other in [k for k, w in _windows.items() if k != key and now - w.started >= WINDOW]:
            ended = _windows.pop(other)
            if ended.targets:
                summaries.append(_Summary(_actor(other), ended.client, ended.targets))
        window = _windows.get(key)
        if window is None or now - window.started >= WINDOW:
            _windows[key] = _Window(now, client)
            return (window.targets if window is not None else Counter()), summaries
        window.targets[target] += 1
        if len(window.targets) >= MAX_TARGETS:
            summaries.append(_Summary(_actor(key), client, window.targets))
            window.targets = Counter()
        return None, summaries


def note(code: int) -> None:
    """Record (or count) a denial of the current request."""
    actor, client = _who()
    key = actor if actor != "?" else f"@{client}"
    path = request.path[:MAX_PATH]
    carried, summaries = _take(key, client, f"{request.method} {path}", time.monotonic())
    if carried is None and not summaries:
        return
    # The request's own session: a second one would wait for the write lock it may hold
    # (SQLite). Whatever the refused request had begun is rolled back, never committed.
    session = db()
    session.rollback()
    for summary in summaries:
        audit.record(
            session,
            "access_denied",
            actor=summary.actor,
            data=summary.data(),
            client=summary.client,
        )
    if carried is not None:
        data = {"status": code, "method": request.method, "path": path}
        data.update(_Summary(actor, client, carried).data())
        if not carried:
            del data["targets"]
        audit.record(
            session,
            "access_denied",
            actor=actor,
            data=data,
            request_id=g.get("request_id"),
            client=client,
        )
    session.commit()


def reset() -> None:
    """Forget the counters (tests)."""
    with _lock:
        _windows.clear()


def maybe_note(code: int) -> None:
    """Called by the error handlers: a 403, or a 404 on a known route (a case or task that
    does not exist or is hidden), from a signed-in user. Unknown URLs are not denials."""
    if code not in (403, 404) or g.get("user") is None:
        return
    if code == 404 and request.url_rule is None:
        return
    try:
        note(code)
    except Exception:  # the refusal must still be answered if the log cannot be written
        current_app.logger.exception("could not record a denied access")
