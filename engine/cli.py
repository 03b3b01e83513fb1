"""The ``ketnap`` command line. Engine commands live here; the domain and the web layer
add theirs through the ``ketnap.plugins`` entry point, so the engine imports neither.

The CLI acts as the operating-system user running it, and the audit log says so.
"""

from __future__ import annotations

import getpass
import json
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
from sqlalchemy import select

from engine import audit, cases, db, definitions, logs, messages, schema, stuck, timers
from engine.errors import DefinitionError, EngineError, InvalidData
from engine.models import Case, WorkItem
from engine.settings import SettingsError


def os_actor() -> cases.Actor:
    return cases.Actor(name=f"os:{getpass.getuser()}", client="cli")


_factory = None


def session_factory():
    global _factory
    if _factory is None:
        _factory = db.make_session_factory(db.make_engine())
    return _factory


def _json_arg(value: str | None) -> dict:
    if not value:
        return {}
    text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise click.BadParameter(f"not JSON: {err}") from err
    if not isinstance(data, dict):
        raise click.BadParameter("must be a JSON object")
    return data


def _fail(err: EngineError) -> None:
    click.echo(f"error: {err}", err=True)
    if isinstance(err, InvalidData):
        for name, messages in err.fields.items():
            click.echo(f"  {name}: {messages}", err=True)
    sys.exit(1)


@click.group()
def cli() -> None:
    """ketnap: BPMN case management."""
    logs.configure(*logs.from_env())


_LANG = click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="the language of the problems",
)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--key", help="main process id, when the files hold several")
@_LANG
def check(paths, key, lang):
    """Check BPMN files and forms (files or folders) without a database."""
    result = definitions.check(definitions.collect(list(paths)), key=key)
    for problem in result.problems:
        click.echo(str(messages.translated(problem, lang)))
    for warning in result.warnings:  # ignored, not refused: the check still passes
        click.echo(f"cảnh báo / warning: {warning}", err=True)
    if not result.ok:
        click.echo(f"{result.found} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"ok: {result.key} ({len(result.bpmn)} BPMN file(s), {len(result.forms)} form(s))")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--key", help="main process id, when the files hold several")
@_LANG
def deploy(paths, key, lang):
    """Deploy BPMN files and forms as the next version of their definition."""
    try:
        with cases.unit_of_work(session_factory()) as session:
            version, created = definitions.deploy(
                session, definitions.collect(list(paths)), os_actor().name, key=key
            )
    except DefinitionError as err:
        for problem in err.problems:
            click.echo(str(messages.translated(problem, lang)))
        sys.exit(1)
    state = "deployed" if created else "unchanged, still"
    click.echo(f"{version.key}: {state} version {version.version}")


@cli.group(name="db")
def db_group():
    """Database schema."""


@db_group.command()
def upgrade():
    """Create or migrate the database to the newest schema."""
    schema.upgrade(session_factory().kw["bind"])
    click.echo("database is up to date")


@cli.group(name="cases")
def cases_group():
    """Start, list and show cases."""


@cases_group.command(name="start")
@click.argument("key")
@click.option("--data", help="initial data: JSON, or @file.json")
@click.option("--unit", help="code of the responsible unit")
def cases_start(key, data, unit):
    try:
        with cases.unit_of_work(session_factory()) as session:
            case = cases.start_case(session, key, _json_arg(data), os_actor(), unit=unit)
    except EngineError as err:
        _fail(err)
    click.echo(f"case {case.id} started ({case.status})")


@cases_group.command(name="list")
@click.option("--status")
@click.option("--unit")
@click.option("--limit", default=50, show_default=True)
def cases_list(status, unit, limit):
    with cases.unit_of_work(session_factory()) as session:
        query = select(Case).order_by(Case.id.desc()).limit(limit)
        if status:
            query = query.where(Case.status == status)
        if unit:
            query = query.where(Case.unit == unit)
        for case in session.execute(query).scalars():
            click.echo(
                f"{case.id}\t{case.definition_key}\t{case.status}\t"
                f"{case.outcome or ''}\t{case.unit or ''}\t{case.title}"
            )


@cases_group.command(name="show")
@click.argument("case_id", type=int)
def cases_show(case_id):
    with cases.unit_of_work(session_factory()) as session:
        case = session.get(Case, case_id)
        if case is None:
            click.echo(f"error: case {case_id} not found", err=True)
            sys.exit(1)
        items = (
            session.execute(
                select(WorkItem).where(WorkItem.case_id == case_id).order_by(WorkItem.id)
            )
            .scalars()
            .all()
        )
        click.echo(
            json.dumps(
                {
                    "id": case.id,
                    "definition": case.definition_key,
                    "status": case.status,
                    "outcome": case.outcome,
                    "unit": case.unit,
                    "data": case.data,
                    "next_due_at": case.next_due_at.isoformat() if case.next_due_at else None,
                    "tasks": [
                        {
                            "id": i.id,
                            "step": i.step,
                            "name": i.step_name,
                            "unit": i.unit,
                            "status": i.status,
                            "due_at": i.due_at.isoformat() if i.due_at else None,
                            "completed_by": i.completed_by,
                        }
                        for i in items
                    ],
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )


@cases_group.command(name="stuck")
def cases_stuck():
    """Cases not closed with no open task, timer or awaited message, and no incident:
    one a line; exit 1 if there is any."""
    with cases.unit_of_work(session_factory()) as session:
        found = stuck.stuck_cases(session)
    for case in found:
        waits = ", ".join(case.waits_at) or "-"
        click.echo(
            f"{case.case_id}\t{case.status}\t{case.unit or ''}\twaits at {waits}\t{case.title}"
        )
    if found:
        click.echo(f"{len(found)} stuck case(s)", err=True)
        sys.exit(1)
    click.echo("no stuck case")


@cli.group(name="tasks")
def tasks_group():
    """List and complete tasks."""


@tasks_group.command(name="list")
@click.option("--unit")
@click.option("--case", "case_id", type=int)
@click.option("--all", "show_all", is_flag=True, help="completed and cancelled too")
def tasks_list(unit, case_id, show_all):
    with cases.unit_of_work(session_factory()) as session:
        query = select(WorkItem).order_by(WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id)
        if not show_all:
            query = query.where(WorkItem.status == "open")
        if unit:
            query = query.where(WorkItem.unit == unit)
        if case_id:
            query = query.where(WorkItem.case_id == case_id)
        for i in session.execute(query.limit(500)).scalars():
            due = i.due_at.date().isoformat() if i.due_at else "-"
            click.echo(
                f"{i.id}\tcase {i.case_id}\t{i.step}\t{i.unit or ''}\t{i.status}\t"
                f"due {due}\t{i.step_name}"
            )


@tasks_group.command(name="complete")
@click.argument("task_id", type=int)
@click.option("--data", help="form data: JSON, or @file.json")
def tasks_complete(task_id, data):
    try:
        with cases.unit_of_work(session_factory()) as session:
            item = cases.complete_task(session, task_id, _json_arg(data), os_actor())
    except EngineError as err:
        _fail(err)
    click.echo(f"task {item.id} completed")


@cli.group(name="timers")
def timers_group():
    """Fire due timers."""


@timers_group.command(name="run")
@click.option("--loop", "keep_going", is_flag=True, help="keep firing, every --interval s")
@click.option("--interval", default=30.0, show_default=True)
@click.option(
    "--retry",
    default=0.5,
    show_default=True,
    help="with --loop: first wait (s) when the database is unreachable, doubling",
)
@click.option("--max-retry", default=30.0, show_default=True, help="the longest such wait (s)")
def timers_run(keep_going, interval, retry, max_retry):
    if keep_going:
        timers.loop(
            session_factory(), os_actor(), interval=interval, retry=retry, max_retry=max_retry
        )
    else:
        count = timers.run_due(session_factory(), os_actor())
        click.echo(f"{count} case(s) had due timers")


@cli.group(name="audit")
def audit_group():
    """The audit chain."""


@audit_group.command(name="verify")
def audit_verify():
    with cases.unit_of_work(session_factory()) as session:
        broken = audit.verify(session)
    if broken:
        click.echo(f"BROKEN at {broken}")
        sys.exit(1)
    click.echo("audit chain intact")


def load_plugins(group: click.Group) -> None:
    """Let installed domains register their functions, resolvers and commands."""
    # By name, so that the order is the same everywhere: a later plugin may extend a
    # command of an earlier one ("web" adds demo accounts to the domain's "demo").
    for entry in sorted(entry_points(group="ketnap.plugins"), key=lambda e: e.name):
        entry.load()(group)


def main() -> None:
    load_plugins(cli)
    try:
        cli()
    except SettingsError as err:
        # A bad environment variable, found wherever the command first read the
        # settings: the variable and why, not a traceback.
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
