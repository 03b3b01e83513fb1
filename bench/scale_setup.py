"""What the scale benchmarks share: the PostgreSQL database they run on, seeded once
with ``ketnap demo --cases N`` (kept between runs: seeding 100,000 cases takes a while),
bench users with API tokens, and the machine description every benchmark prints."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import db as engine_db  # noqa: E402
from engine.cases import unit_of_work  # noqa: E402
from engine.models import Case, Event  # noqa: E402

BIN = Path(sys.executable).parent
CLIENTS = 16


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def options(description: str, **extra: tuple[type, object]) -> tuple[argparse.Namespace, str]:
    """The command line (``--cases`` and ``extra``: name=(type, default)) and the URL of
    the seeded bench database (KETNAP_BENCH_PG_URL names the server)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cases", type=int, default=100_000)
    for name, (kind, default) in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=kind, default=default)
    args = parser.parse_args()
    base = os.environ.get(
        "KETNAP_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    return args, database(base, args.cases)


def database(base_url: str, cases: int) -> str:
    """The URL of the bench database for ``cases`` cases, created and seeded if needed.
    KETNAP_BENCH_DB names another database (a copy of the seeded one, say, to try a
    migration on without moving the shared one to it)."""
    name = os.environ.get("KETNAP_BENCH_DB") or f"ketnap_bench_{cases}"
    admin = create_engine(base_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base_url.rsplit("/", 1)[0] + "/" + name
    env = {**os.environ, "DATABASE_URL": url}
    # Every run: a kept database gets the revisions written since it was seeded.
    subprocess.run([str(BIN / "ketnap"), "db", "upgrade"], env=env, check=True)
    if counts(url)[0] < cases:
        subprocess.run(
            [str(BIN / "ketnap"), "demo", "--cases", str(cases)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        vacuum(url)
    return url


def vacuum(url: str) -> None:
    """What autovacuum does within minutes of a bulk load: statistics for the planner,
    and the visibility map that lets index-only scans skip the table."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
    engine.dispose()


def counts(url: str) -> tuple[int, int]:
    """(cases, audit events) in the database; (0, 0) before it is migrated."""
    engine = engine_db.make_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.execute(select(func.count()).select_from(Case)).scalar(),
                conn.execute(select(func.count()).select_from(Event)).scalar(),
            )
    except Exception:  # not migrated yet
        return 0, 0
    finally:
        engine.dispose()


def bench_tokens(url: str) -> dict[str, str]:
    """API tokens: ``load0``..``load15`` (reviewers of every unit) and ``bench_auditor``
    (reads the reports); the users are created on the first run."""
    from web.accounts import User, create_user
    from web.tokens import issue
    from workflows.admission import register_domain

    register_domain()
    factory = engine_db.make_session_factory(engine_db.make_engine(url))
    tokens = {}
    with unit_of_work(factory) as s:
        units = [code for (code,) in s.execute(text("SELECT code FROM units"))]
        wanted = {f"load{n}": [(u, "reviewer") for u in units] for n in range(CLIENTS)}
        wanted["bench_auditor"] = [("TU-DL", "auditor")]
        for name, grants in wanted.items():
            user = s.execute(select(User).where(User.username == name)).scalar_one_or_none()
            if user is None:
                user = create_user(s, name, os.urandom(12).hex(), memberships=grants)
                s.flush()
            tokens[name] = issue(s, user, "bench")[1]
    factory.kw["bind"].dispose()
    return tokens


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
