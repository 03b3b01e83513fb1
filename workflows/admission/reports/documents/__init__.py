"""Official documents generated from a case's data, as PDF and DOCX.

``KINDS`` names each document by the short code its download URL carries; a document is
offered only once the case holds the data it states (``available``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...tree import OrgTree
from . import forms, transfers
from .model import Document


@dataclass(frozen=True)
class Kind:
    title: str
    ready: Callable[[Mapping[str, Any]], bool]
    build: Callable[[OrgTree, Mapping[str, Any]], Document]


KINDS: dict[str, Kind] = {
    "mau-6": Kind(
        "Nghị quyết đề nghị kết nạp đảng viên (Mẫu 6-KNĐ)",
        forms.resolution_ready,
        forms.branch_resolution,
    ),
    "mau-9": Kind(
        "Quyết định kết nạp đảng viên (Mẫu 9-KNĐ)", forms.decision_ready, forms.admission_decision
    ),
    "mau-17a": Kind(
        "Giấy giới thiệu chuyển hồ sơ người vào Đảng (Mẫu 17A-KNĐ)",
        transfers.dossier_ready,
        transfers.dossier_letter,
    ),
    "mau-17b": Kind(
        "Giấy giới thiệu chuyển sinh hoạt đảng (Mẫu 17B-KNĐ)",
        transfers.activity_ready,
        transfers.activity_letter,
    ),
}
FORMATS = ("pdf", "docx")


def available(data: Mapping[str, Any]) -> list[str]:
    """The kinds of document the case's data already supports."""
    return [code for code, kind in KINDS.items() if kind.ready(data)]


def render(code: str, fmt: str, tree: OrgTree, data: Mapping[str, Any]) -> tuple[bytes, str]:
    """The document ``code`` as ``fmt`` bytes, with its file name."""
    document = KINDS[code].build(tree, data)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(document), f"{document.slug}.pdf"
    from .word import render_docx

    return render_docx(document), f"{document.slug}.docx"
