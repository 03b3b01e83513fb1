"""The official documents of a case (Mẫu 6-KNĐ, 9-KNĐ, the transfer letters
17A/17B-KNĐ) as PDF and DOCX, for those who may see the case, once its data holds what
the document states."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from engine.models import Case
from workflows.admission.reports import documents
from workflows.admission.tree import load_tree

from ..auth.session import login_required
from ..disclosures import disclosed
from ..extensions import db
from ..i18n import N_
from ..work import visible_case
from . import bp
from .query import file_response

TITLES = {
    "mau-6": N_("Nghị quyết chi bộ đề nghị kết nạp đảng viên (Mẫu 6-KNĐ)"),
    "mau-9": N_("Quyết định kết nạp đảng viên (Mẫu 9-KNĐ)"),
    "mau-17a": N_("Giấy giới thiệu chuyển hồ sơ người vào Đảng (Mẫu 17A-KNĐ)"),
    "mau-17b": N_("Giấy giới thiệu chuyển sinh hoạt đảng (Mẫu 17B-KNĐ)"),
}
MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def offered(case: Case) -> list[tuple[str, str]]:
    """(code, title) of each document the case page offers."""
    return [(code, _(TITLES[code])) for code in documents.available(case.data or {})]


@bp.get(
    "/van-ban/<int:case_id>/<any('mau-6', 'mau-9', 'mau-17a', 'mau-17b'):code>.<any(pdf, docx):fmt>"
)
@login_required
def document(case_id: int, code: str, fmt: str):
    case = visible_case(case_id)
    if code not in documents.available(case.data or {}):
        abort(404)
    body, filename = documents.render(code, fmt, load_tree(db()), case.data)
    disclosed("document_exported", case.id, document=code, format=fmt)
    return file_response(body, MIMETYPES[fmt], filename)
