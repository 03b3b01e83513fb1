"""The transfer letters (Mẫu 17A-KNĐ for a dossier, 17B-KNĐ for a probationary member's
party activity), printed from the case's transfer record in DOCX and PDF."""

from __future__ import annotations

import pytest

from tests.support.pdf import pdf_characters, pdf_text
from workflows.admission.orgs import OrgTree, parse_tree, read_tree_file
from workflows.admission.reports import documents

from ..support.second_committee import SECOND_COMMITTEE
from .conftest import DEMO
from .test_reports_documents import PERSON, docx_text

SENT = {
    "from_branch": "THPT-TP",
    "to_branch": "THPT-BL",
    "from_committee": "TU-DL",
    "to_committee": "TU-BL",
    "stage": "candidate",
    "reason": "Gia đình chuyển đến Bảo Lộc.",
    "requested_on": "2025-09-08",
    "status": "pending",
}


@pytest.fixture(scope="module")
def tree():
    return OrgTree(read_tree_file(DEMO) + parse_tree(SECOND_COMMITTEE, "yaml"))


def test_a_letter_is_offered_once_a_transfer_was_sent_and_not_refused():
    assert documents.available(PERSON) == []
    assert documents.available({**PERSON, "transfer": SENT}) == ["mau-17a"]
    assert documents.available({**PERSON, "transfer": {**SENT, "status": "refused"}}) == []
    member = {**PERSON, "transfer": {**SENT, "stage": "probation", "status": "accepted"}}
    assert documents.available(member) == ["mau-17b"]


def test_dossier_letter_names_both_places_and_the_reason(tree):
    body, name = documents.render("mau-17a", "docx", tree, {**PERSON, "transfer": SENT})
    assert name == "mau-17a-knd-chuyen-ho-so.docx"
    text = docx_text(body)
    for expected in (
        "THÀNH ỦY ĐÀ LẠT",
        "Đà Lạt, ngày 8 tháng 9 năm 2025",
        "GIẤY GIỚI THIỆU",
        "chuyển hồ sơ người vào Đảng",
        "quần chúng Lý Thị Ngọc Trâm, sinh ngày 1 tháng 3 năm 2006",
        "Chi bộ Trường THPT Trần Phú",
        "Chi bộ Trường THPT Bảo Lộc (Thành ủy Bảo Lộc)",
        "Lý do chuyển: Gia đình chuyển đến Bảo Lộc.",
        "TRƯỞNG BAN TỔ CHỨC",
    ):
        assert expected in text, expected


def test_activity_letter_keeps_the_probation_dates(tree):
    data = {
        **PERSON,
        "ceremony_date": "2025-05-20",
        "probation_end": "2026-05-20",
        "transfer": {**SENT, "stage": "probation", "status": "accepted"},
    }
    body, name = documents.render("mau-17b", "pdf", tree, data)
    assert body.startswith(b"%PDF") and name == "mau-17b-knd-chuyen-sinh-hoat-dang.pdf"
    assert {"Đ", "ả", "ộ", "ư"} <= pdf_characters(body)
    text = docx_text(documents.render("mau-17b", "docx", tree, data)[0])
    assert "chuyển sinh hoạt đảng" in text
    assert "kết nạp vào Đảng ngày 20 tháng 5 năm 2025" in text
    assert "kết thúc ngày 20 tháng 5 năm 2026" in text


@pytest.mark.parametrize("stage,code", [("candidate", "mau-17a"), ("probation", "mau-17b")])
def test_transfer_letters_read_back_with_the_party_heading(tree, monkeypatch, stage, code):
    monkeypatch.setenv("KETNAP_PARTY_ABOVE_TOP", "Đảng bộ tỉnh Lâm Đồng")
    data = {**PERSON, "probation_end": "2026-05-19", "transfer": {**SENT, "stage": stage}}
    pdf = pdf_text(documents.render(code, "pdf", tree, data)[0])
    docx = " ".join(docx_text(documents.render(code, "docx", tree, data)[0]).split())
    for text in (pdf, docx):
        for expected in (
            "ĐẢNG BỘ TỈNH LÂM ĐỒNG",
            "THÀNH ỦY ĐÀ LẠT",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Số …………………-GT/ThU",
            "Đà Lạt, ngày 8 tháng 9 năm 2025",
            "Lý Thị Ngọc Trâm",
            "Gia đình chuyển đến Bảo Lộc.",
        ):
            assert expected in text, (code, expected)
