"""The SQL of one task completion and one case start through the API, and their cost.

On a fresh database holding the demo organisation tree, the admission diagrams and the
test users (SQLite, and PostgreSQL when KETNAP_BENCH_PG_URL is set), it starts admission
cases and completes their first task through the Flask app in this process
(POST /api/v1/cases, POST /api/v1/tasks/<id>/complete, with an API token), and prints:

  - the number of SQL statements of one start and one submit, and each statement
    (``--sql``), counted by SQLAlchemy's before_cursor_execute (BEGIN/COMMIT excluded);
    a start's last statement reads the new case's tasks for the answer, after the commit;
  - the median time of ``--rounds`` submits, through the API and as the engine
    operation alone (``engine.cases.complete_task`` in its own transaction);
  - with ``--profile N``: cProfile's top entries over N submits through the API.

Run it after a change of the hot path to keep the count honest:

    KETNAP_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/statements.py --sql [--rounds 50] [--profile 200]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, select, text  # noqa: E402

from tests.support.api import adult, issue_token  # noqa: E402
from tests.support.webapp import (  # noqa: E402
    USERS,
    cheap_password_hashing,
    seed_users_and_process,
)

STARTER = "dt_tp"  # the school Youth Union proposes the student
PG_DATABASE = "ketnap_bench_statements"


ROOT = Path(__file__).resolve().parent.parent


def _caller() -> str:
    """The innermost frames of ketnap's own code that led to a statement."""
    ours = [
        f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno} {frame.name}"
        for frame in traceback.extract_stack()
        if frame.filename.startswith(str(ROOT))
        and "/.venv/" not in frame.filename
        and not frame.filename.endswith("bench/statements.py")
    ]
    return " < ".join(reversed(ours[-3:]))


class Counter:
    """The statements an engine runs while ``counting`` is on."""

    def __init__(self, engine) -> None:
        self.statements: list[str] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, params, context, executemany) -> None:
        # SQLite's BEGIN IMMEDIATE (engine.db) is counted out: PostgreSQL's BEGIN is not
        # a statement SQLAlchemy executes either.
        if self.on and not statement.startswith("BEGIN"):
            self.statements.append(f"{' '.join(statement.split())}  [{_caller()}]")

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.statements, self.on = [], True
        try:
            yield self.statements
        finally:
            self.on = False


def _app(url: str, tmp: Path):
    from engine import db as engine_db
    from engine import schema
    from web import create_app
    from workflows.admission import register_domain

    engine = engine_db.make_engine(url)
    schema.upgrade(engine)
    seed_users_and_process(engine)
    engine.dispose()
    register_domain()
    return create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "ATTACHMENTS_DIR": str(tmp / "files")}
    )


def _first_task(app, case_id: int) -> tuple[int, str, str]:
    from engine.cases import unit_of_work
    from engine.models import WorkItem

    with unit_of_work(app.extensions["ketnap_db"]) as s:
        item, step, unit = s.execute(
            select(WorkItem.id, WorkItem.step, WorkItem.unit).where(
                WorkItem.case_id == case_id, WorkItem.status == "open"
            )
        ).one()
    return item, step, unit


class Driver:
    """Starts cases and completes their first task through the API."""

    def __init__(self, app) -> None:
        from workflows.admission import rules

        self.app, self.client = app, app.test_client()
        self.today = rules.today()
        # Each unit's reviewer, by unit: a task is completed by someone of its unit.
        self.users = {grants[0][0]: name for name, grants in USERS.items()}
        self.tokens = {name: issue_token(app, name) for name in USERS}

    def _headers(self, user: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def start(self) -> int:
        response = self.client.post(
            "/api/v1/cases",
            json={"definition": "admission", "data": adult()},
            headers=self._headers(STARTER),
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def body(self, case_id: int) -> tuple[int, dict, str]:
        """The case's open task, its form filled in, and who completes it."""
        from workflows.admission import steps

        item, step, unit = _first_task(self.app, case_id)
        return item, {"data": steps.step_data(step, self.today, adult())}, self.users[unit]

    def submit(self, item: int, body: dict, user: str) -> None:
        response = self.client.post(
            f"/api/v1/tasks/{item}/complete", json=body, headers=self._headers(user)
        )
        assert response.status_code == 200, response.get_json()


def _median_ms(spent: list[float]) -> float:
    return statistics.median(spent) * 1000


def _engine_submits(app, work: list[tuple[int, dict, str]]) -> list[float]:
    from engine import cases
    from engine.cases import Actor, unit_of_work

    spent = []
    for item, body, user in work:
        started = time.perf_counter()
        with unit_of_work(app.extensions["ketnap_db"]) as s:
            cases.complete_task(s, item, body["data"], Actor(user))
        spent.append(time.perf_counter() - started)
    return spent


def _api_submits(driver: Driver, work: list[tuple[int, dict, str]]) -> list[float]:
    spent = []
    for item, body, user in work:
        started = time.perf_counter()
        driver.submit(item, body, user)
        spent.append(time.perf_counter() - started)
    return spent


def run(name: str, url: str, args: argparse.Namespace, tmp: Path) -> None:
    app = _app(url, tmp)
    counter = Counter(app.extensions["ketnap_db"].kw["bind"])
    driver = Driver(app)
    driver.submit(*driver.body(driver.start()))  # warm: caches, the pool, the first token use
    with counter.counting() as started:
        case_id = driver.start()
    work = driver.body(case_id)
    with counter.counting() as submitted:
        driver.submit(*work)
    print(f"{name}: start {len(started)} statements, submit {len(submitted)} statements")
    if args.sql:
        for label, statements in (("start", started), ("submit", submitted)):
            for n, sql in enumerate(statements, 1):
                print(f"  {label} {n:>2}: {sql[:200]}")
    if args.rounds:
        # Interleaved: an API submit, then an engine-only submit, each on a fresh case.
        api, engine_only = [], []
        for _ in range(args.rounds):
            api += _api_submits(driver, [driver.body(driver.start())])
            engine_only += _engine_submits(app, [driver.body(driver.start())])
        print(
            f"{name}: submit median over {args.rounds}: API {_median_ms(api):.2f} ms, "
            f"engine operation {_median_ms(engine_only):.2f} ms"
        )
    if args.profile:
        profiled = [driver.body(driver.start()) for _ in range(args.profile)]
        profile = cProfile.Profile()
        profile.enable()
        _api_submits(driver, profiled)
        profile.disable()
        print(f"{name}: profile of {args.profile} API submits, by own time:")
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(args.top)
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(args.top)
    app.extensions["ketnap_db"].kw["bind"].dispose()


def _fresh_pg(url: str) -> str:
    base = url.rsplit("/", 1)[0]
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    admin.dispose()
    return f"{base}/{PG_DATABASE}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sql", action="store_true", help="print each statement")
    parser.add_argument("--rounds", type=int, default=0, help="time this many submits")
    parser.add_argument("--profile", type=int, default=0, help="profile this many submits")
    parser.add_argument("--top", type=int, default=25, help="profile entries shown")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="one back end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, cheap_password_hashing():
        backends = {"SQLite": f"sqlite:///{tmp}/statements.sqlite3"}
        pg = os.environ.get("KETNAP_BENCH_PG_URL")
        if pg:
            backends["PostgreSQL"] = _fresh_pg(pg)
        for name, url in backends.items():
            if args.only and args.only != ("sqlite" if name == "SQLite" else "postgres"):
                continue
            run(name, url, args, Path(tmp))


if __name__ == "__main__":
    main()
