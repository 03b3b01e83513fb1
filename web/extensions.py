"""What every part of the web layer shares, and nothing else: the request's database
session, the CSRF and Babel extensions, and ``run_operation``. It imports nothing from
``web`` itself, so any module may import it without making a circle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from engine.cases import committing

csrf = CSRFProtect()
babel = Babel()

T = TypeVar("T")


def db() -> Session:
    """The request's database session (one per request; each operation commits its own)."""
    if "db" not in g:
        g.db = current_app.extensions["ketnap_db"]()
    return g.db


def close_session(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def run_operation(operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``operation(session, *args, **kwargs)`` in the request's session and commit.

    On any error the transaction is rolled back, so the case, its inbox rows and its
    audit events stay as they were; engine errors go on to the caller (or to the
    error pages: NotFound 404, Conflict 409, InvalidData 422).
    """
    with committing(db()) as session:
        return operation(session, *args, **kwargs)
