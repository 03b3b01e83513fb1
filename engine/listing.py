"""What every list page needs from a query: one page of rows, and name search that
ignores Vietnamese diacritics (rows carry a ``search_key`` folded by ``text.fold``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from engine.text import fold

# Longer search input only costs LIKE work; nobody types a name this long.
MAX_SEARCH = 100


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    number: int  # 1-based, clamped to the pages that exist
    size: int
    numbers: list[int] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @classmethod
    def empty(cls, size: int) -> Page:
        """The one page of a list that nothing may be in (a user who sees no units)."""
        return cls([], 0, 1, size, [1])


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


def clamp(number: int, total: int, size: int) -> int:
    """A page number that exists: below 1 is 1, past the end is the last page."""
    return min(max(1, number), page_count(total, size))


def window(number: int, pages: int, width: int = 2) -> list[int]:
    """Page numbers to link: first, last, and ``width`` either side of the current one."""
    near = range(max(1, number - width), min(pages, number + width) + 1)
    return sorted({1, pages, *near})


def fetch_page(
    session: Session, stmt: Select, number: int, size: int, *, total: int | None = None
) -> Page:
    """Rows of page ``number`` of ``stmt`` (which must be ordered).

    ``total``: the row count when the caller already knows it (saves a query)."""
    if total is None:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = session.execute(counted).scalar_one()
    number = clamp(number, total, size)
    rows = list(session.execute(stmt.limit(size).offset((number - 1) * size)).scalars())
    return Page(rows, total, number, size, window(number, page_count(total, size)))


def folded_search(column, text: str) -> ColumnElement[bool] | None:
    """Every word of ``text`` appears in ``column`` (a folded search key), or None.

    "nguyen an" and "Nguyễn Ân" both find "nguyen van an": words are folded like the
    key, and each may match anywhere, so a middle name need not be typed.
    """
    words = fold((text or "")[:MAX_SEARCH]).split()
    if not words:
        return None
    return and_(*(column.like(f"%{_escape_like(word)}%", escape="\\") for word in words))


def _escape_like(word: str) -> str:
    # "%" and "_" typed by a user are letters to find, not wildcards.
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
