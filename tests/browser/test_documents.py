"""The branch downloads the whole dossier from the case page: one PDF whose first page
is the contents (mục lục), listing the generated forms, each starting on the page it
names, and whose page count is what the contents add up to (issue 19). Screenshots of
the case page's documents at 1366 and 390 px (docs/screenshots/case-documents*.png)."""

from __future__ import annotations

import re

from pypdf import PdfReader

from engine.cases import Actor, unit_of_work
from tests.support.driving import DOSSIER
from workflows.admission import rules, steps

from .conftest import sign_in
from .test_transfers import PERSON, factory_of, shoot, started


def test_the_branch_downloads_the_dossier_pdf_with_its_contents(page, live_server, tmp_path):
    factory = factory_of(tmp_path)
    case_id = started(factory, *DOSSIER)
    data = dict(PERSON)
    with unit_of_work(factory) as s:
        form = steps.step_data("branch_vote", rules.today(), data)
        steps.complete_step(s, case_id, "branch_vote", form, Actor("clerk"))
    sign_in(page, "cb_tp")
    page.goto(f"/ho-so/{case_id}")
    documents = page.get_by_test_id("documents")
    assert "Mẫu 6-KNĐ" in documents.inner_text()
    documents.scroll_into_view_if_needed()
    shoot(page, "case-documents")
    with page.expect_download() as info:
        page.get_by_test_id("dossier-pdf").click()
    download = info.value
    assert download.suggested_filename == f"ho-so-ket-nap-{case_id}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    reader = PdfReader(saved)
    contents = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "MỤC LỤC HỒ SƠ" in contents and "Người vào Đảng: Phạm Thị Thu Hà" in contents
    entries = re.findall(r"(\d+)\. (.+?) trang (\d+)", contents)
    titles = [title for _n, title, _p in entries]
    assert [t for t in titles if "Mẫu" in t] == [
        "Giấy giới thiệu người vào Đảng (Mẫu 3-KNĐ)",
        "Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng (Mẫu 4-KNĐ)",
        "Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (Mẫu 5-KNĐ)",
        "Nghị quyết chi bộ đề nghị kết nạp đảng viên (Mẫu 6-KNĐ)",
    ]
    starts = [int(p) for _n, _t, p in entries]
    assert starts[0] == 2 and starts == sorted(starts)
    six = starts[titles.index("Nghị quyết chi bộ đề nghị kết nạp đảng viên (Mẫu 6-KNĐ)")]
    assert "đề nghị kết nạp đảng viên" in reader.pages[six - 1].extract_text()
    # The last form is one page: the file ends where it begins.
    assert len(reader.pages) == starts[-1]
