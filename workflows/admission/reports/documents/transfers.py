"""The transfer letters (Hướng dẫn 12-HD/BTCTW, annexed forms), printed from the case's
``transfer`` record once a transfer was sent (workflows/admission/transfer.py):

- Mẫu 17A-KNĐ, giấy giới thiệu chuyển hồ sơ: a candidate's dossier goes to another
  branch before admission;
- Mẫu 17B-KNĐ, giấy giới thiệu sinh hoạt đảng: a probationary member's party activity
  moves, and the new branch takes over the recognition.

Which letter is which is our reading of the annex [A]; both are issued in the name of
the sending committee's standing board, signed for it by its organisation board.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...tree import OrgTree
from .bodies import heading as party_heading
from .model import BLANK, Closing, Document, Heading, Paragraph, Title, long_date, text

SENT = frozenset({"pending", "accepted", "done"})


def _record(data: Mapping[str, Any], stage: str) -> dict | None:
    record = data.get("transfer")
    if isinstance(record, dict) and record.get("status") in SENT and record.get("stage") == stage:
        return record
    return None


def dossier_ready(data: Mapping[str, Any]) -> bool:
    return _record(data, "candidate") is not None


def activity_ready(data: Mapping[str, Any]) -> bool:
    return _record(data, "probation") is not None


def _name(tree: OrgTree, code: Any) -> str:
    unit = tree.get(code) if code else None
    return unit.name if unit is not None else BLANK


def _heading(tree: OrgTree, record: Mapping[str, Any]) -> Heading:
    return party_heading(
        tree,
        record.get("from_committee"),
        record.get("letter_number"),
        "GT",
        record.get("requested_on"),
    )


def _closing(tree: OrgTree, record: Mapping[str, Any]) -> Closing:
    return Closing(
        (
            "Nơi nhận:",
            f"- {_name(tree, record.get('to_branch'))},",
            f"- {_name(tree, record.get('to_committee'))},",
            f"- {_name(tree, record.get('from_branch'))},",
            "- Lưu hồ sơ.",
        ),
        ("T/M BAN THƯỜNG VỤ", "TRƯỞNG BAN TỔ CHỨC", "(Ký tên, đóng dấu)"),
    )


def _destination(tree: OrgTree, record: Mapping[str, Any]) -> str:
    """The new branch, with its committee when that is another one."""
    branch = _name(tree, record.get("to_branch"))
    if record.get("to_committee") and record.get("to_committee") != record.get("from_committee"):
        return f"{branch} ({_name(tree, record.get('to_committee'))})"
    return branch


def dossier_letter(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 17A-KNĐ: Giấy giới thiệu chuyển hồ sơ người vào Đảng."""
    record = _record(data, "candidate") or {}
    name = text(data.get("full_name"))
    return Document(
        "Mẫu 17A-KNĐ",
        "mau-17a-knd-chuyen-ho-so",
        _heading(tree, record),
        [
            Title(("GIẤY GIỚI THIỆU", "chuyển hồ sơ người vào Đảng")),
            Paragraph(
                f"{_name(tree, record.get('from_committee'))} trân trọng giới thiệu quần "
                f"chúng {name}, sinh {long_date(data.get('birth_date'))}, đang được "
                f"{_name(tree, record.get('from_branch'))} bồi dưỡng, xem xét kết nạp vào "
                "Đảng,"
            ),
            Paragraph(
                f"chuyển hồ sơ đến {_destination(tree, record)} để tiếp tục bồi dưỡng, xem "
                "xét kết nạp theo quy định."
            ),
            Paragraph(f"Lý do chuyển: {text(record.get('reason'))}"),
            Paragraph(f"Hồ sơ gửi kèm gồm: {BLANK}"),
            Paragraph(
                f"Đề nghị {_name(tree, record.get('to_branch'))} tiếp nhận hồ sơ và phân "
                "công đảng viên chính thức giúp đỡ quần chúng."
            ),
            _closing(tree, record),
        ],
    )


def activity_letter(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 17B-KNĐ: Giấy giới thiệu sinh hoạt đảng của đảng viên dự bị."""
    record = _record(data, "probation") or {}
    name = text(data.get("full_name"))
    return Document(
        "Mẫu 17B-KNĐ",
        "mau-17b-knd-chuyen-sinh-hoat-dang",
        _heading(tree, record),
        [
            Title(("GIẤY GIỚI THIỆU", "chuyển sinh hoạt đảng")),
            Paragraph(
                f"{_name(tree, record.get('from_committee'))} trân trọng giới thiệu đồng "
                f"chí {name}, sinh {long_date(data.get('birth_date'))}, đảng viên dự bị, "
                f"kết nạp vào Đảng {long_date(data.get('ceremony_date'))} tại "
                f"{_name(tree, record.get('from_branch'))},"
            ),
            Paragraph(
                f"chuyển sinh hoạt đảng đến {_destination(tree, record)}. Thời gian dự bị "
                f"của đồng chí kết thúc {long_date(data.get('probation_end'))}; đề nghị chi "
                "bộ nơi đến tiếp tục giúp đỡ, theo dõi và xét công nhận đảng viên chính "
                "thức theo quy định."
            ),
            Paragraph(f"Lý do chuyển: {text(record.get('reason'))}"),
            _closing(tree, record),
        ],
    )
