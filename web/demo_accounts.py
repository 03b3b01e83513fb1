"""Demo accounts: one reviewer for each body of the demo tree, plus an auditor, a
designer and an administrator. Passwords are random, printed once when created and
written to the instance folder's demo-passwords.txt (mode 600); none is in the code."""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path

import click
from sqlalchemy.orm import Session

from engine import audit
from engine.cases import unit_of_work
from engine.cli import os_actor, session_factory
from engine.settings import Settings
from workflows.admission import demo
from workflows.admission.tree import load_tree

from .accounts import create_user

#: Bodies that hold tasks in the admission process: each gets a demo reviewer.
REVIEWER_KINDS = (
    "youth_union",
    "trade_union",
    "political_centre",
    "branch",
    "grassroots_committee",
    "ward_committee",
    "organisation_board",
    "standing_board",
)
#: (user name, role, where): the other roles of procedure.md's table.
OTHERS = (
    ("kiemtra", "auditor", "TU-DL"),
    ("thietke", "designer", "TU-DL"),
    ("quantri", "admin", "TU-DL"),
)


def create_demo_accounts(session: Session) -> list[tuple[str, str, str, str]]:
    """Create the accounts; return (user, role, unit, password) for each."""
    tree = load_tree(session)
    wanted = [
        (unit.code.lower(), "reviewer", unit.code, unit.name)
        for unit in tree.units()
        if unit.kind in REVIEWER_KINDS
    ]
    wanted += [
        (name, role, unit, known.name if (known := tree.get(unit)) else unit)
        for name, role, unit in OTHERS
        if unit in tree
    ]
    made = []
    for username, role, unit, full_name in wanted:
        password = secrets.token_urlsafe(9)
        create_user(session, username, password, full_name=full_name, memberships=[(unit, role)])
        made.append((username, role, unit, password))
    audit.record(
        session,
        "user_created",
        actor=os_actor().name,
        data={"demo_accounts": [m[:3] for m in made]},
    )
    return made


PASSWORD_FILE = "demo-passwords.txt"


def write_passwords(instance: Path, lines: list[str]) -> Path:
    """The demo accounts' lines in the instance folder, readable by its owner only (600):
    ``make run`` in the background prints them where nobody may look."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / PASSWORD_FILE
    # Created with its mode, never readable by others even for a moment; an older file
    # of another demo database is replaced, and its mode set again.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write("Tài khoản mẫu của ketnap (tên, mật khẩu, vai trò @ đơn vị):\n")
        file.write("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path.resolve()


def with_demo_accounts(command: click.Command) -> click.Command:
    """Extend the domain's ``demo`` command: after the cases, the accounts to see them."""
    original = command.callback
    assert original is not None  # the domain's demo command has a body
    if getattr(original, "adds_demo_accounts", False):
        return command  # plugins loaded twice (tests): wrap once

    @functools.wraps(original)
    def callback(*args, **kwargs):
        with unit_of_work(session_factory()) as session:
            empty = demo.is_empty(session)
        original(*args, **kwargs)
        if not empty:
            return
        with unit_of_work(session_factory()) as session:
            made = create_demo_accounts(session)
        lines = [f"  {name:<14} {secret:<14} {role} @ {unit}" for name, role, unit, secret in made]
        click.echo("\nTài khoản mẫu (mật khẩu chỉ hiện một lần):")
        click.echo("\n".join(lines))
        path = write_passwords(Settings.from_env().instance_dir, lines)
        click.echo(f"Mật khẩu cũng được ghi vào {path} (chỉ người dùng này đọc được).")

    # A marker on the function, so that a second load of the plugins wraps nothing.
    callback.adds_demo_accounts = True  # type: ignore[attr-defined]
    command.callback = callback
    return command
