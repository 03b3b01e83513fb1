"""Demo accounts: one reviewer for each body of the demo tree, plus an auditor, a
designer and an administrator. Passwords are random, printed once when created; none is
written in the code."""

from __future__ import annotations

import functools
import secrets

import click
from sqlalchemy.orm import Session

from engine import audit
from engine.cases import unit_of_work
from engine.cli import os_actor, session_factory
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
        click.echo("\nTài khoản mẫu (mật khẩu chỉ hiện một lần):")
        for username, role, unit, password in made:
            click.echo(f"  {username:<14} {password:<14} {role} @ {unit}")

    # A marker on the function, so that a second load of the plugins wraps nothing.
    callback.adds_demo_accounts = True  # type: ignore[attr-defined]
    command.callback = callback
    return command
