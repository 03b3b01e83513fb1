"""One log line per request: method, path, status, duration and request id.

The path is logged without its query string: searches carry candidates' names."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("web.requests")


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
