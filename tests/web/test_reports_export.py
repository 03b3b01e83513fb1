"""A report's PDF prints a list of cases a line per case, every case, the headings again
on each page; text too long for its column is cut, never run into the next one."""

from __future__ import annotations

import re
from datetime import date

from web.reports import export
from web.reports.tables import Cell, Table


def _list(rows: int) -> Table:
    table = Table("du-bi", "Đảng viên đang trong thời gian dự bị", ["Hồ sơ", "Đơn vị", "Ngày"])
    table.figure = "probation"
    table.rows = [
        [Cell(f"Nguyễn Văn Thành {n}"), Cell("Chi bộ Trường THPT Trần Phú"), Cell(date(2027, 3, 1))]
        for n in range(rows)
    ]
    return table


def _pages(body: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", body))


def test_a_long_list_of_cases_fills_as_many_pages_as_its_rows_need(app):
    with app.test_request_context():
        short = export.pdf("Tiến độ", "ngày 01/01/2027", [_list(10)])
        long = export.pdf("Tiến độ", "ngày 01/01/2027", [_list(1000)])
    lines_a_page = int((210 - 2 * 12) / export.LIST_LINE)  # A4 landscape, 12 mm margins
    assert _pages(short) == 1
    assert _pages(long) >= 1000 // lines_a_page + 1


def test_text_longer_than_its_column_is_cut():
    assert export._clipped("Chi bộ", 10) == "Chi bộ"
    cut = export._clipped("Đảng bộ Trường THPT Chuyên Thăng Long", 12)
    assert len(cut) == 12 and cut.endswith("…") and cut.startswith("Đảng bộ Trư")
