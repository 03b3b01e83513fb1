"""A case's audit events as lines people read: when, who, what, and on which step.

Only a short detail is shown (a step, a unit, a file name): the full event data holds
submitted personal data, which the task pages already show where it belongs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine import audit
from engine.attachments import safe_filename
from engine.models import WorkItem
from workflows.admission.vocabulary import OUTCOMES

from ..labels import label, person, unit_name

#: The events of a transfer's steps (workflows/admission/transfer.py): from where to where, why.
TRANSFERS = ("case_transferred", "transfer_accepted", "transfer_refused")


@dataclass(frozen=True)
class Line:
    at: datetime
    actor: str
    kind: str
    detail: str


def case_history(session: Session, case_id: int, items: list[WorkItem]) -> list[Line]:
    steps = {item.step: item.step_name or item.step for item in items}
    return [
        Line(event.at, event.actor, event.kind, _detail(event.kind, _data(event.data), steps))
        for event in audit.history(session, case_id)
    ]


def _data(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _detail(kind: str, data: dict, steps: dict[str, str]) -> str:
    parts = []
    if data.get("step"):
        parts.append(steps.get(data["step"], data["step"]))
    if kind == "task_ready" and data.get("unit"):
        parts.append(unit_name(data["unit"]))
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
    if kind in ("timer_failed", "connector_failed") and data.get("error"):
        parts.append(str(data["error"]))
    if kind == "case_ended" and data.get("outcome"):
        parts.append(label(OUTCOMES, data["outcome"]))
    if kind in ("case_ended", "task_reopened") and data.get("reason"):
        parts.append(str(data["reason"]))
    return " · ".join(parts)
