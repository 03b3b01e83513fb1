"""Denied access (a 403, or a 404 for something that exists but is not the user's to
see) as audit events, aggregated so a scan cannot flood the log.

Per user (or, signed out, per client address) the first denial of a minute is recorded
at once; further denials in that minute are only counted, and the count is carried by
the next recorded denial (``suppressed``). The counters live in the process: a restart
loses at most a minute's count, never a recorded event.
"""

from __future__ import annotations

import threading
import time

from flask import current_app, g, request

from engine import audit

from .extensions import db

WINDOW = 60.0
_lock = threading.Lock()
_windows: dict[str, list] = {}  # who -> [window start, denials not yet recorded]


def _who() -> tuple[str, str]:
    user = g.get("user")
    client = (request.remote_addr or "")[:64]
    return (user.username if user is not None else "?"), client


def _take(key: str, now: float) -> int | None:
    """None while inside the key's window; else the count the new event carries."""
    with _lock:
        window = _windows.get(key)
        if window is not None and now - window[0] < WINDOW:
            window[1] += 1
            return None
        suppressed = window[1] if window is not None else 0
        _windows[key] = [now, 0]
        return suppressed


def note(code: int) -> None:
    """Record (or count) a denial of the current request."""
    actor, client = _who()
    key = actor if actor != "?" else f"@{client}"
    suppressed = _take(key, time.monotonic())
    if suppressed is None:
        return
    data = {
        "status": code,
        "method": request.method,
        "path": request.path[:300],
        "suppressed": suppressed,
    }
    # The request's own session: a second one would wait for the write lock it may hold
    # (SQLite). Whatever the refused request had begun is rolled back, never committed.
    session = db()
    session.rollback()
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
