"""What every part of the web layer shares, and nothing else: the request's database
session, the CSRF and Babel extensions, and ``run_operation``. It imports nothing from
``web`` itself, so any module may import it without making a circle."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from engine.cases import committing

log = logging.getLogger(__name__)
csrf = CSRFProtect()
babel = Babel()

T = TypeVar("T")


def db() -> Session:
    """The request's database session (one per request; each operation commits its own)."""
    if "db" not in g:
        g.db = current_app.extensions["ketnap_db"]()
    return g.db


def close_session(_exc: BaseException | None = None) -> None:
    """End the request's session, if it has one. Never raises (it runs at teardown, after
    the answer was made, and also while an outage is being answered): closing rolls
    back what is still open, and on a connection that died that rollback fails too. The
    connection is then thrown away instead of going back to the pool, and the failure is
    logged; the answer stands."""
    session = g.pop("db", None)
    if session is None:
        return
    try:
        session.close()
    except Exception as err:  # noqa: BLE001  teardown must not turn an answer into a 500
        log.warning(
            "could not close the request's database session",
            extra={"error": f"{type(err).__name__}: {err}"[:300]},
        )
        try:
            session.invalidate()
        except Exception:  # noqa: BLE001  nothing more can be done for a dead connection
            log.warning("could not discard the request's database connection", exc_info=True)


def run_operation(operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``operation(session, *args, **kwargs)`` in the request's session and commit.

    On any error the transaction is rolled back, so the case, its inbox rows and its
    audit events stay as they were; engine errors go on to the caller (or to the
    error pages: NotFound 404, Conflict 409, InvalidData 422; the database failing,
    whatever error it surfaced as: 503, see ``web.errors``).
    """
    with committing(db()) as session:
        return operation(session, *args, **kwargs)
