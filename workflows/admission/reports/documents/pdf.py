"""A document (``model``) as an A4 PDF set in Liberation Serif (Times New Roman's
metrics), margins as party documents
use them (Hướng dẫn 36-HD/VPTW: 20–25 mm left, 15–20 mm right)."""

from __future__ import annotations

from fpdf import FPDF

from .fonts import add_family
from .model import Closing, Document, Paragraph, Title

BODY = 12.5
LINE = 6.5


def _style(line: str, bold: bool) -> str:
    """Bold where asked; a date line or a signer's note in brackets in italics."""
    italic = line.startswith("(") or ", ngày " in line
    return ("B" if bold else "") + ("I" if italic else "")


def _column(pdf: FPDF, x: float, width: float, lines, size: float, bold, align: str = "C") -> float:
    """Lines in a column from the current top (``bold``: the indexes set in bold);
    returns where they end."""
    top = pdf.get_y()
    for index, line in enumerate(lines):
        pdf.set_font(style=_style(line, index in bold), size=size)
        pdf.set_xy(x, pdf.get_y())
        pdf.multi_cell(width, LINE, line, align=align, new_x="LMARGIN", new_y="NEXT")
    end = pdf.get_y()
    pdf.set_y(top)
    return end


def _heading(pdf: FPDF, document: Document) -> None:
    half = pdf.epw / 2
    heading = document.heading
    issuer = heading.left.index(heading.issuer)
    left = _column(pdf, pdf.l_margin * 0.6, half, heading.left, 12, {issuer})
    right = _column(pdf, pdf.l_margin + half * 0.9, half * 1.1, heading.right, 13, {0})
    # The rule under "ĐẢNG CỘNG SẢN VIỆT NAM", as the printed heading has it.
    middle = pdf.l_margin + half * 1.45
    pdf.line(middle - 30, pdf.get_y() + LINE + 0.2, middle + 30, pdf.get_y() + LINE + 0.2)
    pdf.set_y(max(left, right) + LINE)


def _block(pdf: FPDF, block) -> None:
    if isinstance(block, Title):
        for index, line in enumerate(block.lines):
            pdf.set_font(style="B", size=15 if index == 0 else BODY)
            pdf.multi_cell(0, LINE + 1, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(LINE / 2)
    elif isinstance(block, Paragraph):
        pdf.set_font(style="B" if block.bold else "", size=BODY)
        pdf.multi_cell(
            0, LINE, block.text, align="C" if block.center else "J", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(1.5)
    elif isinstance(block, Closing):
        pdf.ln(LINE)
        half = pdf.epw / 2
        left = _column(pdf, pdf.l_margin, half, block.recipients, 10.5, {0}, "L")
        right = _column(pdf, pdf.l_margin + half, half, block.signature, BODY, {0, 1})
        pdf.set_y(max(left, right))


def render_pdf(document: Document) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 18)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(document.code)
    pdf.set_font(add_family(pdf, "LiberationSerif"), size=BODY)
    pdf.add_page()
    _heading(pdf, document)
    for block in document.blocks:
        _block(pdf, block)
    return bytes(pdf.output())
