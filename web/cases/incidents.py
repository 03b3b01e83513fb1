"""Cases whose timers fail to fire or whose connector calls fail (engine/timers.py and
engine/connectors.py mark them): the list the boards and auditors read, the count the
case list shows them, and the retry of a failed connector call from the case page.
Each user sees only the cases of their units, as everywhere."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, true

from engine import cases
from engine.connectors import is_connector_incident
from engine.errors import Conflict
from engine.listing import Page, fetch_page
from engine.models import Case

from ..auth.session import actor, login_required
from ..extensions import db, run_operation
from ..permissions import case_filter, may_retry, may_see_incidents
from ..work import visible_case
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


def retry_offered(case: Case) -> bool:
    """Whether the case page offers to retry now: a connector's incident, for who may."""
    return (
        is_connector_incident(case.incident)
        and case.status in ("active", "waiting")
        and may_retry(db(), g.user, case)
    )


@bp.post("/ho-so/<int:case_id>/thu-lai")
@login_required
def retry(case_id: int):
    """Call the failed connectors of the case again, now. 404 for a case the user may
    not see, 403 for who sees it but may not, 409 when no call of it failed."""
    case = visible_case(case_id)
    if not may_retry(db(), g.user, case):
        abort(403)
    try:
        done = run_operation(cases.retry_connectors, case.id, actor())
    except Conflict:
        abort(409)
    if done.incident:
        flash(_("Đã thử lại nhưng vẫn lỗi: %(error)s", error=done.incident), "warning")
    else:
        flash(_("Đã thử lại thành công; hồ sơ tiếp tục."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


bp.record_once(
    lambda state: state.app.jinja_env.globals.update(
        incident_count=incident_count, retry_offered=retry_offered
    )
)
