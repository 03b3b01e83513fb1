"""A party document as a few kinds of blocks, so that one text renders alike in PDF and
DOCX: the two-column heading every party document starts with (the issuing body on the
left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date on the right), centred titles,
paragraphs, and the closing with the recipients beside the signature.

Whatever the case data does not hold (who chaired the meeting, say) is left as a dotted
line for the signer to fill in by hand, as on the printed forms.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from ..facts import as_date

BLANK = "…………………"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


@dataclass(frozen=True)
class Heading:
    """The party document heading (Hướng dẫn 36-HD/VPTW): on the left the party
    organisation ``above`` the ``issuer`` (empty when the tree has none), a star and the
    document's ``number``; on the right "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date."""

    above: str
    issuer: str
    number: str
    place_date: str
    # What the right column says first: the Party, or a mass organisation's own line.
    motto: tuple[str, ...] = (PARTY,)

    @property
    def left(self) -> tuple[str, ...]:
        number = [self.number] if self.number else []
        return (*([self.above] if self.above else []), self.issuer, "*", *number)

    @property
    def right(self) -> tuple[str, ...]:
        return (*self.motto, "", self.place_date)


@dataclass(frozen=True)
class Title:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    center: bool = False


@dataclass(frozen=True)
class Closing:
    recipients: tuple[str, ...]
    signature: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """``code`` is the form's name (Mẫu 6-KNĐ), ``slug`` the file name's stem."""

    code: str
    slug: str
    heading: Heading
    blocks: list = field(default_factory=list)


def text(value) -> str:
    """Case text as one composed form: a name typed with combining accents (NFD) would
    otherwise print its marks beside the letters in some fonts."""
    return unicodedata.normalize("NFC", str(value)).strip() if value not in (None, "") else BLANK


def long_date(value) -> str:
    """ "ngày 5 tháng 3 năm 2025", as documents write dates in running text."""
    day = as_date(value)
    return f"ngày {day.day} tháng {day.month} năm {day.year}" if day else f"ngày {BLANK}"


def short_date(value) -> str:
    day = as_date(value)
    return day.strftime("%d/%m/%Y") if day else BLANK


def place_date(place: str, value: date | str | None) -> str:
    return f"{place}, {long_date(value)}"


def percent(part: int, whole: int) -> str:
    """A share written the Vietnamese way, one decimal with a comma: 88,9 %."""
    return f"{part * 100 / whole:.1f}".replace(".", ",") + " %" if whole else BLANK
