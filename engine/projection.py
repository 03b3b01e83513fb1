"""After every step: write the case's state, its inbox rows and its status together.

This is the one place that turns an in-memory workflow into stored rows, so the stored
state, the inbox projection and the audit events of an operation always agree.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, connectors, limits, runtime, stored
from engine.assignment import ResolveContext, resolve_unit
from engine.db import hold
from engine.definitions import Loaded
from engine.errors import ProcessError
from engine.models import Case, WorkItem
from engine.registry import Registry
from engine.side_tasks import SIDE_PROCESS
from engine.text import fold
from engine.workdays import LOCAL_TZ, WORKDAYS, due_from, parse_duration


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What differs between two versions of case data: {field: [old, new]}."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def sync(
    session: Session,
    case: Case,
    wf: BpmnWorkflow,
    loaded: Loaded,
    registry: Registry,
    actor: str,
    *,
    request: dict | None = None,
    open_items: list[WorkItem] | None = None,
    submitted: dict | None = None,
) -> int:
    """Store ``wf`` as the case's state and bring its inbox rows and status in line.

    ``open_items``: the case's open rows, when the caller already read them under the
    case lock (saves a query; ``[]`` for a case being started, which ``sync`` adds to
    the session). Returns how many of the case's tasks are open now."""
    now = clock.now()
    request = request or {}
    # What was just submitted is the newest value of its fields, whatever older copies
    # the live branches of the workflow still hold.
    case.data = {**runtime.case_data(wf, case.data), **(submitted or {})}
    too_large = limits.too_large(case.data)
    if too_large:
        raise ProcessError(too_large)
    if registry.case_unit is not None:
        case.unit = registry.case_unit(case.data, case.unit) or case.unit
    case.title, case.category = registry.summary(case.data)
    case.search_key = fold(case.title)
    # The state is set before the inbox rows are worked out: the flush their queries
    # trigger then writes the case row once, not its data first and its state after.
    next_due = runtime.next_due(wf)
    stored.save(session, case, wf)
    case.updated_at = now
    if case.id is None:
        # A case being started (engine.cases.start_case): written now, in one INSERT
        # with its state, so that its rows and events below can name it.
        case.next_due_at = next_due
        session.add(case)
        session.flush()
    # A connector that failed makes the case an incident, tried again when it is due.
    failed = connectors.failed(runtime.all_tasks(wf))
    case.next_due_at = connectors.mark(session, case, failed, actor, request, next_due)
    if open_items is None:
        open_items = list(
            session.execute(
                select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.status == "open")
            ).scalars()
        )
    now_open = _sync_items(
        session,
        case,
        wf,
        loaded,
        registry,
        actor,
        now,
        request,
        {item.task_uuid: item for item in open_items},
        submitted or {},
    )
    open_count = len(now_open)
    was_closed = case.status == "closed"
    completed = wf.is_completed()
    if completed and runtime.live_tasks(wf):
        # The library's own walk said "nothing left" while a task waits: never close a
        # case on that (it did, past 1,000 levels of a loop, before engine.task_tree).
        raise ProcessError("the workflow says it is completed while a task is still open")
    if completed:
        case.status = "closed"
        case.outcome = case.outcome or str(case.data.get("outcome") or "completed")
        case.closed_at = case.closed_at or now
        case.next_due_at = None
    elif case.status != "suspended":
        case.status = "active" if open_count else "waiting"
    if case.status == "closed" and not was_closed:
        audit.record(
            session,
            "case_closed",
            actor=actor,
            case_id=case.id,
            unit=case.unit,
            data={"outcome": case.outcome},
            **request,
        )
    notify_stored(session, case, registry, [item.step for item in now_open])
    return open_count


def notify_stored(
    session: Session, case: Case, registry: Registry, open_steps: list[str] | None = None
) -> None:
    """Tell the domain's ``case_stored`` listeners that ``case`` changed, with the steps
    of its open tasks (read from the inbox rows when the caller does not know them)."""
    if not registry.case_stored:
        return
    if open_steps is None:
        open_steps = list(
            session.execute(
                select(WorkItem.step).where(WorkItem.case_id == case.id, WorkItem.status == "open")
            ).scalars()
        )
    for listener in registry.case_stored:
        listener(session, case, open_steps)


def _sync_items(
    session, case, wf, loaded, registry, actor, now, request, open_items, submitted
) -> list[WorkItem]:
    """Open a row for each newly ready task, cancel the rows of tasks gone, move the
    deadline of an open task whose ``ketnap:dueFrom`` field was just submitted (by
    another step: an extension); returns the case's open rows."""
    ready = {str(task.id): task for task in runtime.ready_user_tasks(wf)}
    # A side task (engine/side_tasks.py) is no diagram's: its own operation closes it,
    # unless the case ends under it.
    keep_side = not wf.is_completed()
    for uuid, item in open_items.items():
        side = item.process_id == SIDE_PROCESS and keep_side
        if uuid not in ready and item.status == "open" and not side:
            # Interrupted by a boundary event, or the branch it was on was cancelled.
            item.status = "cancelled"
            item.completed_at = now
            audit.record(
                session,
                "task_cancelled",
                actor=actor,
                case_id=case.id,
                unit=item.unit,
                data={"task": item.id, "step": item.step},
                **request,
            )
    opened = []
    for uuid, task in ready.items():
        if uuid in open_items:
            continue
        item = _new_item(session, case, task, loaded, registry, now)
        session.add(item)
        opened.append(item)
    if opened:
        session.flush()
        # The commit hooks read the new rows again (the outbox tells their unit).
        hold(session, *opened)
    for item in opened:
        data = {
            "task": item.id,
            "step": item.step,
            "unit": item.unit,
            "due_at": item.due_at.isoformat() if item.due_at else None,
        }
        audit.record(
            session,
            "task_ready",
            actor=actor,
            case_id=case.id,
            unit=item.unit,
            data=data,
            **request,
        )
        # An auditor looks for escalations without knowing the step ids of every process:
        # the diagram marks such tasks (ketnap:escalation="true").
        if (loaded.nodes.get(item.step) or {}).get("escalation"):
            audit.record(
                session,
                "escalation",
                actor=actor,
                case_id=case.id,
                unit=item.unit,
                data=data,
                **request,
            )
    still_open = [item for item in open_items.values() if item.status == "open"]
    for item in still_open:
        node = loaded.nodes.get(item.step) or {}
        if node.get("due") and submitted.get(node.get("due_from") or "") is not None:
            item.due_at = _due(node, submitted, case.data, now)
        if (item.title, item.category) != (case.title, case.category):
            item.title, item.search_key, item.category = case.title, case.search_key, case.category
    return still_open + opened


def reresolve_open_items(
    session: Session, case: Case, wf: BpmnWorkflow, loaded: Loaded, registry: Registry
) -> list[dict]:
    """Resolve each open task's unit again (after case data changed); return the moves."""
    tasks = {str(task.id): task for task in runtime.ready_user_tasks(wf)}
    moved = []
    items = (
        session.execute(
            select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.status == "open")
        )
        .scalars()
        .all()
    )
    for item in items:
        task = tasks.get(item.task_uuid)
        if task is None:
            continue
        lane = (loaded.nodes.get(task.task_spec.bpmn_id) or {}).get("lane")
        ctx = ResolveContext(case=case.data, task=task.data, unit=case.unit, session=session)
        unit = resolve_unit(registry, loaded.lanes, lane, ctx) if lane else case.unit
        if unit != item.unit:
            moved.append({"task": item.id, "step": item.step, "from": item.unit, "to": unit})
            # A claim by someone of the old unit means nothing in the new one.
            item.unit, item.claimed_by = unit, None
    return moved


def _new_item(
    session: Session, case: Case, task, loaded: Loaded, registry: Registry, now: datetime
) -> WorkItem:
    spec = task.task_spec
    node = loaded.nodes.get(spec.bpmn_id) or {}
    lane = node.get("lane")
    ctx = ResolveContext(case=case.data, task=task.data, unit=case.unit, session=session)
    unit = resolve_unit(registry, loaded.lanes, lane, ctx) if lane else case.unit
    return WorkItem(
        case_id=case.id,
        task_uuid=str(task.id),
        process_id=task.workflow.spec.name,
        step=spec.bpmn_id or spec.name,
        step_name=spec.bpmn_name or spec.bpmn_id or "",
        lane=(loaded.lanes.get(lane) or {}).get("name") if lane else None,
        unit=unit,
        form=node.get("form"),
        status="open",
        created_at=now,
        due_at=_due(node, task.data, case.data, now),
        title=case.title,
        search_key=case.search_key,
        category=case.category,
    )


def _due(node: dict, task_data: dict, case_data: dict, now: datetime) -> datetime | None:
    if not node.get("due"):
        return None
    start: Any = now
    if node.get("due_from"):
        start = task_data.get(node["due_from"], case_data.get(node["due_from"]))
        if start is None:
            raise ProcessError(
                f"{node.get('name') or 'task'}: the deadline counts from "
                f"{node['due_from']}, which the case does not hold yet"
            )
        start = _as_moment(start)
    due = due_from(start.astimezone(LOCAL_TZ), node["due"])
    if parse_duration(node["due"])[0] == WORKDAYS:
        # A deadline in working days ends with the last of them, local time.
        due = due.replace(hour=23, minute=59, second=0, microsecond=0)
    return due


def _as_moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=LOCAL_TZ)
    try:
        return _as_moment(
            date.fromisoformat(str(value)[:10])
            if len(str(value)) <= 10
            else datetime.fromisoformat(str(value))
        )
    except ValueError as err:
        raise ProcessError(f"not a date: {value!r}") from err
