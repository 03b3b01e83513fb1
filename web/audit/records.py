"""A case's history for auditors, and everything a case holds about its candidate, as
plain data: the timeline page, the PDF and the JSON exports all read from here.

Like the case page's history, each event shows the changes to the case data it caused
by the forms' labels (web/history_values.py); the auditor also gets the request id, the
client and the hash, and the JSON export keeps the codes as stored.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from engine import audit
from engine.attachments import safe_filename, storage_path
from engine.models import Attachment, Case, Comment, Event, WorkItem

from ..cases.history import detail
from ..history_values import Change, book_of
from ..labels import EVENTS, label, unit_name


@dataclass(frozen=True)
class Entry:
    event: Event
    step: str  # the step's name, when the event concerns a step
    data: dict
    changes: dict = field(default_factory=dict)  # {field: [before, after]}
    shown: list[Change] = field(default_factory=list)  # the changes, or the start data, as read
    detail: str = ""  # a short line: to whom, which file, the outcome, the reason

    @property
    def what(self) -> str:
        return label(EVENTS, self.event.kind)


def _data(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {"raw": text}
    return data if isinstance(data, dict) else {"value": data}


def timeline(session: Session, case: Case) -> list[Entry]:
    names: dict[str, str] = {
        step: name
        for step, name in session.execute(
            select(WorkItem.step, WorkItem.step_name).where(WorkItem.case_id == case.id)
        )
    }
    book = book_of(case)
    entries = []
    for event in audit.history(session, case.id):
        data = _data(event.data)
        step = data.get("step")
        changes = data.get("changes")
        changes = changes if isinstance(changes, dict) else {}
        entries.append(
            Entry(
                event,
                (names.get(step) or step or "") if step else "",
                data,
                changes,
                book.of_event(event.kind, data),
                # The step is named beside the event already.
                detail(event.kind, {k: v for k, v in data.items() if k != "step"}, names),
            )
        )
    return entries


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def row(obj) -> dict:
    """An ORM row as a dict of its columns (what an export shows of it)."""
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in inspect(obj).mapper.column_attrs}


def event_dict(entry: Entry) -> dict:
    event = entry.event
    return {
        "seq": event.seq,
        "at": _plain(event.at),
        "kind": event.kind,
        "what": entry.what,
        "actor": event.actor,
        "unit": event.unit,
        "unit_name": unit_name(event.unit) if event.unit else None,
        "step": entry.step or None,
        "data": entry.data,
        "request_id": event.request_id,
        "client": event.client,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def history_export(case: Case, entries: list[Entry]) -> dict:
    return {
        "case": {
            "id": case.id,
            "title": case.title,
            "unit": case.unit,
            "status": case.status,
            "outcome": case.outcome,
        },
        "events": [event_dict(e) for e in entries],
    }


def _rows(session: Session, model, case_id: int) -> list[dict]:
    found = session.execute(
        select(model).where(model.case_id == case_id).order_by(model.id)
    ).scalars()
    return [row(obj) for obj in found]


def case_export(session: Session, case: Case) -> dict:
    """Everything the case holds about its candidate: the subject access export."""
    whole = row(case)
    # The engine's serialized workflow repeats the case data in its own format; an
    # export is for people, and the data is already given once.
    whole.pop("state", None)
    return {
        "case": whole,
        "tasks": _rows(session, WorkItem, case.id),
        "comments": _rows(session, Comment, case.id),
        "attachments": _rows(session, Attachment, case.id),
        "history": [event_dict(e) for e in timeline(session, case)],
    }


def case_archive(export: dict, attachments_root: Path) -> bytes:
    """A ZIP of ``export`` (as ho-so.json) and the attached files, each under its id."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "ho-so.json", json.dumps(export, ensure_ascii=False, indent=2, default=str)
        )
        for item in export["attachments"]:
            path = storage_path(attachments_root, item["sha256"])
            if path.is_file():  # a file lost from disk is named in ho-so.json still
                name = safe_filename(item["filename"], item["content_type"])
                archive.write(path, f"tep/{item['id']}-{name}")
    return buffer.getvalue()
