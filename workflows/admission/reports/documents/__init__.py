"""Official documents generated from a case's data, as PDF and DOCX, one model
(``model.Document``) per form rendered by both.

``KINDS`` names each document by the short code its download URL carries; a document is
offered only once the case holds the data it states (``available``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...tree import OrgTree
from ...vocabulary import N_
from . import forms, partial, proposals, recognition, transfers, verification
from .model import Document


@dataclass(frozen=True)
class Kind:
    title: str
    ready: Callable[[Mapping[str, Any]], bool]
    build: Callable[[OrgTree, Mapping[str, Any]], Document]


# In the procedure's order (the dossier prints them so).
KINDS: dict[str, Kind] = {
    "tham-tra": Kind(
        N_("Công văn đề nghị thẩm tra lý lịch người vào Đảng"),
        verification.ready,
        verification.request_letter,
    ),
    "mau-3": Kind(
        N_("Giấy giới thiệu người vào Đảng (Mẫu 3-KNĐ)"),
        proposals.member_letters_ready,
        proposals.member_letters,
    ),
    "mau-4": Kind(
        N_("Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng (Mẫu 4-KNĐ)"),
        proposals.union_resolution_ready,
        proposals.union_resolution,
    ),
    "mau-5": Kind(
        N_("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (Mẫu 5-KNĐ)"),
        proposals.opinions_ready,
        proposals.opinions_summary,
    ),
    "mau-6": Kind(
        N_("Nghị quyết chi bộ đề nghị kết nạp đảng viên (Mẫu 6-KNĐ)"),
        forms.resolution_ready,
        forms.branch_resolution,
    ),
    "mau-7": Kind(
        N_("Báo cáo thẩm định của đảng ủy bộ phận (Mẫu 7-KNĐ)"),
        partial.admission_ready,
        partial.admission_appraisal,
    ),
    "mau-8": Kind(
        N_("Nghị quyết đảng ủy cơ sở đề nghị kết nạp đảng viên (Mẫu 8-KNĐ)"),
        proposals.grassroots_resolution_ready,
        proposals.grassroots_resolution,
    ),
    "mau-9": Kind(
        N_("Quyết định kết nạp đảng viên (Mẫu 9-KNĐ)"),
        forms.decision_ready,
        forms.admission_decision,
    ),
    "mau-13": Kind(
        N_("Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức (Mẫu 13-KNĐ)"),
        recognition.branch_ready,
        recognition.branch_resolution,
    ),
    "mau-14": Kind(
        N_("Báo cáo thẩm định đề nghị công nhận của đảng ủy bộ phận (Mẫu 14-KNĐ)"),
        partial.recognition_ready,
        partial.recognition_appraisal,
    ),
    "mau-15": Kind(
        N_("Nghị quyết đảng ủy cơ sở đề nghị công nhận đảng viên chính thức (Mẫu 15-KNĐ)"),
        recognition.grassroots_ready,
        recognition.grassroots_resolution,
    ),
    "mau-16": Kind(
        N_("Quyết định công nhận đảng viên chính thức (Mẫu 16-KNĐ)"),
        recognition.decision_ready,
        recognition.recognition_decision,
    ),
    "mau-17a": Kind(
        N_("Giấy giới thiệu chuyển hồ sơ người vào Đảng (Mẫu 17A-KNĐ)"),
        transfers.dossier_ready,
        transfers.dossier_letter,
    ),
    "mau-17b": Kind(
        N_("Giấy giới thiệu chuyển sinh hoạt đảng (Mẫu 17B-KNĐ)"),
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
