"""A document (``model``) as DOCX, in Times New Roman as party documents are typed, for
the branch or the board to complete and sign (python-docx)."""

from __future__ import annotations

from io import BytesIO

from docx import Document as Docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from .model import Closing, Document, Paragraph, Title

FONT = "Times New Roman"
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY


def _lines(cell, lines, size: float, bold) -> None:
    """Centred lines in a table cell (the heading's and the closing's two columns);
    ``bold``: the indexes set in bold; a date or a note in brackets in italics."""
    cell.paragraphs[0].text = ""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = CENTER
        run = paragraph.add_run(line)
        run.bold = index in bold
        run.italic = line.startswith("(") or ", ngày " in line
        run.font.size = Pt(size)


def _two_columns(docx: DocxDocument, left, right, sizes, bold) -> None:
    table = docx.add_table(rows=1, cols=2)
    _lines(table.cell(0, 0), left, sizes[0], bold[0])
    _lines(table.cell(0, 1), right, sizes[1], bold[1])


def _block(docx: DocxDocument, block) -> None:
    if isinstance(block, Title):
        for index, line in enumerate(block.lines):
            paragraph = docx.add_paragraph()
            paragraph.alignment = CENTER
            run = paragraph.add_run(line)
            run.bold, run.font.size = True, Pt(15 if index == 0 else 14)
    elif isinstance(block, Paragraph):
        paragraph = docx.add_paragraph()
        paragraph.alignment = CENTER if block.center else JUSTIFY
        paragraph.add_run(block.text).bold = block.bold
    elif isinstance(block, Closing):
        _two_columns(docx, block.recipients, block.signature, (11, 14), ({0}, {0, 1}))


def render_docx(document: Document) -> bytes:
    docx = Docx()
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    style = docx.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    docx.core_properties.title = document.code
    heading = document.heading
    issuer = heading.left.index(heading.issuer)
    _two_columns(docx, heading.left, heading.right, (13, 13), ({issuer}, {0}))
    for block in document.blocks:
        _block(docx, block)
    out = BytesIO()
    docx.save(out)
    return out.getvalue()
