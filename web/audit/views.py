"""Auditor pages: every one is a GET; the only thing they write is the audit event that
says an export was taken (who took which data out is itself part of the history)."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _

from engine import audit
from engine.listing import fetch_page
from workflows.admission.tree import load_tree
from workflows.admission.vocabulary import OUTCOMES

from ..auth.session import login_required, role_required
from ..disclosures import disclosed
from ..downloads import content_disposition
from ..extensions import db
from ..i18n import format_datetime
from ..labels import CASE_STATUSES, label, unit_name
from ..work import visible_case
from . import bp, pdf, records, search, tables


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": content_disposition(filename)},
    )


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


@bp.get("/")
@role_required("auditor")
def index():
    params = {k: request.args[k] for k in search.FILTERS if request.args.get(k)}
    page = fetch_page(
        db(),
        search.query(request.args),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "audit/search.html",
        page=page,
        params=params,
        steps=search.steps(db()),
        units=[(u.code, u.name) for u in load_tree(db()).walk()],
        outcomes=[(code, label(OUTCOMES, code)) for code in OUTCOMES],
    )


@bp.get("/tim-kiem.csv")
@role_required("auditor")
def search_csv():
    header = [
        _("Số hồ sơ"),
        _("Người vào Đảng"),
        _("Đơn vị phụ trách"),
        _("Trạng thái"),
        _("Kết quả"),
        _("Mở lúc (giờ Việt Nam)"),
        _("Kết thúc lúc (giờ Việt Nam)"),
    ]
    body = search.as_csv(
        db(),
        search.query(request.args),
        header,
        lambda case: [
            case.id,
            case.title,
            unit_name(case.unit),
            label(CASE_STATUSES, case.status),
            label(OUTCOMES, case.outcome),
            format_datetime(case.created_at),
            format_datetime(case.closed_at),
        ],
    )
    disclosed(
        "search_exported",
        filters={k: request.args[k] for k in search.FILTERS if request.args.get(k)},
    )
    return _download(body, "text/csv; charset=utf-8", "ho-so.csv")


@bp.get("/ho-so/<int:case_id>")
@role_required("auditor")
def case(case_id: int):
    found = visible_case(case_id)
    return render_template("audit/case.html", case=found, entries=records.timeline(db(), found))


HISTORY_FORMATS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def _history_body(fmt: str, case, entries: list[records.Entry]) -> str | bytes:
    if fmt == "pdf":
        return pdf.render(case, entries)
    if fmt == "csv":
        return tables.csv_text(tables.history_header(), tables.history_rows(entries))
    return _json(records.history_export(case, entries))


@bp.get("/ho-so/<int:case_id>/nhat-ky.<fmt>")
@role_required("auditor")
def history_file(case_id: int, fmt: str):
    """The case history as a PDF (to print and sign), CSV (to sort and count, with the
    fields' labels and values as on the page) or JSON (to process, with the codes)."""
    if fmt not in HISTORY_FORMATS:
        abort(404)
    found = visible_case(case_id)
    entries = records.timeline(db(), found)
    body = _history_body(fmt, found, entries)
    disclosed("history_exported", case_id, format=fmt)
    return _download(body, HISTORY_FORMATS[fmt], f"nhat-ky-ho-so-{case_id}.{fmt}")


@bp.get("/ho-so/<int:case_id>/du-lieu.zip")
@login_required
def case_data(case_id: int):
    """Everything the case holds about the candidate, as one file, for anyone who may see
    the case: its data, tasks, comments and history as JSON, and the attached files."""
    found = visible_case(case_id)
    export = records.case_export(db(), found)
    body = records.case_archive(export, Path(current_app.config["ATTACHMENTS_DIR"]))
    disclosed("case_exported", case_id, format="zip")
    return _download(body, "application/zip", f"ho-so-{case_id}.zip")


@bp.get("/chuoi-nhat-ky")
@role_required("auditor")
def chain():
    # A session of its own: verify expunges as it walks, which would detach g.user. The
    # request's transaction ends first, as on SQLite it holds the lock the walk would wait on.
    db().commit()
    with current_app.extensions["ketnap_db"]() as session:
        broken = audit.verify(session)
    return render_template("audit/chain.html", broken=broken)
