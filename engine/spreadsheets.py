"""Cells that a spreadsheet program shows and never runs.

Excel, LibreOffice and Google Sheets read a CSV or XLSX cell that starts with ``=``,
``+``, ``-`` or ``@`` (or with a tab or carriage return before one) as a formula: a
candidate called ``=HYPERLINK("http://evil","x")`` would become a live link, and
``=cmd|...`` a command, in the hands of whoever opens the export. OWASP's rule is to
prefix such text with a single quote, which the programs show as the text it is.

Only text is touched: numbers, dates and booleans stay what they are (-2 is a number,
not text starting with "-"). Every export of the project passes its cells through
``safe_cell``, so the rule lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: The first characters that make a spreadsheet program evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, or, for text a spreadsheet would evaluate, the text prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
