"""Benchmark: task completion end to end over HTTP, against gunicorn (4 workers) on
PostgreSQL at scale, from 16 concurrent clients (16 users) in this process.

Each client completes open tasks of its own cases (one task per case, each with its
step's standard form and the fields the step asks of the case) through
POST /api/v1/tasks/{id}/complete, a new connection per request (gunicorn's sync
workers close them). It prints the throughput, the latency percentiles, the CPU share
this load generator took of the machine, and the resident memory of each web worker.
Completing tasks moves the bench cases on: a later run completes the next steps.

    .venv/bin/python bench/http_load.py --cases 100000 [--seconds 30] [--workers 4]
        [--gunicorn=--preload]    # more gunicorn options, to compare settings
"""

from __future__ import annotations

import http.client
import json
import os
import tempfile
import threading
import time
from pathlib import Path

from scale_setup import CLIENTS, bench_tokens, counts, machine, options, percentile
from sqlalchemy import text


def _work(url: str, limit: int) -> list[tuple[int, bytes]]:
    """(task id, request body) for the first open, unclaimed task of up to ``limit``
    cases, each with its step's standard form filled in for the case's person, and
    what a step asks of the case itself: the ward committee that assigns a branch
    names one of its own branches (without it the answer is a 422, not a completion)."""
    from engine import db as engine_db
    from workflows.admission import rules, steps

    engine = engine_db.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT DISTINCT ON (w.case_id) w.id, w.step, w.unit, c.data FROM work_items w "
                "JOIN cases c ON c.id = w.case_id WHERE w.status = 'open' AND w.claimed_by IS NULL "
                "ORDER BY w.case_id, w.id LIMIT :n"
            ),
            {"n": limit},
        ).all()
        branches = dict(
            conn.execute(
                text(
                    "SELECT parent_code, min(code) FROM units WHERE kind = 'branch' AND active "
                    "GROUP BY parent_code"
                )
            ).all()
        )
    engine.dispose()
    today = rules.today()
    work = []
    for item, step, unit, data in rows:
        form = steps.step_data(step, today, data)
        if step == "assign_branch":
            form["branch"] = branches[unit]
        work.append((item, json.dumps({"data": form}).encode()))
    return work


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _client(port: int, token: str, work: list, stop_at: float, out: list, lock) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for item, body in work:
        if time.monotonic() >= stop_at:
            return
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", f"/api/v1/tasks/{item}/complete", body=body, headers=headers)
        status = conn.getresponse().status
        conn.close()
        with lock:
            out.append((status, (time.perf_counter() - started) * 1000))


def main() -> None:
    args, url = options(__doc__, seconds=(float, 30.0), workers=(int, 4), gunicorn=(str, ""))
    tokens = [bench_tokens(url)[f"load{n}"] for n in range(CLIENTS)]
    work = _work(url, 20_000)
    cases, events = counts(url)
    from tests.faults.gunicorn import Server

    with tempfile.TemporaryDirectory() as tmp:
        server = Server(url, Path(tmp), workers=args.workers, options=tuple(args.gunicorn.split()))
        server.start()
        try:
            out, lock = [], threading.Lock()
            stop_at = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=_client,
                    args=(server.port, tokens[n], work[n::CLIENTS], stop_at, out, lock),
                )
                for n in range(CLIENTS)
            ]
            cpu0, wall0 = os.times(), time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 60)
            cpu1, wall = os.times(), time.monotonic() - wall0
            rss = [_rss_mb(pid) for pid in server.workers_pids()]
        finally:
            server.stop()
    done = [ms for status, ms in out if status == 200]
    statuses = {}
    for status, _ms in out:
        statuses[status] = statuses.get(status, 0) + 1
    own_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    print(f"machine: {machine()}")
    print(f"database: PostgreSQL, {cases:,} cases, {events:,} audit events (before the run)")
    settings = f"gunicorn {args.workers} workers {args.gunicorn}".strip()
    print(f"{settings}, {CLIENTS} clients, {wall:.1f} s: answers {statuses}")
    print(
        f"completions: {len(done)} = {len(done) / wall:.1f}/s; latency p50 "
        f"{percentile(done, 50):.0f} ms, p95 {percentile(done, 95):.0f} ms, "
        f"p99 {percentile(done, 99):.0f} ms"
    )
    print(
        f"load generator CPU: {own_cpu / wall / os.cpu_count() * 100:.0f}% of the machine "
        f"({own_cpu:.1f} CPU-s over {wall:.1f} s, {os.cpu_count()} cores)"
    )
    print("web worker RSS: " + ", ".join(f"{mb:.0f} MB" for mb in rss))


if __name__ == "__main__":
    main()
