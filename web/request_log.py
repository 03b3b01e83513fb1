"""One log line per request: method, path, status, duration and request id.

The path is logged without its query string: searches carry candidates' names.

A client (a proxy, a script) may name the request with ``X-Request-Id``, so that its own
logs and ours meet; the id goes into our log lines, the audit events and the answer's
header, so only a short token is taken as it is, anything else is replaced."""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Response, g, request

log = logging.getLogger("web.requests")
# What a request id sent by the client may be: letters, digits, dots, dashes, underscores.
CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def client_request_id(value: str | None) -> str | None:
    """The client's X-Request-Id if it is a bounded token, else None (make a new one)."""
    return value if value is not None and CLIENT_ID.fullmatch(value) else None


def install(app: Flask) -> None:
    app.before_request(_started)
    app.after_request(_log_request)


def _started() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "request_id": g.get("request_id"),
        },
    )
    return response
