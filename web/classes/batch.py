"""Recording a whole class: every row checked first, then each stored on its own.

A row is one open class task (``attend_class`` or ``retake_class``) and what the centre
typed for it. The batch goes in only if every filled row would: each is first run as
the completion it would be, in a savepoint rolled back at once (engine/preview.py: the
form's checks, the domain's, the diagram), and one row refused refuses them all, with
its field errors. Then each row is completed in its own engine operation and
transaction, as if the centre had sent each task page in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine import cases, preview
from engine.cases import Actor
from engine.errors import Conflict, InvalidData
from engine.models import WorkItem

# The steps of the class, and the fields of their form (class_certificate) a row holds.
CLASS_STEPS = ("attend_class", "retake_class")
ROW_FIELDS = ("certificate_number", "certificate_date")
#: Shown for a row whose task someone else finished or took meanwhile.
TAKEN = "Việc này vừa được xử lý hoặc đã có người nhận; tải lại trang."


@dataclass
class Row:
    item: WorkItem
    data: dict[str, Any]  # what was typed, blank fields left out

    @property
    def filled(self) -> bool:
        return bool(self.data)


def rows_from(items: list[WorkItem], posted: Mapping[str, str]) -> list[Row]:
    """Each task's row as posted (``r<id>-<field>``), blank values left out."""
    rows = []
    for item in items:
        data = {
            name: posted[f"r{item.id}-{name}"].strip()
            for name in ROW_FIELDS
            if posted.get(f"r{item.id}-{name}", "").strip()
        }
        rows.append(Row(item, data))
    return rows


def check(session: Session, rows: list[Row], actor: Actor) -> dict[int, dict]:
    """Field errors of each filled row that could not be completed as it is; nothing
    of any row is kept."""
    errors: dict[int, dict] = {}
    for row in rows:
        if not row.filled:
            continue
        try:
            preview.preview(
                session, row.item.case_id, cases.complete_task, row.item.id, row.data, actor
            )
        except InvalidData as err:
            errors[row.item.id] = err.fields
        except Conflict:
            errors[row.item.id] = {"": [TAKEN]}
    return errors


def store(
    run: Callable[..., Any], rows: list[Row], actor: Actor
) -> tuple[list[WorkItem], list[WorkItem]]:
    """Complete each filled row in its own operation (``run``: the web's run_operation);
    (done, missed): a row taken by someone between the check and now is missed."""
    done, missed = [], []
    for row in rows:
        if not row.filled:
            continue
        try:
            run(cases.complete_task, row.item.id, row.data, actor)
        except (Conflict, InvalidData):
            missed.append(row.item)
        else:
            done.append(row.item)
    return done, missed
