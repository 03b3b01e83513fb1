"""Denied access: one event a minute per user, and in it every denial counted by its
target, so a scan of many cases names each of them (issue 14, item 6)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.models import Event
from tests.support.driving import factory
from tests.support.webapp import login
from web import denials

MISSING = 900_000  # case ids that do not exist: a 404 on a known route, a denial


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    denials.reset()
    now = [1000.0]
    monkeypatch.setattr(denials.time, "monotonic", lambda: now[0])
    yield now
    denials.reset()


def _denials(app) -> list[dict]:
    with factory(app)() as s:
        events = s.execute(select(Event).where(Event.kind == "access_denied").order_by(Event.seq))
        return [json.loads(e.data) | {"_actor": e.actor} for e in events.scalars()]


def _counted(events: list[dict]) -> int:
    """Denials the events account for: each recorded one, and those it carries."""
    return sum(("path" in e) + e["suppressed"] for e in events)


def test_every_distinct_target_of_a_minute_is_counted(app, clock):
    scanner = login(app.test_client(), "cb_btx")
    paths = [f"/ho-so/{MISSING + n}" for n in range(6)] + ["/viec/999999", "/ho-so/900001"]
    for path in paths:
        assert scanner.get(path).status_code == 404
    assert len(_denials(app)) == 1  # the first at once, the rest counted
    clock[0] += 61
    assert scanner.get("/ho-so/1").status_code == 404
    first, second = _denials(app)
    assert (first["path"], first["suppressed"]) == (paths[0], 0) and "targets" not in first
    assert (second["path"], second["suppressed"]) == ("/ho-so/1", 7)
    assert second["targets"] == {
        **{f"GET /ho-so/{MISSING + n}": 1 for n in range(1, 6)},
        "GET /viec/999999": 1,
        "GET /ho-so/900001": 2,
    }
    assert _counted(_denials(app)) == len(paths) + 1


def test_a_long_scan_is_written_in_bounded_batches(app, clock, monkeypatch):
    monkeypatch.setattr(denials, "MAX_TARGETS", 3)
    scanner = login(app.test_client(), "cb_btx")
    for n in range(8):
        scanner.get(f"/ho-so/{MISSING + n}")
    events = _denials(app)
    # The first at once; then a batch each time three distinct targets are counted.
    assert [sorted(e.get("targets", {})) for e in events] == [
        [],
        [f"GET /ho-so/{MISSING + n}" for n in (1, 2, 3)],
        [f"GET /ho-so/{MISSING + n}" for n in (4, 5, 6)],
    ]
    assert all(e["_actor"] == "cb_btx" for e in events)
    clock[0] += 61
    scanner.get("/ho-so/1")
    assert _denials(app)[-1]["targets"] == {f"GET /ho-so/{MISSING + 7}": 1}
    assert _counted(_denials(app)) == 9


def test_a_users_counts_are_written_when_anyone_is_denied_after_the_minute(app, clock):
    scanner = login(app.test_client(), "cb_btx")
    for n in range(3):
        scanner.get(f"/ho-so/{MISSING + n}")
    clock[0] += 61
    login(app.test_client(), "designer").get(f"/ho-so/{MISSING}")
    events = _denials(app)
    assert [(e["_actor"], e["suppressed"]) for e in events] == [
        ("cb_btx", 0),
        ("cb_btx", 2),  # the scanner's minute, written with the designer's denial
        ("designer", 0),
    ]
    assert events[1]["targets"] == {f"GET /ho-so/{MISSING + n}": 1 for n in (1, 2)}
    assert "path" not in events[1]
    # The scanner's next denial starts a new minute: recorded at once, nothing carried.
    scanner.get("/ho-so/1")
    assert (_denials(app)[-1]["path"], _denials(app)[-1]["suppressed"]) == ("/ho-so/1", 0)
    assert _counted(_denials(app)) == 5
