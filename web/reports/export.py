"""A report's tables as an Excel workbook (openpyxl) and as a printable PDF (fpdf2 with
DejaVu Sans, which has every Vietnamese letter): one sheet per table, one PDF section
per table, the same values as the page."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.spreadsheets import safe_cell
from workflows.admission.reports.documents.fonts import add_family

from .tables import Table, shown

HEADER_ROW = 3  # the sheet's title, a line about the report, a blank, then the table
DATE_FORMAT = "DD/MM/YYYY"  # as the pages write dates; the cell holds the date itself
PDF_FONT = "DejaVuSans"


def _put(sheet: Worksheet, row: int, values: list) -> None:
    """One row of cells. Text is written as text, whatever it starts with: openpyxl would
    store a string starting with "=" as a formula (and "#N/A" as an error) by itself, and
    a character XML cannot hold would make it refuse the whole file."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
        else:
            cell.value = value
            if isinstance(value, date):  # a date a spreadsheet sorts and counts with
                cell.number_format = DATE_FORMAT


def workbook(title: str, subtitle: str, tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        _put(sheet, 1, [table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        _put(sheet, 2, [f"{title} · {subtitle}"])
        _put(sheet, HEADER_ROW + 1, table.columns)
        for cell in sheet[HEADER_ROW + 1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(table.values(), start=HEADER_ROW + 2):
            _put(sheet, number, row)
        # The column headings stay in sight as the rows scroll by.
        sheet.freeze_panes = f"A{HEADER_ROW + 2}"
        for index, _column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 18 if index > 1 else 48
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# A list of cases is printed a line per case: fpdf2's tables lay out every cell (about
# 5 ms a row, minutes for a city's 16,000 cases waiting on a date); text put at set
# places costs a few hundredths of that.
LIST_LINE = 4.2  # mm
LIST_CHAR = 1.7  # mm: wider than DejaVu Sans's average letter at 8 pt, to cut text by


def _clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pdf_list(pdf: FPDF, table: Table) -> None:
    """The rows of a list of cases at fixed columns (the last, a date, narrower), the
    headings again at the top of each page; text longer than its column is cut."""
    parts = [2] * (len(table.columns) - 1) + [1]
    widths = [pdf.epw * part / sum(parts) for part in parts]
    limits = [int(width / LIST_CHAR) for width in widths]

    def line(values: list, style: str = "") -> None:
        pdf.set_font(style=style, size=8)
        x = pdf.l_margin
        for value, width, limit in zip(values, widths, limits, strict=True):
            pdf.text(x, pdf.y + LIST_LINE - 1.2, _clipped(str(shown(value)), limit))
            x += width
        pdf.set_y(pdf.y + LIST_LINE)

    def on_a_new_page_if_full() -> None:
        if pdf.y + LIST_LINE > pdf.h - pdf.b_margin:
            pdf.add_page()
            line(table.columns, "B")

    if pdf.y + 2 * LIST_LINE > pdf.h - pdf.b_margin:  # headings with no row under them
        pdf.add_page()
    line(table.columns, "B")
    for values in table.values():
        on_a_new_page_if_full()
        line(values)


def _pdf_table(pdf: FPDF, table: Table) -> None:
    pdf.set_font(style="B", size=11)
    pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=8)
    if not table.rows:
        pdf.cell(0, 6, "—", new_x="LMARGIN", new_y="NEXT")
    elif table.figure is not None:
        _pdf_list(pdf, table)
    else:
        first = 3 if len(table.columns) > 2 else 1
        widths = (first, *([1] * (len(table.columns) - 1)))
        with pdf.table(
            col_widths=widths,
            headings_style=FontFace(emphasis="BOLD"),
            line_height=4.5,
            text_align="LEFT",
        ) as drawn:
            for values in [table.columns, *table.values()]:
                row = drawn.row()
                for value in values:
                    row.cell(str(shown(value)))
    pdf.ln(5)


def pdf(title: str, subtitle: str, tables: list[Table]) -> bytes:
    document = FPDF(orientation="L", format="A4")
    document.set_margins(12, 12, 12)
    document.set_auto_page_break(True, margin=12)
    document.set_title(title)
    document.set_font(add_family(document, PDF_FONT), size=10)
    document.add_page()
    document.set_font(style="B", size=15)
    document.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    document.set_font(style="", size=10)
    document.multi_cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    for table in tables:
        _pdf_table(document, table)
    return bytes(document.output())
