"""Personal data taken out is audited: Mẫu documents, report downloads and case reads
through the API each write one event (who, what, which case or report); lists and
refusals write none (issue 14, item 6)."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.models import Event
from tests.support.api import api_as, only_task, start
from tests.support.driving import DOSSIER, do, factory, item_id
from tests.support.driving import start as start_here
from tests.support.webapp import login
from web.reports.compute import today
from workflows.admission import rules

from .test_files import PDF, download_links, upload

KINDS = ("document_exported", "attachment_downloaded", "report_exported", "case_read")


def _disclosures(app) -> list[tuple]:
    with factory(app)() as s:
        events = s.execute(select(Event).where(Event.kind.in_(KINDS)).order_by(Event.seq))
        return [(e.kind, e.actor, e.case_id, json.loads(e.data)) for e in events.scalars()]


def test_document_downloads_are_audited(app):
    case = start_here(app, birth_date=rules.add_months(rules.today(), -(19 * 12)))
    do(app, case, *DOSSIER, "branch_vote")
    branch = login(app.test_client(), "cb_tp")
    for fmt in ("pdf", "docx"):
        assert branch.get(f"/bao-cao/van-ban/{case}/mau-6.{fmt}").status_code == 200
    assert branch.get(f"/bao-cao/van-ban/{case}/mau-9.pdf").status_code == 404  # not yet
    other = login(app.test_client(), "cb_btx")
    assert other.get(f"/bao-cao/van-ban/{case}/mau-6.pdf").status_code == 404
    assert _disclosures(app) == [
        ("document_exported", "cb_tp", case, {"document": "mau-6", "format": "pdf"}),
        ("document_exported", "cb_tp", case, {"document": "mau-6", "format": "docx"}),
    ]


def test_report_downloads_are_audited_and_pages_are_not(app):
    board = login(app.test_client(), "btc")
    assert board.get("/bao-cao/tien-do").status_code == 200
    assert board.get("/bao-cao/tien-do.xlsx?year=2025").status_code == 200
    assert board.get("/bao-cao/so-lieu.pdf?year=2024&unit=THPT-TP").status_code == 200
    assert login(app.test_client(), "cb_tp").get("/bao-cao/tien-do.xlsx").status_code == 403
    assert _disclosures(app) == [
        (
            "report_exported",
            "btc",
            None,
            {"report": "tien-do", "format": "xlsx", "committee": "TU-DL", "year": 2025},
        ),
        (
            "report_exported",
            "btc",
            None,
            {
                "report": "so-lieu",
                "format": "pdf",
                "committee": "TU-DL",
                "year": 2024,
                "unit": "THPT-TP",
            },
        ),
    ]


def test_case_reads_through_the_api_are_audited_and_lists_are_not(app):
    body = start(api_as(app, "dt_tp"))
    case, task = body["id"], only_task(body)["id"]
    branch = api_as(app, "cb_tp")
    for path in (f"/api/v1/cases/{case}", f"/api/v1/cases/{case}/history", f"/api/v1/tasks/{task}"):
        assert branch.get(path).status_code == 200, path
    for path in ("/api/v1/cases", "/api/v1/tasks"):  # lists: names only, and the inbox
        assert branch.get(path).status_code == 200, path
    assert api_as(app, "cb_btx").get(f"/api/v1/cases/{case}").status_code == 404
    assert api_as(app, "btc").get("/api/v1/reports/pipeline").status_code == 200
    assert _disclosures(app) == [
        ("case_read", "cb_tp", case, {"via": "api", "part": "case"}),
        ("case_read", "cb_tp", case, {"via": "api", "part": "history"}),
        ("case_read", "cb_tp", case, {"via": "api", "part": "task", "task": task}),
        (
            "report_exported",
            "btc",
            None,
            {
                "report": "tien-do",
                "format": "json",
                "committee": "TU-DL",
                "year": today().year,
                "via": "api",
            },
        ),
    ]


def test_a_read_is_recorded_after_what_it_read(app):
    """The history a client reads does not yet hold the read's own event; the next does."""
    case = start(api_as(app, "dt_tp"))["id"]
    branch = api_as(app, "cb_tp")
    first = [e["kind"] for e in branch.get(f"/api/v1/cases/{case}/history").get_json()]
    second = [e["kind"] for e in branch.get(f"/api/v1/cases/{case}/history").get_json()]
    assert "case_read" not in first and second == [*first, "case_read"]


def test_attachment_downloads_are_audited(app):
    case = start_here(app)
    branch = login(app.test_client(), "cb_tp")
    assert (
        upload(branch, item_id(app, case, "accept_sympathiser"), PDF, "don.pdf").status_code == 302
    )
    [link] = download_links(branch.get(f"/ho-so/{case}").get_data(True))
    assert branch.get(link).status_code == 200
    assert login(app.test_client(), "cb_btx").get(link).status_code == 404
    attachment = int(link.rsplit("/", 1)[1])
    assert _disclosures(app) == [
        ("attachment_downloaded", "cb_tp", case, {"attachment": attachment, "filename": "don.pdf"})
    ]
