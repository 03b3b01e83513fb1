"""The two documents generated from a case (Hướng dẫn 12-HD/BTCTW, annexed forms):

- Mẫu 6-KNĐ, the branch's resolution proposing the admission, once the branch's vote
  passed (``branch_vote_result == "passed"``);
- Mẫu 9-KNĐ, the upper committee's admission decision, once it decided to admit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...tree import OrgTree
from ...vocabulary import GENDERS
from .bodies import Bodies, bodies_of
from .model import (
    BLANK,
    PARTY,
    Closing,
    Document,
    Heading,
    Paragraph,
    Title,
    long_date,
    percent,
    place_date,
    short_date,
    text,
)

# The rule the decision rests on (procedure.md: it replaced 232-QĐ/TW in 2025).
STATUTE_RULE = (
    "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương "
    "về thi hành Điều lệ Đảng;"
)


def resolution_ready(data: Mapping[str, Any]) -> bool:
    return data.get("branch_vote_result") == "passed" and bool(data.get("meeting_date"))


def decision_ready(data: Mapping[str, Any]) -> bool:
    return data.get("decision") == "admit" and bool(data.get("decision_date"))


def _person(data: Mapping[str, Any], bodies: Bodies) -> str:
    """Who the candidate is, as both documents introduce them."""
    return (
        f"{text(data.get('full_name'))}, sinh {long_date(data.get('birth_date'))}, "
        f"giới tính: {GENDERS.get(str(data.get('gender')), BLANK)}, "
        f"dân tộc: {text(data.get('ethnicity'))}, nơi cư trú: {bodies.residence}"
    )


def _introducers(data: Mapping[str, Any]) -> str:
    names = [text(i.get("name")) for i in data.get("introducers") or [] if isinstance(i, dict)]
    return ", ".join(names) or BLANK


def branch_resolution(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 6-KNĐ: Nghị quyết đề nghị kết nạp đảng viên."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    members = int(data.get("official_members") or 0)
    votes_for, against = int(data.get("votes_for") or 0), int(data.get("votes_against") or 0)
    heading = Heading(
        (
            bodies.branch_parent.upper(),
            bodies.branch.upper(),
            "*",
            f"Số {text(data.get('branch_resolution_number'))}",
        ),
        (PARTY,),
        place_date(bodies.place, data.get("meeting_date")),
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
            Paragraph(
                f"Tổng số đảng viên chính thức của chi bộ: {members} đồng chí. "
                f"Chủ trì hội nghị: {BLANK}; thư ký hội nghị: {BLANK}."
            ),
            Paragraph(
                f"Sau khi xem xét hồ sơ của quần chúng {_person(data, bodies)}, "
                "chi bộ thảo luận và thống nhất kết luận:"
            ),
            Paragraph(
                "1. Ưu, khuyết điểm chính về phẩm chất chính trị, đạo đức, lối sống, năng "
                f"lực công tác, quan hệ quần chúng: {text(data.get('mass_org_opinion'))} "
                f"Ý kiến của chi ủy nơi cư trú: {text(data.get('residence_opinion'))}"
            ),
            Paragraph(f"2. Về lý lịch: {text(data.get('history_conclusion'))}"),
            Paragraph(
                f"3. Người giới thiệu: {_introducers(data)}. Giấy chứng nhận học lớp bồi "
                f"dưỡng nhận thức về Đảng cấp {long_date(data.get('certificate_date'))}."
            ),
            Paragraph(
                f"4. Số đảng viên chính thức tán thành việc kết nạp quần chúng {name} vào "
                f"Đảng là {votes_for}/{members} đồng chí ({percent(votes_for, members)} so "
                f"với tổng số đảng viên chính thức); số không tán thành là {against}/"
                f"{members} đồng chí ({percent(against, members)})."
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


def admission_decision(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 9-KNĐ: Quyết định kết nạp đảng viên."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    grassroots = (
        ""
        if bodies.own_grassroots
        else f", nghị quyết ngày "
        f"{short_date(data.get('grassroots_meeting_date'))} của {bodies.grassroots}"
    )
    heading = Heading(
        (bodies.committee.upper(), "*", f"Số {text(data.get('decision_number'))}"),
        (PARTY,),
        place_date(bodies.place, data.get("decision_date")),
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
            Paragraph(f"{bodies.standing_board.upper()} QUYẾT ĐỊNH", bold=True, center=True),
            Paragraph(
                f"Điều 1. Kết nạp quần chúng {_person(data, bodies)}, vào Đảng Cộng sản Việt Nam."
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
                ("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "(Ký tên, đóng dấu)"),
            ),
        ],
    )
