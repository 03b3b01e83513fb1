"""The case list, the case page and attachment downloads. The task page and the
nomination form live in their own modules and add their routes to the same blueprint."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, g, render_template, request, send_file
from sqlalchemy import select, true

from engine.attachments import safe_filename, storage_path
from engine.listing import Page, fetch_page, folded_search
from engine.models import Attachment, Case
from workflows.admission.vocabulary import CATEGORIES

from ..auth.session import login_required
from ..disclosures import disclosed
from ..downloads import content_disposition
from ..extensions import db
from ..labels import CASE_STATUSES, label
from ..permissions import case_filter, proposing_units
from ..reports.documents import offered as offered_documents
from ..work import visible_case
from . import bp, reading
from .actions import case_actions
from .history import case_history

FILTERS = ("q", "status", "category")


def _case_page(where) -> Page:
    args = request.args
    stmt = select(Case).where(true() if where is True else where)
    if args.get("status") in CASE_STATUSES:
        stmt = stmt.where(Case.status == args["status"])
    if args.get("category") in CATEGORIES:
        stmt = stmt.where(Case.category == args["category"])
    found = folded_search(Case.search_key, args.get("q", ""))
    if found is not None:
        stmt = stmt.where(found)
    return fetch_page(
        db(),
        stmt.order_by(Case.updated_at.desc(), Case.id.desc()),
        args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )


@bp.get("/ho-so")
@login_required
def index():
    where = case_filter(db(), g.user)
    page = _case_page(where) if where is not None else Page.empty(current_app.config["PAGE_SIZE"])
    params = {key: request.args[key] for key in FILTERS if request.args.get(key)}
    return render_template(
        "cases/list.html",
        page=page,
        params=params,
        # The filters' choices, as (code, shown name) pairs.
        statuses=[(code, label(CASE_STATUSES, code)) for code in CASE_STATUSES],
        categories=[(code, label(CATEGORIES, code)) for code in CATEGORIES],
        can_start=bool(proposing_units(db(), g.user)),
    )


@bp.get("/ho-so/<int:case_id>")
@login_required
def show(case_id: int):
    session = db()
    case = visible_case(case_id)
    done = reading.case_items(session, case.id, "completed")
    open_items = reading.case_items(session, case.id, "open")
    return render_template(
        "cases/case.html",
        case=case,
        open_items=open_items,
        done=done,
        timers=reading.waiting_timers(session, case),
        history=case_history(session, case, [*done, *open_items]),
        attachments=reading.attachments(session, case.id),
        comments=reading.comments(session, case.id),
        documents=offered_documents(case),
        **case_actions(case),
    )


@bp.get("/ho-so/<int:case_id>/tep/<int:attachment_id>")
@login_required
def download(case_id: int, attachment_id: int):
    case = visible_case(case_id)
    item = db().get(Attachment, attachment_id)
    if item is None or item.case_id != case.id:
        abort(404)
    path = storage_path(Path(current_app.config["ATTACHMENTS_DIR"]), item.sha256)
    if not path.is_file():
        abort(404)
    # The name is made safe again: rows stored before names were sanitised keep theirs.
    name = safe_filename(item.filename, item.content_type)
    disclosed("attachment_downloaded", case.id, attachment=item.id, filename=name)
    # Always a download, with the type sniffed at upload: never rendered in our origin.
    response = send_file(path, mimetype=item.content_type, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(name)
    # Personal documents: no copy in shared caches or in the browser's.
    response.headers["Cache-Control"] = "private, no-store"
    return response
