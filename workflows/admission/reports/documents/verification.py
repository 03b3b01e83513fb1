"""The request for background verification (công văn đề nghị thẩm tra lý lịch người vào
Đảng), once the grassroots committee recorded sending it (``verification_sent_date``):
one letter naming every relative to verify, addressed to each place, the ward
committees of the tree and the bodies outside it the application names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...tree import OrgTree
from .bodies import bodies_of
from .bodies import heading as party_heading
from .model import BLANK, Closing, Document, Paragraph, Title, text
from .phrases import person

RELATIONS = {
    "father": "cha đẻ",
    "mother": "mẹ đẻ",
    "carer": "người trực tiếp nuôi dưỡng",
    "father_in_law": "cha vợ (chồng)",
    "mother_in_law": "mẹ vợ (chồng)",
    "spouse": "vợ (chồng)",
    "child": "con đẻ",
}


def ready(data: Mapping[str, Any]) -> bool:
    return bool(data.get("verification_sent_date")) and bool(_to_verify(data))


def _to_verify(data: Mapping[str, Any]) -> list[dict]:
    """The relatives verification asks about: not those who are members themselves."""
    relatives = data.get("relatives") or []
    return [r for r in relatives if isinstance(r, dict) and not r.get("party_member")]


def _place(tree: OrgTree, relative: Mapping[str, Any]) -> str:
    code = relative.get("place_unit")
    if code and tree.get(code):
        ward = tree.ward_committee_of(code)
        return (ward or tree.unit(code)).name
    return text(relative.get("place_outside"))


def request_letter(tree: OrgTree, data: Mapping[str, Any]) -> Document:
    """Công văn đề nghị thẩm tra lý lịch người vào Đảng."""
    bodies = bodies_of(tree, data)
    relatives = _to_verify(data)
    places = list(dict.fromkeys(_place(tree, r) for r in relatives))
    sender = bodies.codes["grassroots"] or bodies.codes["branch"]
    return Document(
        "Công văn thẩm tra lý lịch",
        "cong-van-tham-tra-ly-lich",
        party_heading(
            tree, sender, data.get("verification_letter"), "CV", data.get("verification_sent_date")
        ),
        [
            Title(("CÔNG VĂN", "đề nghị thẩm tra lý lịch người vào Đảng")),
            Paragraph("Kính gửi: " + "; ".join(places or [BLANK]) + ".", bold=True),
            Paragraph(
                f"{bodies.proposes_to} đang xem xét kết nạp vào Đảng quần chúng "
                f"{person(data, bodies)}, đang sinh hoạt tại {bodies.branch}."
            ),
            Paragraph(
                "Đề nghị các đồng chí thẩm tra, xác minh và cho ý kiến về lý lịch của những "
                "người thân sau đây của quần chúng:"
            ),
            *(
                Paragraph(
                    f"- {text(r.get('full_name'))}, {RELATIONS.get(str(r.get('relation')), BLANK)}"
                    f", nơi cư trú: {_place(tree, r)};"
                )
                for r in relatives
            ),
            Paragraph(
                "Nội dung thẩm tra: lịch sử chính trị, chấp hành chủ trương, đường lối của "
                "Đảng, chính sách, pháp luật của Nhà nước và quy định nơi cư trú. Kết quả "
                f"xin gửi về {bodies.proposes_to}."
            ),
            Closing(
                ("Nơi nhận:", "- Như trên,", f"- {bodies.branch},", "- Lưu hồ sơ."),
                (
                    "T/M CHI ỦY" if bodies.own_grassroots else "T/M ĐẢNG ỦY",
                    "BÍ THƯ",
                    "(Ký tên, đóng dấu)",
                ),
            ),
        ],
    )
