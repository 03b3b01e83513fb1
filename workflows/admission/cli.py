"""``ketnap orgs``: import and list the organisation tree; ``ketnap demo``: demo data."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from engine import cases
from engine import cli as engine_cli
from engine.errors import EngineError

from . import demo, ending, orgs, transfer
from .kinds import KINDS


@click.group(name="orgs")
def orgs_group() -> None:
    """The organisation tree (cơ cấu tổ chức)."""


def _fail(problems: Sequence[object]) -> None:
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(problems)} problem(s); nothing was changed", err=True)
    sys.exit(1)


@orgs_group.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "csv"]),
    help="file format; by default from the extension (.csv, else YAML)",
)
@click.option("--dry-run", is_flag=True, help="check and show the changes, write nothing")
def orgs_import(file: Path, fmt: str | None, dry_run: bool) -> None:
    """Make the stored tree equal to FILE; units not in FILE become inactive."""
    try:
        units = orgs.read_tree_file(file, fmt)
        with cases.unit_of_work(engine_cli.session_factory()) as session:
            if dry_run:
                plan = orgs.plan_import(session, units)
            else:
                plan = orgs.import_tree(
                    session, units, actor=engine_cli.os_actor().name, source=file.name
                )
    except orgs.TreeFormatError as err:
        _fail(err.problems)
    except UnicodeDecodeError as err:
        _fail([f"{file.name}: not UTF-8 text ({err.reason} at byte {err.start})"])
    for label, codes in (
        ("created", plan.created),
        ("updated", plan.updated),
        ("reactivated", plan.reactivated),
        ("deactivated", plan.deactivated),
    ):
        if codes:
            click.echo(f"{label}: {', '.join(codes)}")
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {len(units)} unit(s): {len(plan.created)} new, {len(plan.updated)} "
        f"changed, {len(plan.deactivated)} made inactive, {plan.unchanged} unchanged"
    )


@orgs_group.command(name="list")
@click.option("--kind", type=click.Choice(list(KINDS)), help="only units of this kind")
@click.option("--all", "show_all", is_flag=True, help="inactive units too")
def orgs_list(kind: str | None, show_all: bool) -> None:
    """One unit a line, in tree order: code, kind, parent, name."""
    with cases.unit_of_work(engine_cli.session_factory()) as session:
        tree = orgs.load_tree(session)
    for unit in tree.units(kind, include_inactive=show_all):
        state = "" if unit.active else "\tinactive"
        click.echo(f"{unit.code}\t{unit.kind}\t{unit.parent or '-'}\t{unit.name}{state}")


@click.command(name="demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="on a database that is not empty, do nothing and succeed (make run)",
)
@click.option(
    "--cases",
    "total",
    type=click.IntRange(min=1),
    default=None,
    help="in all, this many cases: the stories, then copies of them (benchmarks)",
)
def demo_command(if_empty: bool, total: int | None = None) -> None:
    """Fill an EMPTY database: demo units, the admission diagrams, a dozen cases."""
    factory = engine_cli.session_factory()
    with cases.unit_of_work(factory) as session:
        empty = demo.is_empty(session)
    if not empty:
        if if_empty:
            click.echo("Cơ sở dữ liệu đã có dữ liệu: bỏ qua dữ liệu mẫu.")
            return
        click.echo(
            "Cơ sở dữ liệu đã có dữ liệu (đơn vị, định nghĩa hoặc hồ sơ): lệnh demo "
            "chỉ chạy trên cơ sở dữ liệu trống. Không thay đổi gì.",
            err=True,
        )
        sys.exit(1)
    made = []
    with click.progressbar(length=len(demo.STORIES), label="Đang tạo hồ sơ mẫu") as bar:

        def done(story, case):
            made.append((story, case))
            bar.update(1)

        demo.run(factory, engine_cli.os_actor(), on_case=done)
    for story, case in made:
        click.echo(f"{case.id}\t{case.status}\t{case.unit}\t{case.title}: {story.title}")
    click.echo(f"Đã tạo {len(made)} hồ sơ mẫu.")
    if total and total > len(made):
        _copy_stories(factory, made, total - len(made))


def _copy_stories(factory, made: list, count: int) -> None:
    """The rest of ``--cases``: copies of the stories' cases, in batches."""
    from . import bulk

    templates = [(case.id, story.person["full_name"]) for story, case in made]
    with click.progressbar(length=count, label="Đang nhân bản hồ sơ") as bar:
        bulk.copy_cases(factory, templates, count, on_batch=bar.update)
    click.echo(f"Đã tạo thêm {count} hồ sơ (bản sao của các hồ sơ mẫu).")


@click.command(name="end")
@click.argument("case_id", type=int)
@click.option("--outcome", required=True, type=click.Choice(ending.ENDINGS))
@click.option("--reason", required=True, help="why, as the record keeps it")
def end_command(case_id: int, outcome: str, reason: str) -> None:
    """End case CASE_ID with OUTCOME and REASON: its open tasks are cancelled, its
    timers dropped (withdrawn: before the decision; removed: during probation)."""
    try:
        with cases.unit_of_work(engine_cli.session_factory()) as session:
            case = ending.end_admission(
                session, case_id, outcome, reason, engine_cli.os_actor(), units=None
            )
    except EngineError as err:
        engine_cli._fail(err)
    click.echo(f"case {case.id} ended: {case.outcome}")


@click.command(name="transfer")
@click.argument("case_id", type=int)
@click.option("--to", "to_unit", required=True, help="code of the branch the case goes to")
@click.option("--reason", required=True, help="why, as the record keeps it")
def transfer_command(case_id: int, to_unit: str, reason: str) -> None:
    """Send case CASE_ID to the branch TO with REASON: at once inside one upper
    committee, else once the receiving organisation board accepts in its inbox."""
    try:
        with cases.unit_of_work(engine_cli.session_factory()) as session:
            sent = transfer.transfer_case(
                session, case_id, to_unit, reason, engine_cli.os_actor(), units=None
            )
    except EngineError as err:
        engine_cli._fail(err)
    if sent.pending:
        click.echo(f"case {case_id} sent to {to_unit}: waiting for the receiving board")
    else:
        click.echo(f"case {case_id} transferred to {to_unit}")


def add_case_commands(cli_group: click.Group) -> None:
    """``ketnap cases end`` and ``transfer``, beside the engine's own ``cases`` commands."""
    group = cli_group.commands.get("cases")
    if not isinstance(group, click.Group):
        group = click.Group(name="cases", help="Cases.")
        cli_group.add_command(group)
    group.add_command(end_command)
    group.add_command(transfer_command)
