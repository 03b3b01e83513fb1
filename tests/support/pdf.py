"""Reading back the PDFs the app writes."""

from __future__ import annotations

import re
import zlib


def pdf_characters(body: bytes) -> set[str]:
    """Every character the PDF's fonts map glyphs to (their ToUnicode tables, kept
    uncompressed by fpdf2; compressed ones are read too)."""
    found = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            pass
        for code in re.findall(rb"<[0-9A-F]{4}> <([0-9A-F]{4,})>", stream):
            found.add(chr(int(code, 16)))
    return found


def pdf_text(body: bytes) -> str:
    """The text of every page (pypdf), its whitespace runs made single spaces."""
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(body)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
