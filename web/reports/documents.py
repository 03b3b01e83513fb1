"""The official documents of a case (workflows/admission/reports/documents: the
dossier's Mẫu KNĐ forms, the verification request, the transfer letters) as PDF and
DOCX, for those who may see the case, once its data holds what the document states.
The page routes and the API (web/api/documents.py) share ``offered`` and ``download``."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app
from flask_babel import gettext as _

from engine.attachments import safe_filename, storage_path
from engine.models import Case
from workflows.admission.reports import documents
from workflows.admission.reports.documents import dossier
from workflows.admission.reports.documents.dossier import Scan
from workflows.admission.tree import load_tree

from ..auth.session import login_required
from ..cases import reading
from ..disclosures import disclosed
from ..extensions import db
from ..i18n import format_date
from ..work import visible_case
from . import bp
from .query import file_response

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def offered(case: Case) -> list[tuple[str, str]]:
    """(code, title) of each document the case page offers, in the procedure's order."""
    return [(code, _(documents.KINDS[code].title)) for code in documents.available(case.data or {})]


def download(case_id: int, code: str, fmt: str):
    """Document ``code`` of a case the user sees, as ``fmt``; 404 for a case hidden from
    them, an unknown document or one the case has no data for yet. Audited."""
    case = visible_case(case_id)
    if fmt not in MIMETYPES or code not in documents.available(case.data or {}):
        abort(404)
    body, filename = documents.render(code, fmt, load_tree(db()), case.data)
    disclosed("document_exported", case.id, document=code, format=fmt)
    return file_response(body, MIMETYPES[fmt], filename)


@bp.get("/van-ban/<int:case_id>/<code>.<fmt>")
@login_required
def document(case_id: int, code: str, fmt: str):
    return download(case_id, code, fmt)


def _scans(case: Case) -> list[Scan]:
    """The case's uploaded files whose bytes are on disk, oldest first, with safe names."""
    root = Path(current_app.config["ATTACHMENTS_DIR"])
    scans = []
    for item in reading.attachments(db(), case.id):
        path = storage_path(root, item.sha256)
        if path.is_file():
            scans.append(
                Scan(
                    safe_filename(item.filename, item.content_type),
                    item.content_type,
                    path.read_bytes(),
                    f"{item.uploaded_by}, {format_date(item.uploaded_at)}",
                )
            )
    return scans


DOSSIER_TYPES = {"pdf": "application/pdf", "zip": "application/zip"}


@bp.get("/van-ban/<int:case_id>/toan-bo-ho-so.<any(pdf, zip):fmt>")
@login_required
def whole_dossier(case_id: int, fmt: str):
    """The dossier in one PDF or ZIP: contents page, the forms, the uploaded scans."""
    case = visible_case(case_id)
    data = case.data or {}
    build = dossier.dossier_pdf if fmt == "pdf" else dossier.dossier_zip
    body = build(load_tree(db()), data, _scans(case))
    disclosed("document_exported", case.id, document="dossier", format=fmt)
    return file_response(body, DOSSIER_TYPES[fmt], f"ho-so-ket-nap-{case.id}.{fmt}")
