"""Every form of the dossier, for a case that went the whole way: rendered in PDF and
DOCX, each read back (pypdf, python-docx) holds the party heading, the candidate's name
with its diacritics, the dates and the figures of the case."""

from __future__ import annotations

import dataclasses
import re

import pytest

from tests.support.pdf import pdf_text
from workflows.admission import steps
from workflows.admission.orgs import OrgTree, OrgUnit, read_tree_file
from workflows.admission.reports import documents
from workflows.admission.reports.documents.model import BLANK

from .conftest import DEMO
from .test_reports_documents import docx_text

# A Youth Union member in the teachers' branch, under the school's grassroots committee
# (so its resolution, Mẫu 8 and 15, comes between the branch's and the decision).
PERSON = {
    "full_name": "Đặng Thị Thủy Tiên",
    "birth_date": "2003-07-14",
    "gender": "female",
    "ethnicity": "Kinh",
    "branch": "THPT-TL-GV",
    "residence_unit": "P1-KP1",
    "category": "other",
    "occupation": "Giáo viên",
    "youth_union_member": True,
    "proposer_unit": "DT-THPT-TL",
}
STEPS = (
    ("attend_class", "2024-10-01"),
    ("application", "2024-11-01"),
    ("send_verification", "2024-11-20"),
    ("certify_history", "2024-12-01"),
    ("introduction", "2024-12-05"),
    ("mass_org_opinion", "2024-12-05"),
    ("residence_opinion", "2024-12-06"),
    ("branch_vote", "2025-03-05"),
    ("grassroots_vote", "2025-03-20"),
    ("appraisal", "2025-04-01"),
    ("decide", "2025-05-02"),
    ("ceremony", "2025-05-19"),
    ("recognition_file", "2026-05-11"),
    ("recognition_vote", "2026-05-20"),
    ("recognition_grassroots_vote", "2026-05-27"),
    ("recognition_decide", "2026-06-03"),
)
HEADING = ("ĐẢNG CỘNG SẢN VIỆT NAM",)
BRANCH_HEADING = (
    "ĐẢNG BỘ TRƯỜNG THPT CHUYÊN THĂNG LONG",
    "CHI BỘ GIÁO VIÊN TRƯỜNG THPT CHUYÊN THĂNG LONG",
)
GRASSROOTS_HEADING = ("ĐẢNG BỘ THÀNH PHỐ ĐÀ LẠT", "ĐẢNG BỘ TRƯỜNG THPT CHUYÊN THĂNG LONG")
COMMITTEE_HEADING = ("ĐẢNG BỘ TỈNH LÂM ĐỒNG", "THÀNH ỦY ĐÀ LẠT")
NAME = "Đặng Thị Thủy Tiên"
PARTIAL = "Đảng ủy bộ phận Giáo viên Trường THPT Chuyên Thăng Long"
# What each form must say, beyond the heading and the name.
EXPECTED = {
    "tham-tra": (
        *GRASSROOTS_HEADING,
        "Số 45-CV/ĐU",
        "Đà Lạt, ngày 20 tháng 11 năm 2024",
        "Kính gửi: Đảng ủy Phường 1.",
        "Đặng Văn Hòa, cha đẻ",
        "Đỗ Thị Hạnh, mẹ đẻ",
    ),
    "mau-3": (
        *BRANCH_HEADING,
        "GIẤY GIỚI THIỆU",
        "Tôi là: Lê Văn Phúc, đảng viên chính thức",
        "36 tháng",
        "nghề nghiệp: Giáo viên",
        "NGƯỜI GIỚI THIỆU",
    ),
    "mau-4": (
        "THÀNH ĐOÀN ĐÀ LẠT",
        "ĐOÀN TRƯỜNG THPT CHUYÊN THĂNG LONG",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "giới thiệu đoàn viên ưu tú vào Đảng",
        "Ngày 5 tháng 12 năm 2024, Ban Chấp hành Đoàn cơ sở đã họp",
        "Tổng số ủy viên Ban Chấp hành: 9.",
        "9/9 đồng chí (100,0 % so với tổng số ủy viên Ban Chấp hành)",
    ),
    "mau-5": (
        *BRANCH_HEADING,
        "TỔNG HỢP Ý KIẾN NHẬN XÉT",
        "(ngày 05/12/2024): Tích cực tham gia phong trào, gương mẫu.",
        "(Khu phố 1 – Phường 1, ngày 06/12/2024): Chấp hành tốt quy định nơi cư trú.",
        "T/M CHI ỦY",
    ),
    "mau-6": (
        *BRANCH_HEADING,
        "Số 08-NQ/CB",
        "Đà Lạt, ngày 5 tháng 3 năm 2025",
        "8/9 đồng chí (88,9 %",
        "có mặt 9/9 đồng chí",
        "Chủ trì hội nghị: Nguyễn Thị Hồng Nhung",
        "Chi bộ đề nghị Đảng bộ Trường THPT Chuyên Thăng Long xem xét",
    ),
    "mau-8": (
        *GRASSROOTS_HEADING,
        "Số 12-NQ/ĐU",
        "Đà Lạt, ngày 20 tháng 3 năm 2025",
        "(Nghị quyết số 08-NQ/CB ngày 05/03/2025)",
        "7/7 đồng chí (100,0 %",
        "Đảng ủy đề nghị Ban Thường vụ Thành ủy Đà Lạt xem xét",
        "T/M ĐẢNG ỦY",
    ),
    "mau-9": (
        *COMMITTEE_HEADING,
        "Số 1502-QĐ/ThU",
        "Đà Lạt, ngày 2 tháng 5 năm 2025",
        "Nghị quyết số 08-NQ/CB ngày 05/03/2025",
        "nghị quyết ngày 20/03/2025 của Đảng bộ Trường THPT Chuyên Thăng Long",
        "BAN THƯỜNG VỤ THÀNH ỦY ĐÀ LẠT QUYẾT ĐỊNH",
    ),
    "mau-13": (
        *BRANCH_HEADING,
        "đề nghị công nhận đảng viên chính thức",
        "Số 15-NQ/CB",
        "Đà Lạt, ngày 20 tháng 5 năm 2026",
        "kết nạp vào Đảng ngày 19 tháng 5 năm 2025, hết thời gian dự bị ngày 19 tháng 5 năm 2026",
        "có mặt 8/9 đồng chí, vắng mặt 1 đồng chí",
        "9/9 đồng chí (100,0 %",
        "Hoàn thành tốt nhiệm vụ, giữ gìn tư cách.",
    ),
    "mau-15": (
        *GRASSROOTS_HEADING,
        "Số 20-NQ/ĐU",
        "Đà Lạt, ngày 27 tháng 5 năm 2026",
        "(nghị quyết ngày 20/05/2026)",
        "7/7 đồng chí (100,0 %",
    ),
    "mau-16": (
        *COMMITTEE_HEADING,
        "Số 312-QĐ/ThU",
        "Đà Lạt, ngày 3 tháng 6 năm 2026",
        "công nhận đảng viên chính thức",
        "là đảng viên chính thức kể từ ngày 19 tháng 5 năm 2026",
    ),
}


def whole_way() -> dict:
    data = dict(PERSON)
    for step, day in STEPS:
        data.update(steps.step_data(step, day, PERSON))
    data["branch_vote_result"] = "passed"
    data["probation_end"] = "2026-05-19"  # set by the diagram at the ceremony
    return data


@pytest.fixture(scope="module")
def tree():
    return OrgTree(read_tree_file(DEMO))


@pytest.fixture(autouse=True)
def province(monkeypatch):
    monkeypatch.setenv("KETNAP_PARTY_ABOVE_TOP", "Đảng bộ tỉnh Lâm Đồng")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_form_is_offered_for_a_case_that_went_the_whole_way():
    assert documents.available(whole_way()) == list(EXPECTED)


def test_the_youth_union_resolution_replaces_a_second_member_letter():
    data = whole_way()
    kinds = [i["kind"] for i in data["introducers"]]
    assert kinds == ["youth_union", "member"]
    two_members = {**data, "youth_union_member": False, "introducers": steps.introducers_for({})}
    assert "mau-4" not in documents.available(two_members)
    assert "mau-3" in documents.available(two_members)


@pytest.mark.parametrize("code", list(EXPECTED))
def test_each_form_reads_back_from_pdf_and_docx(tree, code):
    data = whole_way()
    pdf, pdf_name = documents.render(code, "pdf", tree, data)
    docx, docx_name = documents.render(code, "docx", tree, data)
    assert pdf_name.endswith(".pdf") and docx_name.endswith(".docx")
    assert b"LiberationSerif" in pdf
    for text in (pdf_text(pdf), flat(docx_text(docx))):
        party = HEADING if code != "mau-4" else ()  # a Youth Union's heading is its own
        for expected in (*party, NAME, *EXPECTED[code]):
            assert expected in text, (code, expected)
        # The case holds every date and figure these forms print.
        assert f"ngày {BLANK}" not in text and f"{BLANK}/" not in text


def test_a_form_without_a_number_typed_leaves_the_dots_and_the_symbol(tree):
    body, _ = documents.render("mau-9", "docx", tree, {**whole_way(), "decision_number": ""})
    assert "Số …………………-QĐ/ThU" in docx_text(body)


def test_a_partial_committee_s_appraisals_read_back(tree):
    """Mẫu 7-KNĐ and 14-KNĐ, where a partial committee sits between the branch and the
    school's committee and recorded agreeing (its tasks' fields)."""
    units = []
    for unit in read_tree_file(DEMO):
        if unit.code == "THPT-TL-GV":
            unit = dataclasses.replace(unit, parent="THPT-TL-BP")
        units.append(unit)
    units.append(OrgUnit("THPT-TL-BP", PARTIAL, "partial_committee", parent="THPT-TL"))
    with_partial = OrgTree(units)
    data = {
        **whole_way(),
        "partial_appraisal_date": "2025-03-12",
        "partial_appraisal_opinion": "agree",
        "partial_appraisal_note": "Hồ sơ đầy đủ, đúng quy trình.",
        "recognition_partial_date": "2026-05-23",
        "recognition_partial_opinion": "agree",
    }
    codes = documents.available(data)
    assert codes.index("mau-6") < codes.index("mau-7") < codes.index("mau-8")
    assert codes.index("mau-13") < codes.index("mau-14") < codes.index("mau-15")
    assert "mau-7" not in documents.available({**data, "partial_appraisal_opinion": "disagree"})
    for code, expected in (
        (
            "mau-7",
            (
                "Đà Lạt, ngày 12 tháng 3 năm 2025",
                "Hồ sơ đầy đủ, đúng quy trình.",
                "nghị quyết của chi bộ ngày 05/03/2025",
            ),
        ),
        (
            "mau-14",
            (
                "Đà Lạt, ngày 23 tháng 5 năm 2026",
                "đề nghị công nhận đảng viên chính thức",
                "nghị quyết của chi bộ ngày 20/05/2026",
            ),
        ),
    ):
        pdf = pdf_text(documents.render(code, "pdf", with_partial, data)[0])
        docx = flat(docx_text(documents.render(code, "docx", with_partial, data)[0]))
        for text in (pdf, docx):
            for line in (
                "ĐẢNG BỘ TRƯỜNG THPT CHUYÊN THĂNG LONG",
                PARTIAL.upper(),
                NAME,
                "T/M ĐẢNG ỦY BỘ PHẬN",
                *expected,
            ):
                assert line in text, (code, line)


def test_an_authorised_committee_decides_by_its_vote(tree, monkeypatch):
    """A committee deciding as a whole (committee_decision.json) signs for itself and
    prints its vote; the case data is the same otherwise."""
    data = {
        **whole_way(),
        **steps.step_data("committee_decide", "2025-05-02", PERSON),
        "decision": "admit",
    }
    for fmt in ("pdf", "docx"):
        body = documents.render("mau-9", fmt, tree, data)[0]
        text = pdf_text(body) if fmt == "pdf" else flat(docx_text(body))
        assert "THÀNH ỦY ĐÀ LẠT QUYẾT ĐỊNH" in text and "T/M ĐẢNG ỦY" in text
        assert "BAN THƯỜNG VỤ" not in text
        assert "Số 25-QĐ/ĐU" in text and "13/15 đồng chí (86,7 %" in text
