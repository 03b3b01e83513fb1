"""The timer loop (``ketnap timers run --loop``) outlives the database being unreachable
for a few seconds: it waits, tries again, and fires what fell due meanwhile, still the
same process. The outage is a proxy the test cuts on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from engine import clock, definitions
from engine import db as engine_db
from engine.cases import Actor, start_case, unit_of_work
from engine.models import Case

from .proxy import Proxy

KETNAP = Path(sys.executable).parent / "ketnap"
DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="Defs_wait" targetNamespace="urn:ketnap:test">
  <bpmn:process id="wait" name="Chờ" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:intermediateCatchEvent id="wait_date">
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDate>wait_until</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_date" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait_date" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
""".encode()


def _start_waiting(factory, count: int, seconds: float) -> list[int]:
    """``count`` cases whose one timer falls due ``seconds`` from now; each then ends."""
    due = (clock.now() + timedelta(seconds=seconds)).isoformat()
    with unit_of_work(factory) as s:
        return [
            start_case(s, "wait", {"title": f"Chờ {n}", "wait_until": due}, Actor("faults")).id
            for n in range(count)
        ]


def _closed(factory, ids: list[int]) -> int:
    with factory() as s:
        return s.execute(
            select(func.count()).select_from(Case).where(Case.id.in_(ids), Case.status == "closed")
        ).scalar()


def _wait_closed(factory, ids: list[int], timeout: float, worker) -> None:
    deadline = time.monotonic() + timeout
    while _closed(factory, ids) < len(ids) and time.monotonic() < deadline:
        assert worker.poll() is None, "the timer loop exited"
        time.sleep(0.1)
    assert _closed(factory, ids) == len(ids)


def test_timer_loop_outlives_a_database_outage(pg_url, tmp_path):
    factory = engine_db.make_session_factory(engine_db.make_engine(pg_url))
    with unit_of_work(factory) as s:
        definitions.deploy(s, {"wait.bpmn": DIAGRAM}, "faults")
    url = make_url(pg_url)
    proxy = Proxy(url.host, url.port or 5432)
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    log = tmp_path / "timers.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [
                str(KETNAP),
                "timers",
                "run",
                "--loop",
                "--interval",
                "0.2",
                "--retry",
                "0.2",
                "--max-retry",
                "1",
            ],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": through},
        )
    try:
        _wait_closed(factory, _start_waiting(factory, 3, 0.5), 30, worker)  # it runs

        proxy.interrupt()
        meanwhile = _start_waiting(factory, 5, 1.0)  # due while the database is away
        time.sleep(3)
        assert worker.poll() is None, log.read_text()
        assert _closed(factory, meanwhile) == 0

        proxy.restore()
        _wait_closed(factory, meanwhile, 15, worker)
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        proxy.close()
        factory.kw["bind"].dispose()
    text = log.read_text()
    assert "database unavailable, retrying" in text and "database reachable again" in text
    assert text.count('msg="timers fired"') == 8
