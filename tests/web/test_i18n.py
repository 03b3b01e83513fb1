"""Vietnamese by default, English by choice; every message of web/ has its English."""

from __future__ import annotations

import os

import pytest
from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.support.webapp import ROOT, csrf_token, login

CATALOG = ROOT / "web/translations/en/LC_MESSAGES/messages.po"


def _read_catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle, locale="en")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalog():
    """``make`` compiles the catalogue; a bare ``pytest`` after editing it still tests
    the current translations. Written aside, then renamed: under pytest-xdist the other
    worker's apps read the file meanwhile, and may be compiling it too."""
    compiled = CATALOG.with_suffix(".mo")
    if not compiled.exists() or compiled.stat().st_mtime < CATALOG.stat().st_mtime:
        partial = compiled.with_name(f"{compiled.name}.{os.getpid()}")
        with partial.open("wb") as handle:
            write_mo(handle, _read_catalog())
        os.replace(partial, compiled)


def test_vietnamese_by_default(client):
    page = client.get("/dang-nhap").get_data(True)
    assert '<html lang="vi">' in page and "Tên đăng nhập" in page


def test_english_by_choice(client):
    response = client.get("/lang/en", headers={"Referer": "http://localhost/dang-nhap"})
    assert response.headers["Location"] == "http://localhost/dang-nhap"
    page = client.get("/dang-nhap").get_data(True)
    assert '<html lang="en">' in page
    assert "Username" in page and "Password" in page and "Tên đăng nhập" not in page
    client.get("/lang/vi")
    assert "Tên đăng nhập" in client.get("/dang-nhap").get_data(True)


def test_language_back_only_to_our_pages(client):
    response = client.get("/lang/en", headers={"Referer": "https://evil.example/x"})
    assert "evil" not in response.headers["Location"]


def test_preferred_language_is_kept_with_the_account(app):
    client = login(app.test_client(), "btc")
    token = csrf_token(client.get("/tai-khoan").get_data(True))
    assert (
        client.post("/tai-khoan/ngon-ngu", data={"language": "xx", "csrf_token": token}).status_code
        == 422
    )
    assert (
        client.post("/tai-khoan/ngon-ngu", data={"language": "en", "csrf_token": token}).status_code
        == 302
    )
    elsewhere = login(app.test_client(), "btc")  # a new session picks up the preference
    page = elsewhere.get("/tai-khoan").get_data(True)
    assert "Change password" in page and '<html lang="en">' in page


def test_error_pages_are_translated(client):
    client.get("/lang/en")
    assert "Page not found" in client.get("/no-such-page").get_data(True)


def _extracted_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = frontend.parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_an_english_translation():
    catalog = _read_catalog()
    missing = sorted(
        msgid
        for msgid in _extracted_msgids()
        if not (
            catalog.get(msgid)
            and catalog.get(msgid).string
            and "fuzzy" not in catalog.get(msgid).flags
        )
    )
    assert not missing, (
        f"{len(missing)} message(s) without English: {missing[:10]}\n"
        "Run: .venv/bin/pybabel extract -F babel.cfg -o /tmp/messages.pot . && "
        ".venv/bin/pybabel update -i /tmp/messages.pot -d web/translations, then translate."
    )


def test_translations_keep_their_placeholders():
    problems = [
        (message.id, [str(e) for e in errors])
        for message, errors in _read_catalog().check()
        if errors
    ]
    assert not problems
