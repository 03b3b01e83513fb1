"""A case history as an A4 PDF, set in DejaVu Sans like the party documents are in
DejaVu Serif: the PDF core fonts have no Vietnamese letters with their marks."""

from __future__ import annotations

from flask_babel import gettext as _
from fpdf import FPDF

from workflows.admission.reports.documents.fonts import add_family

from ..i18n import format_datetime
from ..labels import person, unit_name
from .records import Entry

SIZE = 9.5
LINE = 5


def _entry(pdf: FPDF, entry: Entry) -> None:
    event = entry.event
    pdf.set_font(style="B", size=SIZE)
    head = f"#{event.seq} · {format_datetime(event.at)} · {entry.what}"
    if entry.step:
        head += f" · {entry.step}"
    pdf.multi_cell(0, LINE, head, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=SIZE)
    who = person(event.actor) or event.actor
    place = unit_name(event.unit) if event.unit else ""
    pdf.multi_cell(
        0,
        LINE,
        " · ".join(p for p in (who, place, event.client or "") if p),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if entry.detail:
        pdf.multi_cell(0, LINE, entry.detail, new_x="LMARGIN", new_y="NEXT")
    for change in entry.shown:
        pdf.multi_cell(0, LINE, "    " + change.sentence(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def render(case, entries: list[Entry]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(_("Nhật ký hồ sơ số %(id)s", id=case.id))
    pdf.set_font(add_family(pdf, "DejaVuSans"), size=SIZE)
    pdf.add_page()
    pdf.set_font(style="B", size=14)
    pdf.multi_cell(0, 8, _("Nhật ký hồ sơ số %(id)s", id=case.id), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=11)
    pdf.multi_cell(0, 6, f"{case.title} · {unit_name(case.unit)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for entry in entries:
        _entry(pdf, entry)
    return bytes(pdf.output())
