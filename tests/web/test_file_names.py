"""Attachment names: the sender's name without folders, control or bidi characters, with
the extension of the type the content was judged to be; downloads name it in a
Content-Disposition no name can break (RFC 6266 filename and RFC 5987 filename*)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

import pytest

from engine.attachments import safe_filename
from engine.cases import unit_of_work
from engine.models import Attachment
from tests.support.driving import factory, item_id, start
from tests.support.webapp import csrf_token
from web.downloads import ascii_name, content_disposition

from .test_files import PDF, download_links, upload
from .test_inbox import as_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(
    "name, kind, stored",
    [
        ("invoice\u202efdp.exe", "application/pdf", "invoicefdp.pdf"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("..\\..\\windows\\win.ini", "application/pdf", "win.pdf"),
        ("don xin\r\nvao dang.pdf", "application/pdf", "don xin vao dang.pdf"),
        ("tab\there\x00\x07.pdf", "application/pdf", "tab here.pdf"),
        (f"a{BIDI}b\u200e\u200f\u061c\ufeff.pdf", "application/pdf", "ab.pdf"),
        ("ảnh chân dung.JPEG", "image/jpeg", "ảnh chân dung.JPEG"),
        ("ảnh chân dung.png", "image/jpeg", "ảnh chân dung.jpg"),
        ("tờ trình. bản 2", "application/pdf", "tờ trình. bản 2.pdf"),
        (".htaccess", "application/pdf", "htaccess.pdf"),
        ("", "image/gif", "tep-dinh-kem.gif"),
        ("\u202e", "image/webp", "tep-dinh-kem.webp"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 196 + ".pdf"),
    ],
)
def test_names_are_made_safe_and_take_the_types_extension(name, kind, stored):
    assert safe_filename(name, kind) == stored


def test_the_ascii_stand_in_keeps_letters_and_the_extension():
    assert ascii_name("Đơn xin vào Đảng.pdf") == "Don_xin_vao_Dang.pdf"
    assert ascii_name("文件.pdf") == "tep.pdf"
    header = content_disposition('a"b;c\\d.pdf')
    assert header.startswith('attachment; filename="a_b_c_d.pdf"; ')
    assert header.endswith("filename*=UTF-8''a%22b%3Bc%5Cd.pdf")


def _disposition(response) -> str:
    value = response.headers["Content-Disposition"]
    assert "\r" not in value and "\n" not in value
    return value


def _upload_encoded_name(client, item: int, encoded: str, content: bytes):
    """An upload whose part names the file as RFC 5987 filename*: the way a raw line
    break reaches the server (a browser sends a typed one as the text "%0A")."""
    token = csrf_token(client.get(f"/viec/{item}").get_data(True))
    boundary = "ketnap-test-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n"
            f"--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''{encoded}\r\n"
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/viec/{item}/tep",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_an_upload_is_stored_and_downloaded_under_its_safe_name(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    branch = as_user(app, "cb_tp")
    for content, name in ((PDF, "invoice\u202efdp.exe"), (PNG, "../../etc/passwd")):
        assert upload(branch, item, content, name).status_code == 302
    # "Đơn xin\r\nvào Đảng.pdf", with a line break that could end a header
    encoded = "%C4%90%C6%A1n%20xin%0D%0Av%C3%A0o%20%C4%90%E1%BA%A3ng.pdf"
    assert _upload_encoded_name(branch, item, encoded, PDF).status_code == 302
    page = branch.get(f"/ho-so/{case}").get_data(True)
    assert "\u202e" not in page and "invoicefdp.pdf" in page
    headers = [_disposition(branch.get(link)) for link in download_links(page)]
    assert headers == [
        "attachment; filename=\"invoicefdp.pdf\"; filename*=UTF-8''invoicefdp.pdf",
        "attachment; filename=\"passwd.png\"; filename*=UTF-8''passwd.png",
        'attachment; filename="Don_xin_vao_Dang.pdf"; '
        "filename*=UTF-8''%C4%90%C6%A1n%20xin%20v%C3%A0o%20%C4%90%E1%BA%A3ng.pdf",
    ]


def test_names_stored_before_are_made_safe_on_the_way_out(app):
    """A row written before names were sanitised: the page, the download and the
    case's archive show the safe name."""
    case = start(app)
    branch = as_user(app, "cb_tp")
    upload(branch, item_id(app, case, "accept_sympathiser"), PDF, "ok.pdf")
    with unit_of_work(factory(app)) as s:
        [row] = s.query(Attachment).all()
        s.add(
            Attachment(
                case_id=case,
                filename="hoa-don\u202efdp.exe",
                content_type="application/pdf",
                size=row.size,
                sha256=row.sha256,
                uploaded_by="cb_tp",
                uploaded_at=datetime.now(UTC),
            )
        )
    page = branch.get(f"/ho-so/{case}").get_data(True)
    assert "\u202e" not in page and "hoa-donfdp.pdf" in page
    last = download_links(page)[-1]
    assert 'filename="hoa-donfdp.pdf"' in _disposition(branch.get(last))
    archive = zipfile.ZipFile(io.BytesIO(branch.get(f"/kiem-tra/ho-so/{case}/du-lieu.zip").data))
    names = [n for n in archive.namelist() if n.startswith("tep/")]
    assert len(names) == 2 and all(re.fullmatch(r"tep/\d+-[a-z-]+\.pdf", n) for n in names)
    assert "hoa-donfdp.pdf" in " ".join(names)
