"""Copies of a case, as if the engine had run the same steps for another person.

Bulk seeding (benchmarks, the demo at scale, fault tests with many due timers) cannot
afford to drive every case through the engine: it drives a few templates and copies
them. A copy must be indistinguishable from a case the engine produced:

* the task UUIDs in its stored state (and its stored trunk) are new, and rewritten
  everywhere they occur in them, since ``work_items.task_uuid`` is unique and must
  name the state's tasks;
* its inbox rows are the template's, pointing at the new UUIDs;
* its history is the template's events, appended through the audit chain (hashed in
  order, as any operation's events are), with task ids pointing at the copy's rows.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, state
from engine.models import Case, CaseTrunk, Event, WorkItem
from engine.projection import notify_stored
from engine.registry import Registry
from engine.registry import registry as default_registry
from engine.text import fold

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CASE_COLUMNS = (
    "definition_id",
    "definition_key",
    "definition_hash",
    "status",
    "outcome",
    "unit",
    "category",
    "next_due_at",
    "revision",
    "created_by",
    "created_at",
    "updated_at",
    "closed_at",
)
ITEM_COLUMNS = (
    "process_id",
    "step",
    "step_name",
    "lane",
    "unit",
    "form",
    "status",
    "claimed_by",
    "created_at",
    "due_at",
    "completed_by",
    "completed_at",
    "category",
)


def _rewrite(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` with ``change`` applied to every string in it, dict keys included."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {change(k): _rewrite(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, change) for v in value]
    return value


class Template:
    """A case read once, to be copied many times."""

    def __init__(self, session: Session, case_id: int, name: str) -> None:
        self.case = session.get_one(Case, case_id)
        self.name = name  # the person's name, replaced by the copy's
        self.state = json.loads(self.case.state)
        self.trunk = self._trunk(session, case_id)
        self.items = list(
            session.execute(
                select(WorkItem).where(WorkItem.case_id == case_id).order_by(WorkItem.id)
            ).scalars()
        )
        self.events = list(
            session.execute(
                select(Event).where(Event.case_id == case_id).order_by(Event.seq)
            ).scalars()
        )

    def _trunk(self, session: Session, case_id: int) -> dict | None:
        """The finished trunk stored apart from the state (engine.stored), its parts in
        one: a copy gets one row, however many operations made the template."""
        parts = session.scalars(
            select(CaseTrunk.tasks).where(CaseTrunk.case_id == case_id).order_by(CaseTrunk.part)
        ).all()
        if not parts or "cut" not in self.state:
            return None
        self.state["cut"]["parts"] = 1
        return state.join_parts([json.loads(part) for part in parts])


def copy_case(
    session: Session, template: Template, name: str, *, registry: Registry | None = None
) -> Case:
    """One copy of ``template`` for the person ``name``; its events are queued on the
    session's audit chain and written when it commits. The registry's ``case_stored``
    listeners see the copy, as they see every case the engine stores."""
    uuids: dict[str, str] = {}

    def change(text: str) -> str:
        text = UUID.sub(lambda m: uuids.setdefault(m.group(0), str(uuid.uuid4())), text)
        return text.replace(template.name, name) if template.name in text else text

    source = template.case
    case = Case(
        **{c: getattr(source, c) for c in CASE_COLUMNS},
        title=change(source.title),
        search_key=fold(change(source.title)),
        data=_rewrite(source.data, change),
        state=json.dumps(_rewrite(template.state, change)),
    )
    session.add(case)
    session.flush()
    if template.trunk is not None:
        trunk = json.dumps(_rewrite(template.trunk, change))
        session.add(CaseTrunk(case_id=case.id, part=0, tasks=trunk))
    items = {}
    for item in template.items:
        items[item.id] = WorkItem(
            **{c: getattr(item, c) for c in ITEM_COLUMNS},
            case_id=case.id,
            task_uuid=change(item.task_uuid),
            title=case.title,
            search_key=case.search_key,
        )
        session.add(items[item.id])
    session.flush()
    for event in template.events:
        data = _rewrite(json.loads(event.data), change)
        if isinstance(data, dict) and data.get("task") in items:
            data["task"] = items[data["task"]].id
        entry = audit.record(
            session,
            event.kind,
            actor=event.actor,
            case_id=case.id,
            unit=event.unit,
            data=data,
            request_id=event.request_id,
            client=event.client,
        )
        entry["at"] = event.at  # the copy happened when the template's steps did
    notify_stored(
        session,
        case,
        registry or default_registry,
        [item.step for item in template.items if item.status == "open"],
    )
    return case
