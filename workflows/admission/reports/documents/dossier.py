"""The whole dossier in one download: the generated forms in the procedure's order, then
the uploaded scans, behind a contents page (mục lục) that says where each begins; as one
PDF (pypdf joins the parts; an image scan becomes a page of its own) and as one ZIP
(the contents, each form in PDF and DOCX, each scan as it was uploaded)."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from ...tree import OrgTree
from . import KINDS, available, render
from .fonts import add_family
from .model import text


@dataclass(frozen=True)
class Scan:
    """An uploaded file of the case: its safe name, its sniffed type, its bytes."""

    name: str
    content_type: str
    body: bytes
    uploaded: str  # who and when, for the contents page


@dataclass(frozen=True)
class Part:
    title: str
    pdf: bytes
    pages: int


def _image_page(scan: Scan) -> bytes:
    """An image scan on an A4 page, fitted within the margins."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(BytesIO(scan.body), x=15, y=15, w=180, keep_aspect_ratio=True, h=267)
    return bytes(pdf.output())


def _pages(body: bytes) -> int:
    return len(PdfReader(BytesIO(body)).pages)


def _parts(tree: OrgTree, data: Mapping[str, Any], scans: Sequence[Scan]) -> list[Part]:
    parts = []
    for code in available(data):
        body, _name = render(code, "pdf", tree, data)
        parts.append(Part(KINDS[code].title, body, _pages(body)))
    for scan in scans:
        title = f"Tệp đính kèm: {scan.name} ({scan.uploaded})"
        try:
            body = scan.body if scan.content_type == "application/pdf" else _image_page(scan)
            parts.append(Part(title, body, _pages(body)))
        except (PdfReadError, ValueError, OSError):
            # A file pypdf or the image reader cannot open still has its line and page.
            body = _unreadable_page(scan)
            parts.append(Part(title, body, 1))
    return parts


def _unreadable_page(scan: Scan) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 18)
    pdf.set_font(add_family(pdf, "LiberationSerif"), size=12.5)
    pdf.add_page()
    pdf.multi_cell(
        0,
        7,
        f"Không ghép được tệp {scan.name} vào bản PDF này; tệp có trong bản ZIP của hồ sơ "
        "và tải riêng được từ trang hồ sơ.",
    )
    return bytes(pdf.output())


def _contents(data: Mapping[str, Any], parts: Sequence[Part], own_pages: int) -> bytes:
    """The contents page: each part with the page it starts on, counting this one."""
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 18)
    pdf.set_font(add_family(pdf, "LiberationSerif"), size=12.5)
    pdf.add_page()
    pdf.set_font(style="B", size=15)
    pdf.cell(0, 9, "MỤC LỤC HỒ SƠ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=12.5)
    pdf.cell(
        0,
        8,
        f"Người vào Đảng: {text(data.get('full_name'))}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    page = own_pages + 1
    for number, part in enumerate(parts, start=1):
        pdf.set_font(style="", size=12)
        y = pdf.get_y()
        pdf.multi_cell(pdf.epw - 22, 6.5, f"{number}. {part.title}", new_x="LMARGIN", new_y="NEXT")
        end = pdf.get_y()
        pdf.set_xy(pdf.l_margin + pdf.epw - 20, y)
        pdf.cell(20, 6.5, f"trang {page}", align="R")
        pdf.set_y(end + 1)
        page += part.pages
    return bytes(pdf.output())


def _contents_fitted(data: Mapping[str, Any], parts: Sequence[Part]) -> bytes:
    """A long list runs over a page: count the contents' own pages, then number again."""
    contents = _contents(data, parts, 1)
    pages = _pages(contents)
    return contents if pages == 1 else _contents(data, parts, pages)


def dossier_pdf(tree: OrgTree, data: Mapping[str, Any], scans: Sequence[Scan]) -> bytes:
    parts = _parts(tree, data, scans)
    writer = PdfWriter()
    for body in (_contents_fitted(data, parts), *(p.pdf for p in parts)):
        writer.append(BytesIO(body))
    writer.add_metadata({"/Title": f"Hồ sơ kết nạp: {text(data.get('full_name'))}"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def dossier_zip(tree: OrgTree, data: Mapping[str, Any], scans: Sequence[Scan]) -> bytes:
    parts = _parts(tree, data, scans)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00-muc-luc.pdf", _contents_fitted(data, parts))
        for number, code in enumerate(available(data), start=1):
            for fmt in ("pdf", "docx"):
                body, name = render(code, fmt, tree, data)
                archive.writestr(f"{number:02d}-{name}", body)
        first = len(available(data)) + 1
        for number, scan in enumerate(scans, start=first):
            archive.writestr(f"{number:02d}-tep-dinh-kem-{scan.name}", scan.body)
    return out.getvalue()
