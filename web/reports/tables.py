"""Each report as tables of cells: what the page draws, the Excel file holds and the PDF
prints, so the three cannot show different numbers. A cell that counts cases carries the
link to them; a table may carry the data of the chart drawn beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask_babel import gettext as _

from workflows.admission.reports.facts import Figure

from ..i18n import N_, format_date
from ..labels import label, unit_name

Link = Callable[[str], str]  # figure key -> URL of its cases

STATUSES = {
    "met": N_("Đạt"),
    "on_track": N_("Có khả năng đạt"),
    "at_risk": N_("Có nguy cơ không đạt"),
    "missed": N_("Không đạt"),
}


@dataclass(frozen=True)
class Cell:
    value: Any
    href: str | None = None
    status: str | None = None  # met, on_track, at_risk, missed: the cell's colour


@dataclass
class Table:
    key: str  # also the Excel sheet's name (≤ 31 characters)
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: dict | None = None
    figure: str | None = None  # a list of cases: the figure whose cases it lists
    more: tuple[int, str] | None = None  # (rows left out, URL of them all) on a page

    def values(self) -> list[list[Any]]:
        return [[cell.value for cell in row] for row in self.rows]

    def first(self, limit: int, link: Link) -> Table:
        """This table as a page shows it: a list of cases longer than ``limit`` keeps its
        first rows and links to all of them, a page at a time. Downloads keep every row."""
        if self.figure is None or len(self.rows) <= limit:
            return self
        return replace(
            self, rows=self.rows[:limit], more=(len(self.rows) - limit, link(self.figure))
        )


def count(figure: Figure, key: str, link: Link) -> Cell:
    """A count with the link to its cases (none to follow when it is zero)."""
    return Cell(figure.value, link(key) if figure.cases else None)


def status_cell(status: str | None) -> Cell:
    return Cell(label(STATUSES, status) if status else "—", status=status)


def bar_chart(labels: list[str], series: dict[str, list]) -> dict:
    """A Chart.js bar chart's data: one dataset per series."""
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [{"label": name, "data": values} for name, values in series.items()],
        },
    }


def shown(value: Any) -> Any:
    """A cell's value as a page or a PDF writes it: dates dd/mm/yyyy, the rest as it is."""
    return format_date(value) if isinstance(value, date) else value


def name_of(code: str | None) -> str:
    return unit_name(code) if code else _("(không rõ)")
