"""Benchmark: the pages people wait for, on PostgreSQL at scale (``ketnap demo --cases
N``): the inbox of the busiest unit, a case page, a case's history, the report pages
(targets, pipeline, half-year figures, sourcing quotas) with their Excel and PDF files,
and the auditor's search. Each is a whole request through the Flask app in this process
(routing, auth, queries, rendering), timed over many different cases (the reports and
the search: ``--report-rounds`` times each); it prints p50 and p95.

    .venv/bin/python bench/pages.py --cases 100000      # seeds the database once
"""

from __future__ import annotations

import random
import time

from scale_setup import bench_tokens, counts, machine, options, percentile
from sqlalchemy import text

PASSWORD = "bench-" + "pw-not-secret"  # a local benchmark database only


def _busiest_unit(url: str) -> str:
    from engine import db as engine_db

    engine = engine_db.make_engine(url)
    with engine.connect() as conn:
        unit = conn.execute(
            text(
                "SELECT unit FROM work_items WHERE status = 'open' AND unit IS NOT NULL "
                "GROUP BY unit ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar()
    engine.dispose()
    return unit


def _signed_in(app, name: str, grants: list[tuple[str, str]]):
    """A browser-like client signed in as ``name`` (created with ``grants`` if new)."""
    from sqlalchemy import select

    from engine.cases import unit_of_work
    from web.accounts import User, create_user

    with unit_of_work(app.extensions["ketnap_db"]) as s:
        if s.execute(select(User).where(User.username == name)).scalar_one_or_none() is None:
            create_user(s, name, PASSWORD, memberships=grants)
    client = app.test_client()
    answer = client.post("/dang-nhap", data={"username": name, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    return client


def _time(client, paths: list[str], headers: dict | None = None) -> list[float]:
    took = []
    for path in paths:
        started = time.perf_counter()
        answer = client.get(path, headers=headers or {})
        took.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    return took


# The report pages as the auditor opens them (the first committee, this year), and the
# files the same pages download.
# name -> (page, the stem of its files)
REPORTS = {
    "targets": ("/bao-cao/", "chi-tieu"),
    "pipeline": ("/bao-cao/tien-do", "tien-do"),
    "half-year figures": ("/bao-cao/so-lieu", "so-lieu"),
    "quotas": ("/bao-cao/tao-nguon", "tao-nguon"),
}
# A typical search: a fragment of a name and a filter, and the same as a CSV file.
SEARCHES = {
    "auditor's search (name + outcome)": "/kiem-tra/?q=nguyen&outcome=admitted",
    "auditor's search (name + unit)": "/kiem-tra/?q=van&unit={unit}",
    "auditor's search as CSV (name + outcome)": "/kiem-tra/tim-kiem.csv?q=nguyen&outcome=admitted",
}


def _reports(client, rounds: int, unit: str) -> dict[str, list[float]]:
    figures = {}
    for name, (path, stem) in REPORTS.items():
        figures[f"{name} (page {path})"] = _time(client, [path] * rounds)
        for fmt in ("xlsx", "pdf"):
            download = f"/bao-cao/{stem}.{fmt}"
            figures[f"{name} as {fmt} ({download})"] = _time(client, [download] * rounds)
    for name, path in SEARCHES.items():
        figures[name] = _time(client, [path.format(unit=unit)] * rounds)
    return figures


def main() -> None:
    args, url = options(__doc__, rounds=(int, 200), report_rounds=(int, 20))
    tokens = bench_tokens(url)
    from web import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    unit = _busiest_unit(url)
    busy = _signed_in(app, f"bench_{unit.lower()}", [(unit, "reviewer")])
    auditor = _signed_in(app, "bench_auditor_web", [("TU-DL", "auditor")])
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {tokens['bench_auditor']}"}
    cases, events = counts(url)
    ids = random.Random(9).sample(range(1, cases + 1), min(args.rounds, cases))

    print(f"machine: {machine()}")
    print(f"database: PostgreSQL, {cases:,} cases, {events:,} audit events; busiest unit {unit}")
    figures = {
        "inbox, busiest unit (page /)": _time(busy, ["/"] * args.rounds),
        "case page (/ho-so/<id>)": _time(auditor, [f"/ho-so/{i}" for i in ids]),
        "case history (API /cases/<id>/history)": _time(
            api, [f"/api/v1/cases/{i}/history" for i in ids], bearer
        ),
        "case (API /cases/<id>)": _time(api, [f"/api/v1/cases/{i}" for i in ids], bearer),
        "targets (API /reports/targets)": _time(
            api, ["/api/v1/reports/targets"] * args.report_rounds, bearer
        ),
        **_reports(auditor, args.report_rounds, unit),
    }
    for label, took in figures.items():
        print(
            f"{label:<58} p50 {percentile(took, 50):7.1f} ms   p95 {percentile(took, 95):7.1f} ms"
            f"   (n={len(took)})"
        )


if __name__ == "__main__":
    main()
