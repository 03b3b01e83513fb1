"""The signed-in user of a request, and the decorators that require one."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy.orm import joinedload

from engine.cases import Actor

from ..accounts import User
from ..extensions import db


def _fresh_session() -> None:
    # Nothing from before sign-in (or of a user signed out, or whose session ended) carries over,
    # so a session planted before sign-in cannot ride on it; only the language chosen on
    # the page stays, as it is nobody's secret.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def load_user() -> None:
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    # Memberships in the same query: every page asks for them, and a second round trip
    # on every request is a cost each reviewer pays.
    user = db().get(User, uid, options=[joinedload(User.memberships)])
    # A password change or deactivation ends every session of that user.
    if user is None or not user.active or session.get("pw") != user.password_hash[-16:]:
        _fresh_session()
        return
    g.user = user


def sign_in(user: User) -> None:
    """Start a session for ``user``; also renews it after the user's own password change."""
    _fresh_session()
    session["uid"] = user.id
    session["pw"] = user.password_hash[-16:]
    session.permanent = True


def sign_out() -> None:
    _fresh_session()


def actor() -> Actor:
    """The acting user as the engine records it, with request id and client address."""
    return Actor(
        name=g.user.username,
        request_id=g.get("request_id"),
        client=(request.remote_addr or "")[:64],
    )


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: str):
    """Only users holding one of ``roles`` (anywhere); others get 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(g.user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
