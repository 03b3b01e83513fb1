"""Designer safety in the browser: clicking every palette entry (and placing what it
creates) raises no script error; deploying asks first, saying how many cases run on the
current version, and cancelling deploys nothing; discarding the draft asks first; leaving
with unsaved changes makes the browser ask."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from engine.models import DefinitionVersion
from tests.support.webapp import DB_FILE
from workflows.admission import intake

from .conftest import sign_in
from .test_evidence import PERSON


def open_draft(page) -> None:
    sign_in(page, "designer")
    page.goto("/thiet-ke/admission")
    page.get_by_test_id("edit-version").first.click()
    page.wait_for_url("**/ban-nhap")
    expect(page.locator("#modeler-page[data-ready=true]")).to_have_count(1)


def script_errors(page) -> list[str]:
    found: list[str] = []
    page.on("pageerror", lambda err: found.append(str(err)))
    page.on("console", lambda m: found.append(m.text) if m.type == "error" else None)
    return found


def test_palette_entries_raise_no_script_error(page):
    errors = script_errors(page)
    open_draft(page)
    entries = page.locator(".djs-palette .entry:visible")
    assert entries.count() > 5
    box = page.get_by_test_id("canvas").bounding_box()
    for i in range(entries.count()):
        entries.nth(i).click()
        # A create entry follows the pointer until the canvas is clicked; a tool (hand,
        # lasso, space) takes the click as its own gesture.
        x, y = box["x"] + 250 + 30 * i, box["y"] + box["height"] - 60
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        page.keyboard.press("Escape")
    assert errors == []
    expect(page.get_by_test_id("modeler-status")).to_have_text("Có thay đổi chưa lưu.")


def versions(tmp_path) -> int:
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    try:
        with engine_db.make_session_factory(engine)() as s:
            return s.execute(select(func.count()).select_from(DefinitionVersion)).scalar_one()
    finally:
        engine.dispose()


def start_case(tmp_path) -> None:
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    with unit_of_work(engine_db.make_session_factory(engine)) as s:
        intake.start_admission(s, PERSON, Actor("dt_tp"))
    engine.dispose()


def test_deploy_and_discard_ask_first_and_leaving_warns(page, tmp_path):
    start_case(tmp_path)
    before = versions(tmp_path)
    open_draft(page)
    asked: list[str] = []

    kinds: list[str] = []

    def refuse(dialog):
        asked.append(dialog.message)
        kinds.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.get_by_test_id("deploy").click()
    expect(page.get_by_test_id("deploy")).to_be_enabled()
    assert len(asked) == 1
    assert "1 hồ sơ đang chạy trên phiên bản hiện hành (phiên bản 1)" in asked[0]
    assert versions(tmp_path) == before  # cancelled: nothing deployed

    page.get_by_test_id("discard").click()
    assert len(asked) == 2 and asked[1].startswith("Bỏ bản nháp?")
    assert page.url.endswith("/ban-nhap")  # still the draft's page, the draft kept

    # An unsaved change: leaving makes the browser ask (beforeunload).
    page.evaluate("""() => { const m = window.ketnapModeler;
        const shape = m.get('elementRegistry').get('application');
        m.get('modeling').updateLabel(shape, 'Nhận đơn (đổi tên)'); }""")
    expect(page.get_by_test_id("modeler-status")).to_have_text("Có thay đổi chưa lưu.")
    with pytest.raises(PlaywrightError, match="ERR_ABORTED"):  # the user chose to stay
        page.goto("/thiet-ke/admission")
    assert kinds == ["confirm", "confirm", "beforeunload"]
    assert page.url.endswith("/ban-nhap")
