"""The partial committee's appraisals (đảng ủy bộ phận, where the tree has one between
the branch and the grassroots committee; Hướng dẫn 12-HD/BTCTW, annexed forms), once it
recorded agreeing, with the fields of bpmn/forms/partial_appraisal.json and
recognition_partial_appraisal.json:

- Mẫu 7-KNĐ, its appraisal of the branch's proposal to admit;
- Mẫu 14-KNĐ, its appraisal of the branch's proposal to recognise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...tree import OrgTree
from .bodies import bodies_of
from .bodies import heading as party_heading
from .model import BLANK, Closing, Document, Paragraph, Title, long_date, short_date, text
from .phrases import person


def admission_ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("partial_appraisal_date")) and (
        data.get("partial_appraisal_opinion") == "agree"
    )


def recognition_ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("recognition_partial_date")) and (
        data.get("recognition_partial_opinion") == "agree"
    )


def _partial(tree: OrgTree, data: Mapping[str, Any]):
    branch = data.get("branch")
    return tree.partial_committee_of(branch) if branch and tree.get(branch) else None


def _appraisal(
    tree: OrgTree, data: Mapping[str, Any], *, code: str, slug: str, prefix: str, what: str
) -> Document:
    """One appraisal: ``prefix`` names its fields (partial_appraisal, recognition_partial)
    and ``what`` the branch's proposal it appraised."""
    bodies = bodies_of(tree, data)
    partial = _partial(tree, data)
    issuer = partial.name if partial is not None else BLANK
    day = data.get(f"{prefix}_date")
    return Document(
        code,
        slug,
        party_heading(tree, partial.code if partial else None, None, "BC", day),
        [
            Title(("BÁO CÁO THẨM ĐỊNH", what)),
            Paragraph(
                f"{long_date(day).capitalize()}, {issuer} đã thẩm định nghị quyết của "
                f"{bodies.branch} và hồ sơ của {person(data, bodies)}."
            ),
            Paragraph(f"Nhận xét: {text(data.get(f'{prefix}_note'))}"),
            Paragraph(
                f"{issuer} đồng ý và đề nghị {bodies.grassroots} xem xét, quyết định "
                f"(nghị quyết của chi bộ ngày {short_date(data.get(_branch_date(prefix)))})."
            ),
            Closing(
                ("Nơi nhận:", f"- {bodies.grassroots},", f"- {bodies.branch},", "- Lưu."),
                ("T/M ĐẢNG ỦY BỘ PHẬN", "BÍ THƯ", "(Ký, ghi rõ họ và tên)"),
            ),
        ],
    )


def _branch_date(prefix: str) -> str:
    return "meeting_date" if prefix == "partial_appraisal" else "recognition_meeting_date"


def admission_appraisal(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 7-KNĐ: the partial committee's appraisal of the proposal to admit."""
    return _appraisal(
        tree,
        data,
        code="Mẫu 7-KNĐ",
        slug="mau-7-knd-tham-dinh-dang-uy-bo-phan",
        prefix="partial_appraisal",
        what="đề nghị kết nạp đảng viên",
    )


def recognition_appraisal(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 14-KNĐ: the partial committee's appraisal of the proposal to recognise."""
    return _appraisal(
        tree,
        data,
        code="Mẫu 14-KNĐ",
        slug="mau-14-knd-tham-dinh-cong-nhan",
        prefix="recognition_partial",
        what="đề nghị công nhận đảng viên chính thức",
    )
