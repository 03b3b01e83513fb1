"""The auditor's pages: search, timeline, exports (each audited once), the chain check,
and denied access recorded, one event a minute per user with a count."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, text

from engine.models import Event
from tests.support.driving import DOSSIER, do, factory, start
from tests.support.pdf import pdf_characters
from tests.support.webapp import login
from web import denials


@pytest.fixture(autouse=True)
def _fresh_denials():
    denials.reset()
    yield
    denials.reset()


def _events(app, kind: str) -> list[dict]:
    with factory(app)() as s:
        return [
            json.loads(e.data) | {"_actor": e.actor, "_case": e.case_id}
            for e in s.execute(
                select(Event).where(Event.kind == kind).order_by(Event.seq)
            ).scalars()
        ]


def test_search_by_candidate_unit_step_and_outcome(app):
    an = start(app)
    binh = start(app, full_name="Trần Thị Bình", gender="female")
    do(app, an, *DOSSIER[:2])
    auditor = login(app.test_client(), "auditor")

    def rows(**args):
        return auditor.get("/kiem-tra/", query_string=args).get_data(True)

    assert f'data-case-id="{binh}"' in rows(q="tran binh")
    assert f'data-case-id="{an}"' not in rows(q="tran binh")
    found = rows(step=DOSSIER[1])
    assert f'data-case-id="{an}"' in found and f'data-case-id="{binh}"' not in found
    assert f'data-case-id="{an}"' in rows(unit="THPT-TP", outcome="none")
    assert 'data-testid="empty"' in rows(outcome="admitted")
    assert 'data-testid="empty"' in rows(**{"from": "2001-01-01", "to": "2001-01-31"})
    csv = auditor.get("/kiem-tra/tim-kiem.csv", query_string={"q": "binh"})
    assert csv.status_code == 200 and "Trần Thị Bình" in csv.get_data(True)
    assert len(_events(app, "search_exported")) == 1


def test_timeline_shows_data_changes_and_exports_are_audited(app):
    case_id = start(app)
    do(app, case_id, DOSSIER[0])
    auditor = login(app.test_client(), "auditor")
    page = auditor.get(f"/kiem-tra/ho-so/{case_id}").get_data(True)
    assert 'data-kind="case_started"' in page and 'data-kind="task_completed"' in page
    assert 'data-testid="changes"' in page
    pdf = auditor.get(f"/kiem-tra/ho-so/{case_id}/nhat-ky.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # The fonts map glyphs to every letter of the candidate's name, marks included.
    assert set("Nguyễn Văn An") - {" "} <= pdf_characters(pdf.data)
    history = auditor.get(f"/kiem-tra/ho-so/{case_id}/nhat-ky.json").get_json(force=True)
    assert history["events"][0]["kind"] == "case_started"
    assert [e["format"] for e in _events(app, "history_exported")] == ["pdf", "json"]
    assert auditor.get(f"/kiem-tra/ho-so/{case_id}/nhat-ky.xml").status_code == 404
    assert auditor.get(f"/ho-so/{case_id}/so-do").status_code == 200


def test_case_data_export_for_those_who_see_the_case(app):
    from engine.attachments import add_attachment
    from engine.cases import Actor, unit_of_work

    case_id = start(app)
    pdf = b"%PDF-1.4\n% don xin vao Dang\n%%EOF\n"
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        add_attachment(
            s, case_id, "don.pdf", pdf, Actor("cb_tp"), root=Path(app.config["ATTACHMENTS_DIR"])
        )
    branch = login(app.test_client(), "cb_tp")
    assert 'data-testid="case-data-link"' in branch.get(f"/ho-so/{case_id}").get_data(True)
    archive = zipfile.ZipFile(io.BytesIO(branch.get(f"/kiem-tra/ho-so/{case_id}/du-lieu.zip").data))
    export = json.loads(archive.read("ho-so.json"))
    [attached] = export["attachments"]
    assert archive.read(f"tep/{attached['id']}-don.pdf") == pdf
    assert export["case"]["data"]["full_name"] == "Nguyễn Văn An"
    assert export["tasks"] and export["history"] and "state" not in export["case"]
    assert set(export) == {"case", "tasks", "comments", "attachments", "history"}
    other = login(app.test_client(), "cb_btx")
    assert other.get(f"/kiem-tra/ho-so/{case_id}/du-lieu.zip").status_code == 404
    assert [(e["_actor"], e["_case"]) for e in _events(app, "case_exported")] == [
        ("cb_tp", case_id)
    ]


def test_repeated_denials_are_one_event_a_minute_with_a_count(app, monkeypatch):
    case_id = start(app)
    other = login(app.test_client(), "cb_btx")
    now = [1000.0]
    monkeypatch.setattr(denials.time, "monotonic", lambda: now[0])
    for _ in range(5):
        assert other.get(f"/ho-so/{case_id}").status_code == 404
    assert len(_events(app, "access_denied")) == 1
    now[0] += 61
    assert other.get("/viec/999999").status_code == 404
    first, second = _events(app, "access_denied")
    assert (first["_actor"], first["path"], first["suppressed"]) == (
        "cb_btx",
        f"/ho-so/{case_id}",
        0,
    )
    assert (second["status"], second["suppressed"]) == (404, 4)


def test_unknown_urls_are_not_denials(app):
    login(app.test_client(), "cb_btx").get("/khong-co-trang-nay")
    assert _events(app, "access_denied") == []


def test_chain_page_names_the_first_broken_entry(app):
    start(app)
    auditor = login(app.test_client(), "auditor")
    assert 'data-testid="chain-intact"' in auditor.get("/kiem-tra/chuoi-nhat-ky").get_data(True)
    with factory(app)() as s:
        s.execute(text("UPDATE events SET actor = 'mallory' WHERE seq = 2"))
        s.commit()
    page = auditor.get("/kiem-tra/chuoi-nhat-ky").get_data(True)
    assert 'data-testid="chain-broken"' in page and "số 2." in page
