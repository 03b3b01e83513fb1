"""A diagram from SpiffArena keeps its instructions for the person doing a step
(``spiffworkflow:instructionsForEndUser``): the task page shows them as plain text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine import definitions
from engine.cases import unit_of_work
from engine.models import WorkItem
from tests.support.api import api_as

from .test_inbox import as_user

EVENTS = Path(__file__).resolve().parents[1] / "engine" / "data" / "events"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _with_instructions(diagram: str) -> str:
    return diagram.replace(
        'xmlns:ketnap="urn:ketnap:bpmn:1"',
        f'xmlns:ketnap="urn:ketnap:bpmn:1" xmlns:spiffworkflow="{SPIFF}"',
    ).replace(
        '<bpmn:userTask id="t_review" name="Xem đề nghị" ketnap:form="step"/>',
        '<bpmn:userTask id="t_review" name="Xem đề nghị" ketnap:form="step">'
        "<bpmn:extensionElements><spiffworkflow:instructionsForEndUser>"
        "Đọc kỹ đề nghị &lt;b&gt;trước&lt;/b&gt; khi trả lời.\nGhi rõ lý do."
        "</spiffworkflow:instructionsForEndUser></bpmn:extensionElements></bpmn:userTask>",
    )


def _review_page(app, diagram: str) -> str:
    """Deploy ``diagram``, start a case of it as the branch, open its review task."""
    files = {
        "request.bpmn": diagram.encode("utf-8"),
        "step.json": (EVENTS / "forms" / "step.json").read_bytes(),
        "request_start.json": (EVENTS / "forms" / "request_start.json").read_bytes(),
    }
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        definitions.deploy(s, files, "designer")
    start = {"definition": "request", "data": {"branch": "THPT-TP", "note": "Đề nghị"}}
    answer = api_as(app, "cb_tp").post("/api/v1/cases", json=start)
    assert answer.status_code == 201, answer.get_json()
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        item = s.execute(select(WorkItem.id).where(WorkItem.step == "t_review")).scalar_one()
    return as_user(app, "cb_tp").get(f"/viec/{item}").get_data(as_text=True)


def test_the_task_page_shows_a_spiffarena_steps_instructions_as_text(app):
    diagram = _with_instructions((EVENTS / "request.bpmn").read_text(encoding="utf-8"))
    page = _review_page(app, diagram)
    assert 'data-testid="element-instructions"' in page
    # Shown as written, escaped: the designer's markup is text, not HTML.
    assert "Đọc kỹ đề nghị &lt;b&gt;trước&lt;/b&gt; khi trả lời.\nGhi rõ lý do." in page


def test_a_step_without_instructions_shows_none(app):
    page = _review_page(app, (EVENTS / "request.bpmn").read_text(encoding="utf-8"))
    assert 'data-testid="element-instructions"' not in page
