"""The branch resolution (Mẫu 6-KNĐ) and the admission decision (Mẫu 9-KNĐ), from the
data a case holds once it was decided, in PDF and DOCX with Vietnamese letters intact."""

from __future__ import annotations

import io
import unicodedata

import pytest
from docx import Document as Docx

from tests.support.pdf import pdf_characters
from workflows.admission import steps
from workflows.admission.orgs import OrgTree, read_tree_file
from workflows.admission.reports import documents

from .conftest import DEMO

PERSON = {
    "full_name": "Lý Thị Ngọc Trâm",
    "birth_date": "2006-03-01",
    "gender": "female",
    "ethnicity": "Kinh",
    "branch": "THPT-BTX",
    "residence_unit": "P1-KP1",
    "category": "student",
}


def decided_case() -> dict:
    """The data of a case admitted on 2/5/2025: each step's standard form, in order."""
    data = dict(PERSON)
    for step, day in (
        ("attend_class", "2024-10-01"),
        ("application", "2024-11-01"),
        ("certify_history", "2024-12-01"),
        ("introduction", "2024-12-05"),
        ("mass_org_opinion", "2024-12-05"),
        ("residence_opinion", "2024-12-06"),
        ("branch_vote", "2025-03-05"),
        ("grassroots_vote", "2025-03-20"),
        ("appraisal", "2025-04-01"),
        ("decide", "2025-05-02"),
    ):
        data.update(steps.step_data(step, day, PERSON))
    data["branch_vote_result"] = "passed"
    return data


@pytest.fixture(scope="module")
def tree():
    return OrgTree(read_tree_file(DEMO))


def docx_text(body: bytes) -> str:
    document = Docx(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_documents_are_offered_once_the_data_exists():
    data = decided_case()
    before_vote = ["mau-3", "mau-5"]  # the introduction and the opinions are recorded
    assert documents.available(PERSON) == []
    assert documents.available({**data, "decision": None}) == [*before_vote, "mau-6", "mau-8"]
    failed = {**data, "branch_vote_result": "failed", "decision": None}
    assert documents.available({**failed, "grassroots_meeting_date": None}) == before_vote
    assert documents.available(data) == [*before_vote, "mau-6", "mau-8", "mau-9"]
    assert "mau-9" not in documents.available({**data, "decision": "refuse"})


def test_branch_resolution_states_the_vote(tree):
    body, name = documents.render("mau-6", "docx", tree, decided_case())
    assert name.endswith(".docx")
    text = docx_text(body)
    for expected in (
        "NGHỊ QUYẾT",
        "đề nghị kết nạp đảng viên",
        "CHI BỘ TRƯỜNG THPT BÙI THỊ XUÂN",
        "ĐẢNG BỘ THÀNH PHỐ ĐÀ LẠT",
        "Số 08-NQ/CB",
        "Đà Lạt, ngày 5 tháng 3 năm 2025",
        "quần chúng Lý Thị Ngọc Trâm",
        "8/9 đồng chí (88,9 %",
        "có mặt 9/9 đồng chí, vắng mặt 0 đồng chí",
        "Chủ trì hội nghị: Nguyễn Thị Hồng Nhung; thư ký hội nghị: Trần Quốc Bảo",
        "Lý do không tán thành: Cần rèn luyện thêm tác phong.",
        "quê quán: Phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng",
        "nghề nghiệp: Học sinh",
        "1/9 đồng chí (11,1 %)",
        "Lê Văn Phúc, Phạm Thị Ngọc Lan",
        "Chi bộ đề nghị Thành ủy Đà Lạt xem xét",
        "T/M CHI BỘ",
    ):
        assert expected in text, expected


def test_admission_decision_names_the_bodies(tree, monkeypatch):
    monkeypatch.setenv("KETNAP_PARTY_ABOVE_TOP", "Đảng bộ tỉnh Lâm Đồng")
    body, _name = documents.render("mau-9", "docx", tree, decided_case())
    text = docx_text(body)
    for expected in (
        "QUYẾT ĐỊNH",
        "ĐẢNG BỘ TỈNH LÂM ĐỒNG\nTHÀNH ỦY ĐÀ LẠT",
        "Số 1502-QĐ/ThU",
        "Đà Lạt, ngày 2 tháng 5 năm 2025",
        "294-QĐ/TW",
        "BAN THƯỜNG VỤ THÀNH ỦY ĐÀ LẠT QUYẾT ĐỊNH",
        "Điều 1. Kết nạp quần chúng Lý Thị Ngọc Trâm, sinh ngày 1 tháng 3 năm 2006",
        "nơi cư trú: Khu phố 1 – Phường 1",
        "Ban Tổ chức Thành ủy Đà Lạt",
        "T/M BAN THƯỜNG VỤ",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("code", ["mau-6", "mau-9"])
def test_pdf_embeds_a_font_with_every_letter(tree, code):
    data = decided_case()
    # A name typed with combining marks (NFD) prints as the same composed letters.
    data["full_name"] = unicodedata.normalize("NFD", data["full_name"])
    body, name = documents.render(code, "pdf", tree, data)
    assert body.startswith(b"%PDF") and name.endswith(".pdf")
    assert b"LiberationSerif" in body
    letters = pdf_characters(body)
    # Every letter of the same document's text, as the DOCX holds it, has its glyph.
    wanted = {
        char
        for char in docx_text(documents.render(code, "docx", tree, data)[0])
        if not char.isascii() and not char.isspace()
    }
    assert {"Đ", "Ả", "Ế", "ị", "ủ", "ư", "ờ"} <= wanted
    assert wanted - {"…", "–"} <= letters
    assert "\u0323" not in letters and "\u0300" not in letters  # no loose marks
