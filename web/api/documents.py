"""A case's generated documents: what is available, and each as PDF or DOCX.

The same documents as the case page offers (web/reports/documents.py), to the same
people: a case the caller may not see, or a document its data does not support yet,
answers 404. Each download is recorded in the audit log (`document_exported`)."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for

from ..reports.documents import download, offered
from ..work import visible_case
from .base import api_blueprint, id_rule

blp = api_blueprint(
    "api_documents", "/cases", "Documents (văn bản): the forms generated from a case's data."
)
ID = id_rule("case_id")


class DocumentSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "the form's code, as in its URL (mau-6)"})
    title = ma.fields.String()
    pdf = ma.fields.String(metadata={"description": "where to download it as PDF"})
    docx = ma.fields.String(metadata={"description": "where to download it as DOCX"})


@blp.route(f"/{ID}/documents")
@blp.response(200, DocumentSchema(many=True))
def list_documents(case_id: int):
    """The documents the case's data already supports, in the procedure's order."""
    case = visible_case(case_id)
    return [
        {
            "code": code,
            "title": title,
            **{
                fmt: url_for("api_documents.get_document", case_id=case.id, code=code, fmt=fmt)
                for fmt in ("pdf", "docx")
            },
        }
        for code, title in offered(case)
    ]


@blp.route(f"/{ID}/documents/<string:code>.<any(pdf, docx):fmt>")
@blp.response(200, content_type="application/pdf")
def get_document(case_id: int, code: str, fmt: str):
    """One document as PDF or DOCX (an attachment); audited."""
    return download(case_id, code, fmt)
