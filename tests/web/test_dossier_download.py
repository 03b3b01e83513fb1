"""The dossier in one download (issue 19, item 3): a contents page, the generated forms
in the procedure's order and the uploaded scans, as one PDF and as one ZIP, to who
sees the case; audited."""

from __future__ import annotations

import io
import re
import zipfile

from fpdf import FPDF
from pypdf import PdfReader

from tests.support.driving import DOSSIER, do, item_id
from tests.support.driving import start as start_here
from workflows.admission import rules

from .test_disclosures import _disclosures
from .test_files import PDF, upload
from .test_inbox import as_user

# A one-pixel PNG: an image scan becomes a page of its own.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def a_scan() -> bytes:
    """A two-page PDF, as a scanner writes one."""
    pdf = FPDF()
    for page in ("Don xin vao Dang", "trang 2"):
        pdf.add_page()
        pdf.set_font("Helvetica", size=14)
        pdf.cell(0, 10, page)
    return bytes(pdf.output())


def test_the_dossier_downloads_as_one_pdf_and_one_zip(app):
    case = start_here(app, birth_date=rules.add_months(rules.today(), -(19 * 12)))
    branch = as_user(app, "cb_tp")
    item = item_id(app, case, "accept_sympathiser")
    assert upload(branch, item, a_scan(), "đơn xin vào Đảng.pdf").status_code == 302
    assert upload(branch, item, PNG, "anh-the.png").status_code == 302
    assert upload(branch, item, PDF, "hong.pdf").status_code == 302  # pypdf cannot read it
    do(app, case, *DOSSIER, "branch_vote")
    page = branch.get(f"/ho-so/{case}").get_data(True)
    assert 'data-testid="dossier-pdf"' in page and 'data-testid="dossier-zip"' in page

    response = branch.get(f"/bao-cao/van-ban/{case}/toan-bo-ho-so.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    reader = PdfReader(io.BytesIO(response.data))
    contents = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "MỤC LỤC HỒ SƠ" in contents and "Người vào Đảng: Nguyễn Văn An" in contents
    titles = re.findall(r"\d+\. (.+?) trang (\d+)", contents)
    named = [title for title, _page in titles]
    assert any("Mẫu 6-KNĐ" in t for t in named)
    assert any("đơn xin vào Đảng.pdf" in t for t in named)
    # Each entry's page holds what it names: the forms in order, then the scans.
    starts = [int(p) for _t, p in titles]
    assert starts == sorted(starts) and starts[0] == 2
    six = next(int(p) for t, p in titles if "Mẫu 6-KNĐ" in t)
    assert "NGHỊ QUYẾT" in reader.pages[six - 1].extract_text()
    scan = next(int(p) for t, p in titles if "đơn xin vào Đảng.pdf" in t)
    assert "Don xin vao Dang" in reader.pages[scan - 1].extract_text()
    # contents + forms + the 2-page scan + the image page + the unreadable file's page
    last = starts[-1]  # the unreadable file: one page saying so, the last one
    assert len(reader.pages) == last
    assert "Không ghép được tệp hong.pdf" in reader.pages[last - 1].extract_text()

    archive = branch.get(f"/bao-cao/van-ban/{case}/toan-bo-ho-so.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert names[0] == "00-muc-luc.pdf"
    assert any(n.endswith("mau-6-knd-nghi-quyet-chi-bo.docx") for n in names)
    assert any(n.endswith("tep-dinh-kem-đơn xin vào Đảng.pdf") for n in names)

    assert (
        as_user(app, "cb_btx").get(f"/bao-cao/van-ban/{case}/toan-bo-ho-so.pdf").status_code == 404
    )
    exported = [e for e in _disclosures(app) if e[3].get("document") == "dossier"]
    assert exported == [
        ("document_exported", "cb_tp", case, {"document": "dossier", "format": "pdf"}),
        ("document_exported", "cb_tp", case, {"document": "dossier", "format": "zip"}),
    ]
