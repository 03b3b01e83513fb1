"""The signed-in user of a request, and the decorators that require one.

The cookie holds the id of a server-side session (``session_store``), nothing else of
the user; each request looks the session up and refuses it once it has ended or timed
out, so that sign-out, a password change and deactivation take effect at once.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy.orm import Session

from engine.cases import Actor

from ..accounts import User
from ..extensions import db
from . import session_store
from .session_store import UserSession

#: The cookie's key for the session id.
SESSION_KEY = "sid"


def _fresh_session() -> None:
    # Nothing from before sign-in (or of a user signed out, or whose session ended) carries over,
    # so a session planted before sign-in cannot ride on it; only the language chosen on
    # the page stays, as it is nobody's secret.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def idle_timeout() -> timedelta:
    return current_app.config["SESSION_IDLE"]


def max_age() -> timedelta:
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


def load_user() -> None:
    g.user = g.user_session = None
    token = session.get(SESSION_KEY)
    if token is None:
        if "uid" in session:  # a cookie of before server-side sessions: sign in again
            _fresh_session()
        return
    row = session_store.find(db(), token)
    if row is None:
        _fresh_session()
        return
    over = session_store.why_over(row, idle_timeout(), max_age())
    if over is not None:
        if row.ended_at is None:  # timed out: say so on the row, once
            session_store.end(row, over)
            db().commit()
        _fresh_session()
        return
    if session_store.touch(row):
        db().commit()
    g.user, g.user_session = row.user, row


def start_session(db_session: Session, user: User) -> str:
    """A new server-side session of ``user`` in the caller's transaction; its token, for
    ``sign_in`` to put in the cookie once the transaction has committed."""
    return session_store.start(db_session, user, max_age())


def sign_in(token: str) -> None:
    """Make this browser's cookie carry the session ``token`` (``start_session``)."""
    _fresh_session()
    session[SESSION_KEY] = token
    session.permanent = True  # the cookie lasts PERMANENT_SESSION_LIFETIME, the maximum


def end_current() -> None:
    """End this request's session, in the request's transaction (the caller commits)."""
    row: UserSession | None = g.get("user_session")
    if row is not None:
        session_store.end(row, session_store.SIGNED_OUT)


def sign_out() -> None:
    """Forget the session in this browser's cookie (after ``end_current`` committed)."""
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
