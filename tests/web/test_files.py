"""Attachments and comments on a task: what is accepted, who may add, who may read."""

from __future__ import annotations

import io
import re

from engine import attachments
from tests.support.driving import event_count, item_id, start
from tests.support.webapp import csrf_token

from .test_inbox import as_user

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"


def upload(client, item: int, content: bytes, name: str = "don-xin-vao-dang.pdf"):
    token = csrf_token(client.get(f"/viec/{item}").get_data(True))
    return client.post(
        f"/viec/{item}/tep",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
    )


def comment(client, item: int, body: str):
    token = csrf_token(client.get(f"/viec/{item}").get_data(True))
    return client.post(f"/viec/{item}/y-kien", data={"csrf_token": token, "body": body})


def download_links(html: str) -> list[str]:
    return re.findall(r'href="(/ho-so/\d+/tep/\d+)"', html)


def test_pdf_upload_is_listed_and_downloads_as_attachment(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    cb = as_user(app, "cb_tp")
    assert upload(cb, item, PDF).status_code == 302
    [link] = download_links(cb.get(f"/ho-so/{case}").get_data(True))
    response = cb.get(link)
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "don-xin-vao-dang.pdf" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    assert as_user(app, "auditor").get(link).status_code == 200  # sees the case
    assert as_user(app, "cb_btx").get(link).status_code == 404  # does not
    assert as_user(app, "designer").get(link).status_code == 404


def test_renamed_executable_is_refused(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    before = event_count(app, case)
    response = upload(as_user(app, "cb_tp"), item, EXE, "quyet-dinh.pdf")
    assert response.status_code == 422
    assert 'data-testid="error-file"' in response.get_data(True)
    assert event_count(app, case) == before


def test_oversize_file_is_refused(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    big = PDF + b"0" * attachments.MAX_BYTES
    response = upload(as_user(app, "cb_tp"), item, big)
    assert response.status_code == 422
    assert "Tệp quá lớn" in response.get_data(True)
    assert download_links(as_user(app, "cb_tp").get(f"/ho-so/{case}").get_data(True)) == []


def test_missing_file_is_refused(app):
    item = item_id(app, start(app), "accept_sympathiser")
    cb = as_user(app, "cb_tp")
    token = csrf_token(cb.get(f"/viec/{item}").get_data(True))
    response = cb.post(f"/viec/{item}/tep", data={"csrf_token": token})
    assert response.status_code == 422 and 'data-testid="error-file"' in response.get_data(True)


def test_only_the_tasks_unit_adds_files_and_comments(app):
    item = item_id(app, start(app), "accept_sympathiser")
    board = as_user(app, "btc")  # sees the case, not its unit's task
    assert 'data-testid="upload"' not in board.get(f"/viec/{item}").get_data(True)
    assert upload(board, item, PDF).status_code == 403
    assert comment(board, item, "Ý kiến").status_code == 403
    assert upload(as_user(app, "cb_btx"), item, PDF).status_code in (400, 404)


def test_comment_is_listed_with_author_and_time(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    cb = as_user(app, "cb_tp")
    assert comment(cb, item, "Đề nghị bổ sung <b>giấy khai sinh</b>.").status_code == 302
    for page in (cb.get(f"/viec/{item}"), as_user(app, "btc").get(f"/ho-so/{case}")):
        html = page.get_data(True)
        [entry] = re.findall(r'data-testid="comment">(.*?)</li>', html, re.S)
        assert "CB_TP" in entry and re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", entry)
        assert "&lt;b&gt;giấy khai sinh&lt;/b&gt;" in entry


def test_empty_comment_is_refused(app):
    item = item_id(app, start(app), "accept_sympathiser")
    response = comment(as_user(app, "cb_tp"), item, "   ")
    assert response.status_code == 422
    assert 'data-testid="error-body"' in response.get_data(True)
