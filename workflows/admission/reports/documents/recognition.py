"""The forms of the recognition as an official member (Hướng dẫn 12-HD/BTCTW, annexed
forms), once each step's vote reached two thirds or the committee recognised:

- Mẫu 13-KNĐ, the branch's resolution proposing the recognition;
- Mẫu 15-KNĐ, the grassroots committee's resolution, where the branch is under one;
- Mẫu 16-KNĐ, the upper committee's recognition decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...tree import OrgTree
from .bodies import bodies_of
from .bodies import heading as party_heading
from .forms import STATUTE_RULE
from .model import Closing, Document, Paragraph, Title, long_date, short_date, text
from .phrases import against_reasons, count, meeting, passed, tally


def branch_ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("recognition_meeting_date")) and passed(
        data, "recognition_votes_for", "recognition_members"
    )


def grassroots_ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("recognition_grassroots_date")) and passed(
        data, "recognition_grassroots_for", "recognition_committee_members"
    )


def decision_ready(data: Mapping[str, Any]) -> bool:
    return data.get("recognition_decision") == "recognise" and bool(
        data.get("recognition_decision_date")
    )


def _member(data: Mapping[str, Any]) -> str:
    """The probationary member, with the dates the recognition rests on."""
    return (
        f"đồng chí {text(data.get('full_name'))}, sinh {long_date(data.get('birth_date'))}, "
        f"kết nạp vào Đảng {long_date(data.get('ceremony_date'))}, hết thời gian dự bị "
        f"{long_date(data.get('probation_end'))}"
    )


def branch_resolution(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 13-KNĐ: Nghị quyết đề nghị công nhận đảng viên chính thức."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    members = count(data, "recognition_members")
    return Document(
        "Mẫu 13-KNĐ",
        "mau-13-knd-nghi-quyet-cong-nhan",
        party_heading(
            tree,
            bodies.codes["branch"],
            data.get("recognition_resolution_number"),
            "NQ",
            data.get("recognition_meeting_date"),
        ),
        [
            Title(("NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức")),
            Paragraph(
                f"{long_date(data.get('recognition_meeting_date')).capitalize()}, "
                f"{bodies.branch} đã họp xét đề nghị công nhận đảng viên chính thức cho "
                f"{_member(data)}."
            ),
            Paragraph(meeting(data, members, "recognition_")),
            Paragraph(
                "1. Nhận xét của đảng viên giúp đỡ (Mẫu 11-KNĐ): "
                f"{text(data.get('helper_assessment'))}"
            ),
            Paragraph(
                "2. Ý kiến nhận xét của các đoàn thể và chi ủy nơi cư trú (Mẫu 12-KNĐ): "
                f"{text(data.get('organisations_opinion'))}"
            ),
            Paragraph(
                "3. Giấy chứng nhận học lớp bồi dưỡng lý luận chính trị dành cho đảng viên "
                f"mới cấp {long_date(data.get('new_member_course_date'))}."
            ),
            Paragraph(
                "4. "
                + tally(
                    data,
                    ("recognition_votes_for", "recognition_votes_against", "recognition_members"),
                    "đảng viên chính thức",
                    f"đề nghị công nhận đồng chí {name} là đảng viên chính thức",
                )
                + against_reasons(data, "recognition_")
            ),
            Paragraph(
                f"Chi bộ đề nghị {bodies.proposes_to} xem xét, công nhận đồng chí {name} là "
                "đảng viên chính thức."
            ),
            Closing(
                ("Nơi nhận:", f"- {bodies.proposes_to},", "- Lưu chi bộ."),
                ("T/M CHI BỘ", "BÍ THƯ", "(Ký, ghi rõ họ và tên)"),
            ),
        ],
    )


def grassroots_resolution(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 15-KNĐ: Nghị quyết của đảng ủy cơ sở đề nghị công nhận đảng viên chính thức."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    return Document(
        "Mẫu 15-KNĐ",
        "mau-15-knd-nghi-quyet-dang-uy-cong-nhan",
        party_heading(
            tree,
            bodies.codes["grassroots"],
            data.get("recognition_grassroots_number"),
            "NQ",
            data.get("recognition_grassroots_date"),
        ),
        [
            Title(("NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức")),
            Paragraph(
                f"{long_date(data.get('recognition_grassroots_date')).capitalize()}, "
                f"{bodies.grassroots} đã họp xét đề nghị của {bodies.branch} (nghị quyết ngày "
                f"{short_date(data.get('recognition_meeting_date'))}) về việc công nhận đảng "
                f"viên chính thức cho {_member(data)}."
            ),
            Paragraph(
                tally(
                    data,
                    (
                        "recognition_grassroots_for",
                        "recognition_grassroots_against",
                        "recognition_committee_members",
                    ),
                    "cấp ủy viên",
                    f"đề nghị công nhận đồng chí {name} là đảng viên chính thức",
                )
            ),
            Paragraph(
                f"Đảng ủy đề nghị {bodies.standing_board} xem xét, quyết định công nhận "
                f"đồng chí {name} là đảng viên chính thức."
            ),
            Closing(
                (
                    "Nơi nhận:",
                    f"- {bodies.standing_board},",
                    f"- {bodies.branch},",
                    "- Lưu đảng ủy.",
                ),
                ("T/M ĐẢNG ỦY", "BÍ THƯ", "(Ký tên, đóng dấu)"),
            ),
        ],
    )


def recognition_decision(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 16-KNĐ: Quyết định công nhận đảng viên chính thức."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    grassroots = (
        ""
        if bodies.own_grassroots
        else f", nghị quyết ngày {short_date(data.get('recognition_grassroots_date'))} "
        f"của {bodies.grassroots}"
    )
    return Document(
        "Mẫu 16-KNĐ",
        "mau-16-knd-quyet-dinh-cong-nhan",
        party_heading(
            tree,
            bodies.codes["committee"],
            data.get("recognition_decision_number"),
            "QĐ",
            data.get("recognition_decision_date"),
        ),
        [
            Title(("QUYẾT ĐỊNH", "công nhận đảng viên chính thức")),
            Paragraph("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"),
            Paragraph(f"- {STATUTE_RULE}"),
            Paragraph(
                f"- Xét nghị quyết ngày {short_date(data.get('recognition_meeting_date'))} "
                f"của {bodies.branch}{grassroots} và đề nghị của {bodies.organisation_board},"
            ),
            Paragraph(f"{bodies.standing_board.upper()} QUYẾT ĐỊNH", bold=True, center=True),
            Paragraph(
                f"Điều 1. Công nhận {_member(data)}, là đảng viên chính thức kể từ "
                f"{long_date(data.get('probation_end'))}."
            ),
            Paragraph(
                f"Điều 2. {bodies.below_committee} và đồng chí {name} chịu trách nhiệm thi "
                "hành Quyết định này."
            ),
            Closing(
                ("Nơi nhận:", "- Như Điều 2,", "- Lưu hồ sơ đảng viên."),
                ("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "(Ký tên, đóng dấu)"),
            ),
        ],
    )
