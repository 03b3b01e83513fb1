"""A case's audit events as lines people read: when, who, what, and on which step.

Each line has a short detail (a step, a unit, a file name) and what the event changed,
by the forms' labels with formatted values: the same data the task pages show to whoever
sees the case (the auditor's timeline adds the request, the client and the hash).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import audit
from engine.attachments import safe_filename
from engine.models import Case, WorkItem
from workflows.admission.vocabulary import OUTCOMES

from ..history_values import Change, book_of
from ..i18n import format_date
from ..labels import label, person, unit_name

#: The events of a transfer's steps (workflows/admission/transfer.py): from where to where, why.
TRANSFERS = ("case_transferred", "transfer_accepted", "transfer_refused")


@dataclass(frozen=True)
class Line:
    at: datetime
    actor: str
    unit: str | None  # the unit the person acted for
    kind: str
    detail: str
    shown: list[Change]  # what the event changed, by the forms' labels


def case_history(session: Session, case: Case, items: list[WorkItem]) -> list[Line]:
    steps = {item.step: item.step_name or item.step for item in items}
    book = book_of(case)
    lines = []
    for event in audit.history(session, case.id):
        data = _data(event.data)
        lines.append(
            Line(
                event.at,
                event.actor,
                event.unit,
                event.kind,
                detail(event.kind, data, steps),
                book.of_event(event.kind, data),
            )
        )
    return lines


def _data(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def detail(kind: str, data: dict, steps: dict[str, str]) -> str:
    """A short line on what ``kind`` of event did, from its ``data``; ``steps`` names steps."""
    parts = []
    if data.get("step"):
        parts.append(steps.get(data["step"], data["step"]))
    if kind == "task_ready" and data.get("unit"):
        parts.append(unit_name(data["unit"]))
    if kind == "task_ready" and data.get("due_at"):
        parts.append(_("hạn %(date)s", date=format_date(data["due_at"])))
    if kind == "task_reassigned" and data.get("to"):
        parts.append("→ " + person(data["to"]))
    if kind == "attachment_added" and data.get("filename"):
        parts.append(safe_filename(str(data["filename"]), None))
    if kind == "case_closed" and data.get("outcome"):
        parts.append(label(OUTCOMES, data["outcome"]))
    if kind == "case_migrated":
        parts.append(f"{data.get('from_version')} → {data.get('to_version')}")
    if kind in TRANSFERS and isinstance(data.get("changes"), dict):
        record = (data["changes"].get("transfer") or [None, None])[1]
        if isinstance(record, dict) and record.get("to_branch"):
            parts.append(
                f"{unit_name(record.get('from_branch'))} → {unit_name(record['to_branch'])}"
            )
    if kind in ("case_data_updated", *TRANSFERS) and data.get("note"):
        parts.append(str(data["note"]))
    if kind == "timer_failed" and data.get("error"):
        parts.append(str(data["error"]))
    if kind == "case_ended" and data.get("outcome"):
        parts.append(label(OUTCOMES, data["outcome"]))
    if kind in ("case_ended", "task_reopened") and data.get("reason"):
        parts.append(str(data["reason"]))
    return " · ".join(parts)
