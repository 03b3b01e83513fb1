"""Cases whose timers fail to fire (engine/timers.py marks them): the list the boards
and auditors read, and the count the case list shows them. Each user sees only the
cases of their units, as everywhere."""

from __future__ import annotations

from flask import abort, current_app, g, render_template, request
from sqlalchemy import func, select, true

from engine.listing import Page, fetch_page
from engine.models import Case

from ..auth.session import login_required
from ..extensions import db
from ..permissions import case_filter, may_see_incidents
from . import bp


def _open_incidents(where):
    """Cases with an incident that the worker still retries (closed ones never are)."""
    return select(Case).where(
        Case.incident_at.is_not(None), Case.status != "closed", true() if where is True else where
    )


def incident_count() -> int:
    """How many of the user's cases have an incident (0 for who may not see the list)."""
    session = db()
    if g.get("user") is None or not may_see_incidents(session, g.user):
        return 0
    where = case_filter(session, g.user)
    if where is None:
        return 0
    return session.execute(
        select(func.count()).select_from(_open_incidents(where).subquery())
    ).scalar_one()


@bp.get("/ho-so/su-co")
@login_required
def incidents():
    session = db()
    if not may_see_incidents(session, g.user):
        abort(404)
    where = case_filter(session, g.user)
    size = current_app.config["PAGE_SIZE"]
    page = (
        fetch_page(
            session,
            _open_incidents(where).order_by(Case.incident_at.desc(), Case.id.desc()),
            request.args.get("page", 1, type=int),
            size,
        )
        if where is not None
        else Page.empty(size)
    )
    return render_template("cases/incidents.html", page=page)


bp.record_once(lambda state: state.app.jinja_env.globals.update(incident_count=incident_count))
