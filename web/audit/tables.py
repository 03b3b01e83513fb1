"""The auditor's CSV files: a case search, and one case's history, as spreadsheet rows.

Times are Việt Nam's (Asia/Ho_Chi_Minh), written dd/mm/yyyy HH:MM as on the pages; no
cell is taken for a formula (engine.spreadsheets.safe_row); a byte-order mark lets
spreadsheet programs read the Vietnamese letters as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from engine.spreadsheets import safe_row

from ..i18n import format_datetime
from ..labels import person, unit_name
from .records import Entry


def csv_text(header: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return "\ufeff" + out.getvalue()


def history_header() -> list[str]:
    return [
        _("Số thứ tự"),
        _("Thời gian (giờ Việt Nam)"),
        _("Sự kiện"),
        _("Bước"),
        _("Người thực hiện"),
        _("Đơn vị"),
        _("Chi tiết"),
        _("Thông tin"),
        _("Trước"),
        _("Sau"),
    ]


def history_rows(entries: list[Entry]) -> Iterable[list]:
    """One row per field an event changed (an event that changed none: one row)."""
    for entry in entries:
        event = entry.event
        head = [
            event.seq,
            format_datetime(event.at),
            entry.what,
            entry.step,
            person(event.actor) or event.actor,
            unit_name(event.unit) if event.unit else "",
            entry.detail,
        ]
        if not entry.shown:
            yield [*head, "", "", ""]
        for change in entry.shown:
            yield [*head, change.label, "\n".join(change.before), "\n".join(change.after)]
