"""Reading a case for its pages: its workflow, a task's form and values, its timers,
its tasks, files and comments. Nothing here changes a case."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, reopening, runtime, submission
from engine.definitions import specs
from engine.models import Attachment, Case, Comment, WorkItem
from engine.registry import registry

from ..formdata import initial_values


@dataclass(frozen=True)
class Timer:
    name: str
    due: datetime


def workflow(session: Session, case: Case) -> BpmnWorkflow:
    loaded = specs.for_case(session, case.definition_id, case.definition_hash)
    return runtime.load(case.state, loaded, registry)


def task_form(session: Session, case: Case, item: WorkItem) -> dict | None:
    """The form of a task, from the definition version its case runs on, its unit fields
    offering the units of the organisation tree as it is now."""
    if not item.form:
        return None
    loaded = specs.for_case(session, case.definition_id, case.definition_hash)
    form = loaded.forms.get(item.form)
    return submission.described(session, registry, form) if form is not None else None


def task_instructions(session: Session, case: Case, item: WorkItem) -> str | None:
    """The words a diagram from SpiffArena gives the person doing the task
    (``spiffworkflow:instructionsForEndUser``), shown on its page as plain text."""
    loaded = specs.for_case(session, case.definition_id, case.definition_hash)
    return (loaded.nodes.get(item.step) or {}).get("instructions")


def open_task_data(session: Session, case: Case, item: WorkItem) -> dict:
    """The data an open task sees (a verification task also sees its own place)."""
    task = runtime.find_task(workflow(session, case), UUID(item.task_uuid))
    return dict(task.data) if task is not None else dict(case.data)


def task_values(session: Session, case: Case, item: WorkItem, form: dict | None) -> dict:
    """What a task's form shows before a submission: the open task's current values (or
    the fields' defaults), or what was submitted when it was completed."""
    if form is None:
        return {}
    if item.status == "open":
        # A step reopened to be corrected offers the values it was completed with.
        earlier = reopening.earlier_values(session, item)
        return initial_values(form, {**open_task_data(session, case, item), **earlier})
    if item.completed_by is not None:  # completed, or completed and reopened since
        return submitted_values(session, item)
    return {}


def submitted_values(session: Session, item: WorkItem) -> dict:
    """What was submitted when the task was completed, as the audit log recorded it."""
    for event in reversed(audit.history(session, item.case_id)):
        if event.kind != "task_completed":
            continue
        data = json.loads(event.data)
        if data.get("task") == item.id:
            return data.get("submitted") or {}
    return {}


def waiting_timers(session: Session, case: Case) -> list[Timer]:
    """The timers the case waits for, soonest first."""
    if case.status == "closed":
        return []
    found = [
        Timer(task.task_spec.bpmn_name or task.task_spec.bpmn_id or "", due)
        for task, due in runtime.waiting_timers(workflow(session, case))
    ]
    return sorted(found, key=lambda timer: timer.due)


def case_items(session: Session, case_id: int, status: str) -> list[WorkItem]:
    order = WorkItem.completed_at if status != "open" else WorkItem.created_at
    return list(
        session.execute(
            select(WorkItem)
            .where(WorkItem.case_id == case_id, WorkItem.status == status)
            .order_by(order, WorkItem.id)
        ).scalars()
    )


def attachments(session: Session, case_id: int) -> list[Attachment]:
    return list(
        session.execute(
            select(Attachment)
            .where(Attachment.case_id == case_id)
            .order_by(Attachment.uploaded_at, Attachment.id)
        ).scalars()
    )


def comments(session: Session, case_id: int) -> list[Comment]:
    return list(
        session.execute(
            select(Comment)
            .where(Comment.case_id == case_id)
            .order_by(Comment.created_at, Comment.id)
        ).scalars()
    )
