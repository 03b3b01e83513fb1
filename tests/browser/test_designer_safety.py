"""Designer safety in the browser: clicking every palette entry (and placing what it
creates) raises no script error; deploying asks first, saying how many cases run on the
current version, and cancelling deploys nothing; discarding the draft asks first; leaving
with unsaved changes makes the browser ask; the forms editor's field table adds,
reorders and edits fields; the check lists an unconnected step in Vietnamese, by name.
Screenshots: designer-form-fields.png, designer-check.png."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select

from engine.models import DefinitionVersion

from .cases import live_database, walked
from .conftest import screenshot, sign_in


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
    with live_database(tmp_path) as factory, factory() as s:
        return s.execute(select(func.count()).select_from(DefinitionVersion)).scalar_one()


def test_deploy_and_discard_ask_first_and_leaving_warns(page, tmp_path):
    walked(tmp_path)  # one case runs on version 1
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


def test_form_fields_table_adds_reorders_and_edits_fields(page, tmp_path):
    errors = script_errors(page)
    open_draft(page)
    page.goto("/thiet-ke/admission/ban-nhap/bieu-mau/ceremony")
    table = page.get_by_test_id("field-table")
    rows = table.get_by_test_id("field-row")
    expect(rows).to_have_count(2)  # ceremony_date, ceremony_note
    table.get_by_test_id("add-field").click()
    expect(rows).to_have_count(3)
    new = rows.nth(2)
    new.get_by_test_id("field-name").fill("ceremony_place")
    new.get_by_test_id("field-name").press("Tab")
    rows.nth(2).get_by_test_id("field-label").fill("Địa điểm tổ chức")
    rows.nth(2).get_by_test_id("field-label").press("Tab")
    rows.nth(2).get_by_test_id("field-type").select_option("choice")
    choices = rows.nth(2).get_by_test_id("field-choices")
    choices.fill("hall = Hội trường; branch_room = Phòng họp chi bộ")
    choices.press("Tab")
    rows.nth(2).get_by_test_id("field-required").check()
    rows.nth(2).get_by_test_id("field-up").click()  # now second, before the note
    expect(rows.nth(1)).to_have_attribute("data-name", "ceremony_place")
    # The preview follows: the new field is drawn as the task page would.
    expect(page.get_by_test_id("form-preview")).to_contain_text("Phòng họp chi bộ")
    form = json.loads(page.get_by_test_id("form-text").input_value())
    assert [f["name"] for f in form["fields"]] == [
        "ceremony_date",
        "ceremony_place",
        "ceremony_note",
    ]
    assert form["fields"][1] == {
        "name": "ceremony_place",
        "label": "Địa điểm tổ chức",
        "type": "choice",
        "choices": [
            {"value": "hall", "label": "Hội trường"},
            {"value": "branch_room", "label": "Phòng họp chi bộ"},
        ],
        "required": True,
    }
    assert form["evidence"]  # what the table does not show is kept
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "designer-form-fields")
    page.get_by_test_id("save-form").click()
    expect(page.get_by_test_id("form-status")).to_have_text("Đã lưu biểu mẫu.")
    # A broken JSON hides the table until it parses again.
    page.get_by_test_id("form-text").fill('{"title": "x", ')
    expect(page.get_by_test_id("field-table-note")).to_be_visible()
    expect(rows).to_have_count(0)
    assert errors == []


def test_check_lists_an_unconnected_step_in_vietnamese_by_its_name(page):
    open_draft(page)
    page.evaluate("""() => { const m = window.ketnapModeler;
        const registry = m.get('elementRegistry');
        const lane = registry.get('lane_branch');
        const shape = m.get('modeling').createShape({ type: 'bpmn:Task' },
            { x: lane.x + 400, y: lane.y + lane.height - 40 }, registry.get('pool_admission'));
        m.get('modeling').updateLabel(shape, 'Bước bị bỏ quên'); }""")
    page.get_by_test_id("check").click()
    rows = page.get_by_test_id("problem-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Bước bị bỏ quên")
    expect(rows.first).to_contain_text("Không có luồng tuần tự nào dẫn vào phần tử này")
    expect(rows.nth(1)).to_contain_text("Không có luồng tuần tự nào đi ra từ phần tử này")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "designer-check")
