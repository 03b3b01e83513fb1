"""bpmn-js in the pages: a case drawn with its steps marked for those who may see it, and
third-party BPMN files opened in the modeler and saved unchanged, keeping every element
and its layout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from playwright.sync_api import expect
from sqlalchemy import update

from engine import db as engine_db
from engine.models import WorkItem
from tests.support.thirdparty import EXPECTED, THIRDPARTY, wide_process
from tests.support.webapp import cheap_password_hashing

from .conftest import new_page, screenshot, serve, sign_in
from .test_admission import BRANCH, CENTRE, nominated

DI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
# Files bpmn-js cannot draw: no layout at all, or ids that are no XML names or repeat.
NOT_DRAWABLE = {"no_layout.bpmn", "latin1_export.bpmn", "broken_references.bpmn"}


def marked(page, element: str, state: str):
    return page.locator(f".djs-element.ketnap-{state}[data-element-id={element}]")


def make_overdue(tmp_path, case_id: int) -> None:
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(
            update(WorkItem)
            .where(WorkItem.case_id == case_id, WorkItem.status == "open")
            .values(due_at=datetime.now(UTC) - timedelta(days=1))
        )
    engine.dispose()


def test_case_diagram_marks_done_active_and_overdue_steps(page, tmp_path):
    c = nominated(page)
    c.do("accept_sympathiser", BRANCH, then=[("attend_class", CENTRE)])
    sign_in(page, "auditor")
    page.goto(f"/ho-so/{c.case_id}")
    page.get_by_test_id("diagram-link").click()
    expect(page.locator("#diagram-page[data-ready=true]")).to_have_count(1)
    expect(marked(page, "accept_sympathiser", "done")).to_have_count(1)
    expect(marked(page, "attend_class", "active")).to_have_count(1)
    expect(marked(page, "application", "done")).to_have_count(0)
    screenshot(page, "case-diagram")

    make_overdue(tmp_path, c.case_id)
    page.reload()
    expect(marked(page, "attend_class", "overdue")).to_have_count(1)


def test_case_diagram_is_hidden_from_those_who_may_not_see_the_case(page):
    c = nominated(page)
    c.open_task("accept_sympathiser", BRANCH)
    for outsider in ("designer", "cb_btx"):
        sign_in(page, outsider)
        assert page.goto(f"/ho-so/{c.case_id}/so-do").status == 404
        assert page.goto(f"/ho-so/{c.case_id}/so-do/du-lieu").status == 404


def ids_and_bounds(xml: bytes) -> tuple[set[str], dict[str, tuple]]:
    """The semantic element ids, and each DI shape's bounds by the element it draws."""
    root = etree.fromstring(xml)
    diagram = f"{{{'http://www.omg.org/spec/BPMN/20100524/DI'}}}BPMNDiagram"
    ids = {
        node.get("id")
        for node in root.iter()
        if isinstance(node.tag, str)
        and node.get("id")
        and not any(a.tag == diagram for a in node.iterancestors())
        and node.tag != diagram
    }
    bounds = {}
    for shape in root.iter(f"{{{DI.replace('/DI', '/DI')}}}BPMNShape"):
        box = shape.find(f"{{{DC}}}Bounds")
        bounds[shape.get("bpmnElement")] = tuple(
            float(box.get(k)) for k in ("x", "y", "width", "height")
        )
    return ids, bounds


ROUND_TRIP = """async (xml) => {
  const result = await window.ketnapImport(xml);
  const saved = await window.ketnapModeler.saveXML({ format: true });
  return saved.xml;
}"""


@pytest.fixture(scope="module")
def designer_draft(browser, tmp_path_factory):
    """The designer signed in, on the modeler of a draft of the admission process: one
    server, session and draft for this module's modeler tests (the page only reads and
    imports diagrams in the browser; nothing is saved)."""
    with (
        cheap_password_hashing(),
        serve(tmp_path_factory.mktemp("modeler")) as base_url,
        new_page(browser, base_url) as page,
    ):
        sign_in(page, "designer")
        page.goto("/thiet-ke/admission")
        page.get_by_test_id("edit-version").first.click()
        expect(page.locator("#modeler-page[data-ready=true]")).to_have_count(1)
        yield page


@pytest.fixture
def modeler_page(designer_draft):
    """The draft's modeler, loaded afresh for each test."""
    designer_draft.reload()
    expect(designer_draft.locator("#modeler-page[data-ready=true]")).to_have_count(1)
    return designer_draft


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - NOT_DRAWABLE))
def test_third_party_file_keeps_elements_and_layout_through_the_modeler(modeler_page, name):
    original = (THIRDPARTY / name).read_bytes()
    text = original.decode("utf-8")
    saved = modeler_page.evaluate(ROUND_TRIP, text).encode("utf-8")
    before, after = ids_and_bounds(original), ids_and_bounds(saved)
    assert before[0] <= after[0], sorted(before[0] - after[0])
    assert before[1] == after[1]


def test_a_file_without_layout_is_said_so_and_a_large_one_round_trips(modeler_page):
    message = modeler_page.evaluate(
        """async (xml) => {
        try { await window.ketnapImport(xml); return 'imported'; }
        catch (err) { return err.message; } }""",
        (THIRDPARTY / "no_layout.bpmn").read_text("utf-8"),
    )
    assert "no diagram" in message.lower() or message == "imported"
    wide = wide_process(branches=40, length=12)  # 480 tasks, 520 flows and their DI
    saved = modeler_page.evaluate(ROUND_TRIP, wide.decode("utf-8")).encode("utf-8")
    assert ids_and_bounds(wide) == ids_and_bounds(saved)


def test_case_diagram_tabs_name_processes_and_zoom_buttons_work(page):
    c = nominated(page)
    c.open_task("accept_sympathiser", BRANCH)  # learns the case's number
    sign_in(page, "auditor")
    page.goto(f"/ho-so/{c.case_id}/so-do")
    expect(page.locator("#diagram-page[data-ready=true]")).to_have_count(1)
    tab = page.locator("[data-file='decision.bpmn']")
    expect(tab).to_have_text("Thẩm định, quyết định kết nạp")  # the process, not the file
    zoom = "() => window.ketnapViewer.get('canvas').zoom()"
    fitted = page.evaluate(zoom)
    page.get_by_test_id("zoom-in").click()
    assert page.evaluate(zoom) > fitted * 1.2
    page.get_by_test_id("zoom-out").click()
    page.get_by_test_id("zoom-out").click()
    assert page.evaluate(zoom) < fitted
    page.get_by_test_id("zoom-fit").click()
    assert abs(page.evaluate(zoom) - fitted) < 0.01
