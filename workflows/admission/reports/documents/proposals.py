"""The forms of the dossier before the branch vote and after it, below the deciding
committee (Hướng dẫn 12-HD/BTCTW, annexed forms):

- Mẫu 3-KNĐ, each member introducer's letter, once the introduction was recorded;
- Mẫu 4-KNĐ, the Youth Union's or Trade Union's introduction resolution, where it
  introduced the candidate;
- Mẫu 5-KNĐ, the branch committee's summary of the mass organisations' and the
  residential branch's opinions, once both were recorded;
- Mẫu 8-KNĐ, the grassroots committee's resolution, where the branch is under one and
  its vote reached two thirds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...kinds import TRADE_UNION, YOUTH_UNION
from ...tree import OrgTree
from .bodies import bodies_of, place_name
from .bodies import heading as party_heading
from .model import (
    BLANK,
    Closing,
    Document,
    Heading,
    Paragraph,
    Title,
    long_date,
    place_date,
    short_date,
    text,
)
from .phrases import passed, person, tally

# The right-hand line of a mass organisation's heading, instead of the Party's.
MOTTOS = {
    YOUTH_UNION: ("ĐOÀN TNCS HỒ CHÍ MINH",),
    TRADE_UNION: ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
}
ORGANISATION_NAMES = {YOUTH_UNION: "Đoàn", TRADE_UNION: "Công đoàn"}
MEMBER_NAMES = {YOUTH_UNION: "đoàn viên", TRADE_UNION: "đoàn viên công đoàn"}


def _introducers(data: Mapping[str, Any], kinds: set[str]) -> list[dict]:
    return [
        i for i in data.get("introducers") or [] if isinstance(i, dict) and i.get("kind") in kinds
    ]


def member_letters_ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("introduction_date")) and bool(_introducers(data, {"member"}))


def union_resolution_ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("introduction_date")) and bool(
        _introducers(data, {YOUTH_UNION, TRADE_UNION})
    )


def opinions_ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("mass_org_opinion")) and bool(data.get("residence_opinion"))


def grassroots_resolution_ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("grassroots_meeting_date")) and passed(
        data, "grassroots_votes_for", "committee_members"
    )


def member_letters(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 3-KNĐ: Giấy giới thiệu người vào Đảng, one letter per member introducer."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    blocks: list = []
    for index, introducer in enumerate(_introducers(data, {"member"})):
        months = introducer.get("months_known")
        blocks += [
            Title(("GIẤY GIỚI THIỆU", "người vào Đảng") if index == 0 else ("",)),
            Paragraph(
                f"Tôi là: {text(introducer.get('name'))}, đảng viên chính thức, sinh hoạt "
                f"tại {bodies.branch}."
            ),
            Paragraph(
                f"Tôi đã cùng công tác, học tập, sinh sống với quần chúng {name} "
                f"{text(months)} tháng, nay giới thiệu với chi bộ quần chúng "
                f"{person(data, bodies)}, vào Đảng Cộng sản Việt Nam."
            ),
            Paragraph(
                "Những ưu điểm, khuyết điểm chính về phẩm chất chính trị, đạo đức, lối "
                f"sống, năng lực công tác, quan hệ quần chúng: {BLANK}"
            ),
            Paragraph("Tôi xin chịu trách nhiệm trước Đảng về sự giới thiệu của tôi."),
            Closing((), ("NGƯỜI GIỚI THIỆU", "", "(Ký, ghi rõ họ và tên)", "")),
        ]
    return Document(
        "Mẫu 3-KNĐ",
        "mau-3-knd-giay-gioi-thieu",
        party_heading(tree, bodies.codes["branch"], "", "", data.get("introduction_date")),
        blocks,
    )


def _union_heading(tree: OrgTree, data: Mapping[str, Any], kind: str) -> Heading:
    """A Youth Union's or Trade Union's heading: its own line on the right (ĐOÀN TNCS HỒ
    CHÍ MINH), on the left the union at the deciding committee's level (Thành đoàn) above
    the proposing unit, dated at that committee's place."""
    code = data.get("proposer_unit")
    unit = tree.get(code) if code else None
    branch = data.get("branch")
    committee = tree.deciding_committee_of(branch) if branch and tree.get(branch) else None
    upper = tree.child_of_kind(committee.code, kind) if committee is not None else None
    place = place_name(committee.name) if committee is not None else BLANK
    return Heading(
        upper.name.upper() if upper is not None and upper != unit else "",
        unit.name.upper() if unit is not None else BLANK,
        f"Số {BLANK}-NQ/{'ĐTN' if kind == YOUTH_UNION else 'CĐ'}",
        place_date(place, data.get("introduction_date")),
        MOTTOS[kind],
    )


def union_resolution(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 4-KNĐ: Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng (Youth Union) or
    giới thiệu đoàn viên công đoàn ưu tú (Trade Union)."""
    bodies = bodies_of(tree, data)
    committee = _introducers(data, {YOUTH_UNION, TRADE_UNION})[0]
    kind = str(committee.get("kind"))
    union, member = ORGANISATION_NAMES[kind], MEMBER_NAMES[kind]
    name = text(data.get("full_name"))
    return Document(
        "Mẫu 4-KNĐ",
        "mau-4-knd-nghi-quyet-gioi-thieu",
        _union_heading(tree, data, kind),
        [
            Title(("NGHỊ QUYẾT", f"giới thiệu {member} ưu tú vào Đảng")),
            Paragraph(
                f"{long_date(data.get('introduction_date')).capitalize()}, "
                f"{text(committee.get('name'))} đã họp xét, giới thiệu {member} {name} vào "
                "Đảng Cộng sản Việt Nam."
            ),
            Paragraph(
                f"Tổng số ủy viên Ban Chấp hành: {text(data.get('union_committee_members'))}."
            ),
            Paragraph(
                f"Sau khi xem xét, Ban Chấp hành thống nhất giới thiệu {person(data, bodies)}."
            ),
            Paragraph(
                "Ưu, khuyết điểm chính về phẩm chất chính trị, đạo đức, lối sống, năng lực "
                f"công tác, quan hệ quần chúng: {text(data.get('mass_org_opinion'))}"
            ),
            Paragraph(
                tally(
                    data,
                    ("union_votes_for", "union_votes_against", "union_committee_members"),
                    "ủy viên Ban Chấp hành",
                    f"giới thiệu {member} {name} vào Đảng",
                )
                if data.get("union_committee_members")
                else f"Số ủy viên Ban Chấp hành tán thành: {BLANK}; không tán thành: {BLANK}."
            ),
            Paragraph(f"Đề nghị {bodies.branch} xem xét, kết nạp {member} {name} vào Đảng."),
            Closing(
                ("Nơi nhận:", f"- {bodies.branch},", f"- Lưu {union.lower()}."),
                (
                    "T/M BAN CHẤP HÀNH",
                    "BÍ THƯ" if kind == YOUTH_UNION else "CHỦ TỊCH",
                    "(Ký, ghi rõ họ và tên)",
                ),
            ),
        ],
    )


def opinions_summary(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 5-KNĐ: Tổng hợp ý kiến nhận xét của đoàn thể chính trị - xã hội nơi làm việc
    và chi ủy nơi cư trú đối với người xin vào Đảng."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    last = max(
        str(data.get("mass_org_opinion_date") or ""), str(data.get("residence_opinion_date") or "")
    )
    return Document(
        "Mẫu 5-KNĐ",
        "mau-5-knd-tong-hop-y-kien",
        party_heading(tree, bodies.codes["branch"], "", "", last or None),
        [
            Title(
                (
                    "TỔNG HỢP Ý KIẾN NHẬN XÉT",
                    "của đoàn thể chính trị - xã hội nơi làm việc và chi ủy nơi cư trú",
                    "đối với người xin vào Đảng",
                )
            ),
            Paragraph(
                f"Chi ủy {bodies.branch} đã tổng hợp ý kiến nhận xét đối với quần chúng "
                f"{person(data, bodies)}, như sau:"
            ),
            Paragraph(
                "1. Ý kiến nhận xét của đoàn thể chính trị - xã hội nơi làm việc (ngày "
                f"{short_date(data.get('mass_org_opinion_date'))}): "
                f"{text(data.get('mass_org_opinion'))}"
            ),
            Paragraph(
                f"2. Ý kiến nhận xét của chi ủy nơi cư trú ({bodies.residence}, ngày "
                f"{short_date(data.get('residence_opinion_date'))}): "
                f"{text(data.get('residence_opinion'))}"
            ),
            Paragraph(
                f"Chi ủy báo cáo chi bộ xem xét khi biểu quyết đề nghị kết nạp quần chúng {name}."
            ),
            Closing(
                ("Nơi nhận:", "- Chi bộ,", "- Lưu hồ sơ."),
                ("T/M CHI ỦY", "BÍ THƯ", "(Ký, ghi rõ họ và tên)"),
            ),
        ],
    )


def grassroots_resolution(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Mẫu 8-KNĐ: Nghị quyết của đảng ủy cơ sở đề nghị kết nạp đảng viên."""
    bodies = bodies_of(tree, data)
    name = text(data.get("full_name"))
    return Document(
        "Mẫu 8-KNĐ",
        "mau-8-knd-nghi-quyet-dang-uy",
        party_heading(
            tree,
            bodies.codes["grassroots"],
            data.get("grassroots_resolution_number"),
            "NQ",
            data.get("grassroots_meeting_date"),
        ),
        [
            Title(("NGHỊ QUYẾT", "đề nghị kết nạp đảng viên")),
            Paragraph(
                f"{long_date(data.get('grassroots_meeting_date')).capitalize()}, "
                f"{bodies.grassroots} đã họp xét đề nghị của {bodies.branch} (Nghị quyết số "
                f"{text(data.get('branch_resolution_number'))} ngày "
                f"{short_date(data.get('meeting_date'))}) về việc kết nạp quần chúng {name} "
                "vào Đảng."
            ),
            Paragraph(
                f"Sau khi xem xét hồ sơ của quần chúng {person(data, bodies)}, đảng ủy kết luận:"
            ),
            Paragraph(f"1. Về lý lịch: {text(data.get('history_conclusion'))}"),
            Paragraph(
                "2. "
                + tally(
                    data,
                    ("grassroots_votes_for", "grassroots_votes_against", "committee_members"),
                    "cấp ủy viên",
                    f"việc kết nạp quần chúng {name} vào Đảng",
                )
            ),
            Paragraph(
                f"Đảng ủy đề nghị {bodies.standing_board} xem xét, quyết định kết "
                f"nạp quần chúng {name} vào Đảng Cộng sản Việt Nam."
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
