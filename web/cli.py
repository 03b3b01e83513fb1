"""Web commands for the ``ketnap`` CLI: serve, and user accounts."""

from __future__ import annotations

import secrets

import click
from sqlalchemy import select

from engine import audit
from engine.cases import unit_of_work
from engine.cli import os_actor, session_factory

from .accounts import ROLES, User, create_user, is_email
from .auth.credentials import replace_password
from .auth.password_policy import password_problems, problem_text
from .notifications.cli import notify
from .tokens.store import issue


def _check_password(password: str, username: str) -> None:
    # The same policy as the web forms, in its Vietnamese words: a CLI account is no
    # weaker than any other.
    problems = password_problems(password, username)
    if problems:
        raise click.ClickException(" ".join(problem_text(p) for p in problems))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host, port):
    """Serve the web app (development server; production: gunicorn 'web:create_app()')."""
    from . import create_app

    create_app().run(host=host, port=port, threaded=True)


@click.group()
def users():
    """Manage user accounts."""


@users.command(name="add")
@click.argument("name")
@click.option("--unit", "units", multiple=True, required=True, help="unit code (repeatable)")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(ROLES),
    help="role in those units (repeatable)",
)
@click.option("--password", help="initial password; a random one is printed if omitted")
@click.option("--full-name", default="")
@click.option("--email", default=None, help="where notifications are mailed")
def users_add(name, units, roles, password, full_name, email):
    """Add user NAME with ROLE(s) in UNIT(s)."""
    from workflows.admission.tree import load_tree

    if email is not None and not is_email(email.strip()):
        raise click.ClickException(f"not an e-mail address: {email}")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    _check_password(password, name)
    with unit_of_work(session_factory()) as session:
        if session.execute(select(User).where(User.username == name)).first():
            raise click.ClickException(f"user {name} already exists")
        tree = load_tree(session)
        unknown = [u for u in units if u not in tree]
        if unknown:
            raise click.ClickException(f"unknown unit(s): {', '.join(unknown)}")
        user = create_user(
            session,
            name,
            password,
            full_name=full_name,
            memberships=[(u, r) for u in units for r in roles],
        )
        user.email = email.strip() if email else None
        who = os_actor()
        audit.record(
            session,
            "user_created",
            actor=who.name,
            data={
                "user": name,
                "units": list(units),
                "roles": list(roles),
                **({"email": user.email} if user.email else {}),
            },
            **who.request,
        )
    click.echo(f"user {name} added")
    if generated:
        click.echo(f"password: {password}")


@users.command(name="list")
def users_list():
    """One user a line: name, then role@unit pairs."""
    with unit_of_work(session_factory()) as session:
        for user in session.execute(select(User).order_by(User.username)).scalars():
            grants = " ".join(f"{m.role}@{m.unit_code}" for m in user.memberships)
            state = "" if user.active else " (inactive)"
            click.echo(f"{user.username}\t{grants}{state}")


@users.command(name="password")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_password(name, password):
    """Set a user's password: ends all the user's sessions and revokes their API tokens."""
    _check_password(password, name)
    with unit_of_work(session_factory()) as session:
        user = session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        if user is None:
            raise click.ClickException(f"no user {name}")
        revoked = replace_password(session, user, password)
        who = os_actor()
        audit.record(
            session,
            "user_updated",
            actor=who.name,
            data={
                "user": name,
                "change": "password_reset",
                "api_tokens_revoked": [row.id for row in revoked],
            },
            **who.request,
        )
    click.echo("password changed; every session of the user has ended")
    click.echo(f"API tokens revoked: {len(revoked)}")


@users.command(name="token")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="what the token is for")
def users_token(name, label):
    """Issue a personal API token for user NAME; it is printed once, on the last line."""
    with unit_of_work(session_factory()) as session:
        user = session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        if user is None or not user.active:
            raise click.ClickException(f"no active user {name}")
        row, token = issue(session, user, label)
        who = os_actor()
        audit.record(
            session,
            "api_token_created",
            actor=who.name,
            data={"user": name, "token": row.id, "name": row.name},
            **who.request,
        )
    click.echo(f"API token for {name} (shown only now; use: Authorization: Bearer <token>):")
    click.echo(token)


def plugin(cli_group: click.Group) -> None:
    from .demo_accounts import with_demo_accounts
    from .notifications import register

    register()
    cli_group.add_command(serve)
    cli_group.add_command(users)
    cli_group.add_command(notify)
    if "demo" in cli_group.commands:
        with_demo_accounts(cli_group.commands["demo"])
