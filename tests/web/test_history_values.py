"""Histories people read: the forms' labels and formatted values on the auditor's timeline,
its CSV and PDF lines, local times, the person and the unit; the case page's history
names the unit too; the outcome filter "Đã kết nạp" finds members still in probation."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from sqlalchemy import select, update

from engine.cases import unit_of_work
from engine.models import Case, Event
from engine.projection import notify_stored
from engine.registry import registry
from tests.support.driving import DOSSIER, do, factory, start
from tests.support.webapp import login
from web.history_values import NONE, Change, FieldBook, lines, text
from web.i18n import LOCAL

FORMS = {
    "start": {
        "fields": [
            {"name": "full_name", "label": "Họ và tên", "type": "string"},
            {"name": "birth_date", "label": "Ngày sinh", "type": "date"},
        ]
    },
    "vote": {
        "fields": [
            {"name": "meeting_date", "label": "Ngày họp chi bộ", "type": "date"},
            {
                "name": "decision",
                "label": "Quyết định",
                "type": "choice",
                "choices": [{"value": "admit", "label": "Kết nạp"}],
            },
            {
                "name": "people",
                "label": "Người giới thiệu",
                "type": "list",
                "fields": [
                    {"name": "name", "label": "Họ tên", "type": "string"},
                    {"name": "official", "label": "Là đảng viên chính thức", "type": "boolean"},
                ],
            },
        ]
    },
}
ELEMENTS = {"p": {"nodes": {"branch_vote": {"tag": "userTask", "form": "vote"}}}}


def test_values_are_formatted_by_their_fields(app):
    with app.test_request_context():
        book = FieldBook(FORMS, ELEMENTS)
        shown = book.changes(
            {
                "people": [None, [{"name": "Lê An", "official": True}, {"name": "Võ Ba"}]],
                "decision": [None, "admit"],
                "meeting_date": ["2025-10-01", "2025-10-06"],
                "probation_end": [None, "2026-11-25"],  # computed by a script
                "mystery": [None, None],
            },
            step="branch_vote",
        )
        assert [c.label for c in shown] == [
            "Ngày họp chi bộ",  # the step's form first, in its order
            "Quyết định",
            "Người giới thiệu",
            "Ngày hết thời hạn dự bị",  # the domain's derived fields by their label
            "mystery",  # a field named nowhere keeps its name
        ]
        assert shown[0].before == ["01/10/2025"] and shown[0].after == ["06/10/2025"]
        assert shown[1].after == ["Kết nạp"]
        assert shown[2].before == [NONE]
        assert shown[2].after == ["Họ tên: Lê An; Là đảng viên chính thức: Có", "Họ tên: Võ Ba"]
        assert shown[4].after == [NONE]
        assert text(None, False) == "Không" and text(None, ["a", "b"]) == "a, b"
        assert text({"type": "unit"}, "THPT-TP") == "Chi bộ Trường THPT Trần Phú"
        assert text(None, "2026-12-05T01:30:00+00:00") == "05/12/2026 08:30"  # local time
        assert lines(None, None) == [NONE] and lines(None, {}) == [NONE]
        started = book.values({"birth_date": "2008-08-02", "full_name": "An", "x": None}, "start")
        assert [(c.label, c.after) for c in started] == [
            ("Họ và tên", ["An"]),
            ("Ngày sinh", ["02/08/2008"]),
        ]


def test_changes_read_as_sentences():
    assert Change("d", "Ngày họp", ["01/10/2025"], ["06/10/2025"]).sentence() == (
        "Ngày họp: 01/10/2025 → 06/10/2025"
    )
    assert Change("p", "Người", [NONE], ["A", "B"]).sentence() == "Người: A; B"  # new
    assert Change("n", "Ghi chú", [NONE], ["x" * 10]).sentence(limit=4) == "Ghi chú: xxxx…"


def test_the_timeline_and_its_csv_use_labels_local_time_person_and_unit(app):
    case_id = start(app)
    do(app, case_id, *DOSSIER[:7], who="cb_tp")  # up to the introductions: a list
    auditor = login(app.test_client(), "auditor")
    page = auditor.get(f"/kiem-tra/ho-so/{case_id}").get_data(True)
    # What the page shows, without its markup (attributes name the fields, for tests).
    timeline = re.sub(r"<[^>]+>", " ", page[page.index('data-testid="timeline"') :])
    assert "Người giới thiệu" in timeline and "Ngày sinh" in timeline
    assert re.search(r'<ol class="mb-0 ps-3"><li>Người giới thiệu là: ', page)
    for raw in ("introducers", "birth_date", "None", "True", "False", "[{"):
        assert raw not in timeline, raw

    response = auditor.get(f"/kiem-tra/ho-so/{case_id}/nhat-ky.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, *rows = list(csv.reader(io.StringIO(response.get_data(True).lstrip("\ufeff"))))
    assert header[:2] == ["Số thứ tự", "Thời gian (giờ Việt Nam)"]
    with factory(app)() as s:
        first = (
            s.execute(select(Event).where(Event.case_id == case_id).order_by(Event.seq))
            .scalars()
            .first()
        )
        first_at = first.at
    started = [row for row in rows if row[2] == "Mở hồ sơ"]
    assert {row[1] for row in started} == {_local(first_at)}
    assert started[0][4] == "DT_TP" and started[0][5] == "Chi bộ Trường THPT Trần Phú"
    birth = next(row for row in started if row[7] == "Ngày sinh")
    assert birth[8] == "—" and re.fullmatch(r"\d{2}/\d{2}/\d{4}", birth[9])
    labels = {row[7] for row in rows}
    assert "Người giới thiệu" in labels and "introducers" not in labels
    intro = next(row for row in rows if row[7] == "Người giới thiệu")
    assert intro[9].count("\n") == 1 and "Có" in intro[9]  # two introducers, one a line


def _local(at: datetime) -> str:
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL).strftime("%d/%m/%Y %H:%M")


def test_the_search_csv_gives_local_times(app):
    case_id = start(app)
    auditor = login(app.test_client(), "auditor")
    body = auditor.get("/kiem-tra/tim-kiem.csv").get_data(True).lstrip("\ufeff")
    header, row = list(csv.reader(io.StringIO(body)))
    with factory(app)() as s:
        created = s.get(Case, case_id).created_at
    assert header[5] == "Mở lúc (giờ Việt Nam)" and row[5] == _local(created)


def test_the_case_page_history_names_the_unit_and_the_values(app):
    case_id = start(app)
    do(app, case_id, DOSSIER[0], who="cb_tp")
    page = login(app.test_client(), "cb_tp").get(f"/ho-so/{case_id}").get_data(True)
    assert re.search(r"— CB_TP, Chi bộ Trường THPT Trần Phú</span>", page)
    history = page[page.index('data-testid="history"') :]
    assert re.search(r"<li>Ngày chi bộ ra nghị quyết: \d{2}/\d{2}/\d{4}</li>", history)
    assert "<li>Ngày sinh: " in history and "sympathiser_date" not in history


def test_admitted_finds_members_in_probation(app):
    probation, closed, other = start(app), start(app), start(app)
    with unit_of_work(factory(app)) as s:
        # What the decision's script leaves while probation runs, and a closed admission.
        for case_id in (probation, closed):
            case = s.get(Case, case_id)
            case.data = {**case.data, "outcome": "admitted"}
        s.execute(update(Case).where(Case.id == closed).values(status="closed", outcome="admitted"))
        for case_id in (probation, closed):  # as the engine does when it stores a case
            notify_stored(s, s.get(Case, case_id), registry)
    auditor = login(app.test_client(), "auditor")

    def found(outcome: str) -> set[int]:
        page = auditor.get("/kiem-tra/", query_string={"outcome": outcome}).get_data(True)
        return {int(n) for n in re.findall(r'data-testid="audit-row" data-case-id="(\d+)"', page)}

    assert found("admitted") == {probation, closed}
    assert found("none") == {other}
    page = auditor.get("/kiem-tra/", query_string={"outcome": "admitted"}).get_data(True)
    assert "Đã kết nạp, đang dự bị" in page
