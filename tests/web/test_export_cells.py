"""Exports hold no formulas: a candidate or unit named like a formula is text in every CSV
and XLSX download, and numbers stay numbers (issue 14, item 4)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import update

from engine.cases import unit_of_work
from engine.models import Case
from engine.spreadsheets import safe_cell, safe_row
from tests.support import report_data as rd
from tests.support.driving import factory, start
from tests.support.webapp import login
from workflows.admission.models import Unit
from workflows.admission.reports.models import AdmissionFacts

PAYLOADS = ['=HYPERLINK("http://evil","x")', "+1+1", "@SUM(1)", "-2+3"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Units renamed to start with a payload; the targets report finds schools and enterprises
# by the words in their names, so the words stay.
UNIT_NAMES = {
    "THPT-TP": PAYLOADS[0] + " THPT",
    "THPT-BTX": PAYLOADS[1] + " THPT",
    "THPT-TL": PAYLOADS[2] + " THPT",
    "DN-LB": PAYLOADS[3] + " công ty",
}


def test_text_a_spreadsheet_would_run_gets_a_quote_and_nothing_else_changes():
    for text in [*PAYLOADS, "\tx", "\r=1", "=", "-"]:
        assert safe_cell(text) == "'" + text
    for value in (-2, -2.5, 0, 7, None, True, "Nguyễn Văn An", "'=quoted already", "1-2", " =1"):
        assert safe_cell(value) == value
    assert safe_row(["=1", -1, "a"]) == ["'=1", -1, "a"]


def _rename_units(app) -> None:
    with unit_of_work(factory(app)) as session:
        for code, name in UNIT_NAMES.items():
            session.execute(
                update(Unit)
                .where(Unit.code == code)
                .values(name=name, updated_at=datetime.now(UTC))
            )


def test_the_auditors_csv_keeps_formulas_as_text(app):
    ids = [start(app, full_name=name) for name in PAYLOADS]
    _rename_units(app)
    auditor = login(app.test_client(), "auditor")
    body = auditor.get("/kiem-tra/tim-kiem.csv").get_data(True).lstrip("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body)))
    by_id = {int(row[0]): row for row in rows}
    assert sorted(by_id) == sorted(ids)  # the case number is still a plain number
    assert {by_id[case][1] for case in ids} == {"'" + name for name in PAYLOADS}
    assert {by_id[case][2] for case in ids} == {"'" + UNIT_NAMES["THPT-TP"]}
    for row in [header, *rows]:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row


def test_report_workbooks_keep_formulas_as_text_and_numbers_as_numbers(app):
    seeded = rd.seed(factory(app))
    _rename_units(app)
    with unit_of_work(factory(app)) as session:  # S5 waits for the 18th birthday
        for model, key in ((Case, Case.id), (AdmissionFacts, AdmissionFacts.case_id)):
            session.execute(update(model).where(key == seeded["S5"]).values(title=PAYLOADS[0]))
    board = login(app.test_client(), "btc")
    found: set[str] = set()
    books = {}
    for name in ("chi-tieu", "tien-do", "so-lieu", "tao-nguon"):
        response = board.get(f"/bao-cao/{name}.xlsx?year={rd.TODAY.year}")
        assert response.status_code == 200, name
        books[name] = load_workbook(io.BytesIO(response.data))
        cells = [c for sheet in books[name].worksheets for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], name
        texts = [c for c in cells if isinstance(c.value, str)]
        assert all(c.data_type == "s" for c in texts), name
        assert not [c.value for c in texts if c.value.startswith(FORMULA_STARTS)], name
        found.update(c.value for c in texts)
        # Counts are still numbers a spreadsheet adds up.
        assert any(c.data_type == "n" and isinstance(c.value, int) for c in cells), name
    assert {"'" + name for name in UNIT_NAMES.values()} <= found
    birthday = list(books["tien-do"]["cho-du-tuoi"].iter_rows(min_row=5, values_only=True))
    assert [row[:2] for row in birthday] == [("'" + PAYLOADS[0], "'" + UNIT_NAMES["THPT-BTX"])]


def test_report_workbooks_hold_dates_as_dates_under_a_frozen_header(app):
    seeded = rd.seed(factory(app))
    board = login(app.test_client(), "btc")
    response = board.get(f"/bao-cao/tien-do.xlsx?year={rd.TODAY.year}")
    book = load_workbook(io.BytesIO(response.data))
    assert {sheet.freeze_panes for sheet in book.worksheets} == {"A5"}  # headings on row 4
    sheet = book["cho-du-tuoi"]
    assert sheet["C4"].value == "Ngày đủ 18 tuổi"
    [cell] = [row[2] for row in sheet.iter_rows(min_row=5)]
    with unit_of_work(factory(app)) as session:
        birthday = session.get(Case, seeded["S5"]).data["waiting_until"]
    assert isinstance(cell.value, datetime) and cell.value.date().isoformat() == birthday
    assert cell.number_format == "DD/MM/YYYY" and cell.is_date
    # The page and the PDF still write it as people read dates.
    page = board.get(f"/bao-cao/tien-do?year={rd.TODAY.year}").get_data(True)
    y, m, d = birthday.split("-")
    assert f"{d}/{m}/{y}" in page
