"""The two documents generated from a case (Hướng dẫn 12-HD/BTCTW, annexed forms):

- Mẫu 6-KNĐ, the branch's resolution proposing the admission, once the branch's vote
  passed (``branch_vote_result == "passed"``);
- Mẫu 9-KNĐ, the upper committee's admission decision, once it decided to admit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...tree import OrgTree
from .bodies import bodies_of
from .bodies import heading as party_heading
from .model import (
    Closing,
    Document,
    Paragraph,
    Title,
    long_date,
    short_date,
    text,
)
from .phrases import against_reasons, count, introducer_names, meeting, person, tally

# The rule the decision rests on (procedure.md: it replaced 232-QĐ/TW in 2025).
STATUTE_RULE = (
    "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương "
    "về thi hành Điều lệ Đảng;"
)


def resolution_ready(data: Mapping[str, Any]) -> bool:
    return data.get("branch_vote_result") == "passed" and bool(data.get("meeting_date"))


def decision_ready(data: Mapping[str, Any]) -> bool:
    return data.get("decision") == "admit" and bool(data.get("decision_date"))


def branch_resolution(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 6-KNĐ: Nghị quyết đề nghị kết nạp đảng viên."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    members = count(data, "official_members")
    heading = party_heading(
        tree,
        bodies.codes["branch"],
        data.get("branch_resolution_number"),
        "NQ",
        data.get("meeting_date"),
    )
    return Document(
        "Mẫu 6-KNĐ",
        "mau-6-knd-nghi-quyet-chi-bo",
        heading,
        [
            Title(("NGHỊ QUYẾT", "đề nghị kết nạp đảng viên")),
            Paragraph(
                f"{long_date(data.get('meeting_date')).capitalize()}, {bodies.branch} đã họp "
                f"để xét đề nghị kết nạp quần chúng {name} vào Đảng Cộng sản Việt Nam."
            ),
            Paragraph(meeting(data, members, "")),
            Paragraph(
                f"Sau khi xem xét hồ sơ của quần chúng {person(data, bodies)}, "
                "chi bộ thảo luận và thống nhất kết luận:"
            ),
            Paragraph(
                "1. Ưu, khuyết điểm chính về phẩm chất chính trị, đạo đức, lối sống, năng "
                f"lực công tác, quan hệ quần chúng: {text(data.get('mass_org_opinion'))} "
                f"Ý kiến của chi ủy nơi cư trú: {text(data.get('residence_opinion'))}"
            ),
            Paragraph(f"2. Về lý lịch: {text(data.get('history_conclusion'))}"),
            Paragraph(
                f"3. Người giới thiệu: {introducer_names(data)}. Giấy chứng nhận học lớp bồi "
                f"dưỡng nhận thức về Đảng cấp {long_date(data.get('certificate_date'))}."
            ),
            Paragraph(
                "4. "
                + tally(
                    data,
                    ("votes_for", "votes_against", "official_members"),
                    "đảng viên chính thức",
                    f"việc kết nạp quần chúng {name} vào Đảng",
                )
                + against_reasons(data, "")
            ),
            Paragraph(
                f"Chi bộ đề nghị {bodies.proposes_to} xem xét, kết nạp quần chúng {name} "
                "vào Đảng Cộng sản Việt Nam."
            ),
            Closing(
                ("Nơi nhận:", f"- {bodies.proposes_to},", "- Lưu chi bộ."),
                ("T/M CHI BỘ", "BÍ THƯ", "(Ký, ghi rõ họ và tên)"),
            ),
        ],
    )


def _committee_vote(data: Mapping[str, Any]) -> list[Paragraph]:
    """The vote an authorised committee decided by (committee_decision.json's fields)."""
    if not data.get("decision_members"):
        return []
    return [
        Paragraph(
            "- "
            + tally(
                data,
                ("decision_votes_for", "decision_votes_against", "decision_members"),
                "cấp ủy viên",
                "việc kết nạp",
            )
        )
    ]


def admission_decision(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 9-KNĐ: Quyết định kết nạp đảng viên: by the standing board of the upper
    committee, or by an authorised grassroots committee as a whole, by its vote."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    by_vote = bool(data.get("decision_members"))
    decider = bodies.committee if by_vote else bodies.standing_board
    signs_for = "T/M ĐẢNG ỦY" if by_vote else "T/M BAN THƯỜNG VỤ"
    grassroots = (
        ""
        if bodies.own_grassroots
        else f", nghị quyết ngày "
        f"{short_date(data.get('grassroots_meeting_date'))} của {bodies.grassroots}"
    )
    heading = party_heading(
        tree,
        bodies.codes["committee"],
        data.get("decision_number"),
        "QĐ",
        data.get("decision_date"),
    )
    return Document(
        "Mẫu 9-KNĐ",
        "mau-9-knd-quyet-dinh-ket-nap",
        heading,
        [
            Title(("QUYẾT ĐỊNH", "kết nạp đảng viên")),
            Paragraph("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"),
            Paragraph(f"- {STATUTE_RULE}"),
            Paragraph(
                f"- Xét Nghị quyết số {text(data.get('branch_resolution_number'))} ngày "
                f"{short_date(data.get('meeting_date'))} của {bodies.branch}{grassroots} "
                "và kết quả thẩm định ngày "
                f"{short_date(data.get('appraisal_date'))} của {bodies.organisation_board},"
            ),
            *_committee_vote(data),
            Paragraph(f"{decider.upper()} QUYẾT ĐỊNH", bold=True, center=True),
            Paragraph(
                f"Điều 1. Kết nạp quần chúng {person(data, bodies)}, vào Đảng Cộng sản Việt Nam."
            ),
            Paragraph(
                f"Điều 2. Thời gian dự bị của đồng chí {name} là 12 tháng, kể từ ngày chi "
                "bộ tổ chức lễ kết nạp."
            ),
            Paragraph(
                f"Điều 3. {bodies.below_committee} và đồng chí {name} chịu "
                "trách nhiệm thi hành Quyết định này."
            ),
            Closing(
                ("Nơi nhận:", "- Như Điều 3,", "- Lưu hồ sơ đảng viên."),
                (signs_for, "BÍ THƯ", "(Ký tên, đóng dấu)"),
            ),
        ],
    )
