"""Each request logs one line: method, path (without its query), status, duration and the
request id the response carries."""

from __future__ import annotations

import logging


def _request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "web.requests"]


def test_a_request_logs_method_path_status_and_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="web.requests")
    response = client.get("/dang-nhap?q=Nguyễn", headers={"X-Request-Id": "req-42"})
    [line] = _request_lines(caplog)
    assert (line.method, line.path, line.status) == ("GET", "/dang-nhap", 200)
    assert line.request_id == "req-42" == response.headers["X-Request-Id"]
    assert line.duration_ms >= 0 and "Nguyễn" not in caplog.text


def test_refused_and_missing_pages_are_logged_too(client, caplog):
    caplog.set_level(logging.INFO, logger="web.requests")
    client.get("/ho-so")  # not signed in: to the login
    client.get("/no-such-page")
    statuses = [(r.path, r.status) for r in _request_lines(caplog)]
    assert statuses == [("/ho-so", 302), ("/no-such-page", 404)]
    assert all(r.request_id for r in _request_lines(caplog))
