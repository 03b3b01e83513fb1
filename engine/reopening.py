"""Reopening a completed step to correct it (a typo in a vote count, say).

The case goes back to that step: the step's task is ready again, holding the case's
data as it was before the step (what the step and the later ones set is not the case's
any more: a decision being corrected is no decision yet), and its form offers the
values it was completed with (``earlier_values``); every step after it that depended
on it is cancelled: the tasks it led to, open or completed, and the called processes
and timers started after it. SpiffWorkflow's ``reset_from_task_id`` does most of this;
what it leaves, this module finishes:

- the reset task keeps its id, while an inbox row is one task: it gets a new id, so
  the old row stays as it was (status ``reopened``) and a new row opens;
- a step in a parallel branch whose join already went on through another branch: the
  library drops only the step's own branch, so the join that fired is reset as well,
  and what followed it is cancelled too;
- timer and message waits of the dropped tasks are forgotten;
- a case closed by the step is open again (within the working days the caller allows).

Refused (``Conflict``, with the reason): a step that is not completed, a case that is
suspended, ended by a person, closed by another step or closed too long ago, and a step
inside a multi-instance or loop activity (one place of several being verified): its
siblings' results are collected when the last one ends, which a reset of one cannot
redo; reopen the step that started them instead.

Nothing is deleted: the old rows keep their data and the history keeps every event.
The one event ``task_reopened`` names the step, the reason, the new task and what was
cancelled.
"""

from __future__ import annotations

import json
from copy import deepcopy
from datetime import datetime
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.task import Task, TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime, stored
from engine.cases import Actor, _loaded, _lock_item_with_open, _logged
from engine.ending import clean_reason
from engine.errors import Conflict
from engine.models import Case, Event, WorkItem
from engine.projection import changes, sync
from engine.registry import Registry
from engine.registry import registry as default_registry
from engine.workdays import LOCAL_TZ, default_calendar


@_logged
def reopen_task(
    session: Session,
    item_id: int,
    reason: str,
    actor: Actor,
    *,
    closed_within: int = 0,
    registry: Registry | None = None,
) -> WorkItem:
    """Reopen the completed task ``item_id``; returns its new open row.

    ``closed_within``: how many working days after a case was closed by this step it
    may still be reopened (0: a closed case is never reopened)."""
    registry = registry or default_registry
    reason = clean_reason(reason)
    item, case, open_items = _lock_item_with_open(session, item_id)
    if item.status != "completed":
        raise Conflict("Chỉ mở lại được một bước đã hoàn thành.")
    if case.status == "suspended":
        raise Conflict("Hồ sơ đang tạm dừng; tiếp tục hồ sơ rồi mới mở lại được.")
    was_closed = case.status == "closed"
    if was_closed:
        _check_closed_by(session, case, item, closed_within)
    loaded = _loaded(session, case)
    # The step may have finished long ago: its task is then in the stored trunk.
    wf = stored.load_whole(session, case, loaded, registry)
    task = runtime.find_task(wf, UUID(item.task_uuid))
    if task is None or task.state != TaskState.COMPLETED:
        raise Conflict("Bước này không còn trong tiến trình của hồ sơ nên không mở lại được.")
    _check_not_repeated(wf, task)

    before_ids = {str(t.id) for t in runtime.all_tasks(wf)}
    _reset(wf, task, _values_now(session, case, item, task))
    after_ids = {str(t.id) for t in runtime.all_tasks(wf)}
    runtime.step(wf)

    now = clock.now()
    dependents = _dependents(session, case, item, before_ids - after_ids)
    for row in dependents:
        row.status = "cancelled"
        row.completed_at = row.completed_at or now
    item.status = "reopened"
    before = dict(case.data)
    if was_closed:
        case.status, case.outcome, case.closed_at = "active", None, None
    # The case's data as its live tasks hold it now: what the cancelled steps had
    # added (a result, an outcome) is no longer the case's.
    case.data = runtime.case_data(wf, {})
    entry = audit.record(
        session,
        "task_reopened",
        actor=actor.name,
        case_id=case.id,
        unit=item.unit,
        data={},
        **actor.request,
    )
    cancelled = {row.id for row in dependents}
    sync(
        session,
        case,
        wf,
        loaded,
        registry,
        actor.name,
        request=actor.request,
        open_items=[row for row in open_items if row.id not in cancelled],
    )
    reopened = session.execute(
        select(WorkItem).where(WorkItem.task_uuid == str(task.id))
    ).scalar_one()
    entry["data"] = audit.canonical(
        {
            "task": item.id,
            "step": item.step,
            "reason": reason,
            "reopened_as": reopened.id,
            "reopened_case": was_closed,
            "cancelled": [
                {"task": row.id, "step": row.step, "unit": row.unit} for row in dependents
            ],
            "changes": changes(before, case.data),
        }
    )
    session.flush()
    return reopened


#: Events after which the case moved on by itself, not because of the last task.
_MOVED_ON_BY = ("timer_fired", "message_received")


def _check_closed_by(session: Session, case: Case, item: WorkItem, within: int) -> None:
    """A closed case reopens only at the step that closed it, and not too long after."""
    kinds = ("task_completed", "case_closed", "case_ended", "case_cancelled", *_MOVED_ON_BY)
    events = session.execute(
        select(Event.kind, Event.data)
        .where(Event.case_id == case.id, Event.kind.in_(kinds))
        .order_by(Event.seq)
    ).all()
    ending = [kind for kind, _data in events if kind not in ("task_completed", *_MOVED_ON_BY)]
    if not ending or ending[-1] != "case_closed":
        raise Conflict("Hồ sơ đã được kết thúc có lý do; không mở lại bước nào được nữa.")
    last_completed = closed_by = None
    for kind, data in events:
        if kind == "task_completed":
            last_completed = json.loads(data).get("task")
        elif kind in _MOVED_ON_BY:  # what follows is no task's doing
            last_completed = None
        elif kind == "case_closed":
            closed_by = last_completed
    if closed_by != item.id:
        raise Conflict("Chỉ mở lại được bước đã làm hồ sơ kết thúc.")
    if within <= 0 or _workdays_since(case.closed_at) > within:
        raise Conflict(
            f"Hồ sơ đã kết thúc quá {within} ngày làm việc nên không mở lại được."
            if within > 0
            else "Hồ sơ đã kết thúc nên không mở lại được."
        )


def _workdays_since(moment: datetime | None) -> int:
    if moment is None:
        return 0
    since = moment.astimezone(LOCAL_TZ).date()
    return default_calendar.workdays_between(since, clock.now().astimezone(LOCAL_TZ).date())


def _check_not_repeated(wf: BpmnWorkflow, task: Task) -> None:
    """Refuse a task inside a multi-instance or loop activity, at any depth."""
    while True:
        parent = task.parent
        if isinstance(task.task_spec, LoopTask) or (
            parent is not None and isinstance(parent.task_spec, LoopTask)
        ):
            raise Conflict(
                "Bước này là một trong nhiều lượt chạy song song hoặc lặp lại (chẳng hạn "
                "thẩm tra tại từng nơi); không mở lại riêng một lượt được. Hãy mở lại "
                "bước đã bắt đầu các lượt đó."
            )
        owner = task.workflow.parent_task_id
        if owner is None:
            return
        task = wf.get_task_from_id(owner)


def _values_now(session: Session, case: Case, item: WorkItem, task: Task) -> dict:
    """The reopened task's data: what it was given before it was completed, with the
    case data changed outside any task since then (a transfer to another branch stays)."""
    data = deepcopy(task.parent.data) if task.parent is not None else {}
    events = [
        json.loads(text)
        for (text,) in session.execute(
            select(Event.data).where(Event.case_id == case.id).order_by(Event.seq)
        )
    ]
    completion = max(
        (i for i, found in enumerate(events) if _completes(found, item.id)), default=None
    )
    if completion is None:
        return data
    for found in events[completion + 1 :]:
        # update_data's events: changes to the case, no task (task_completed has one).
        if isinstance(found, dict) and "changes" in found and "task" not in found:
            data.update({key: new for key, (_old, new) in found["changes"].items()})
    return data


def _completes(found, item_id: int) -> bool:
    return isinstance(found, dict) and found.get("task") == item_id and "submitted" in found


def _reset(wf: BpmnWorkflow, task: Task, data: dict) -> None:
    completed_at = task.last_state_change
    dropped = wf.reset_from_task_id(task.id, data)
    _reset_fired_joins(wf, dropped, completed_at)
    _renew_id(task)
    _reopen_workflows(wf, task)
    _forget_dropped_waits(wf)


def _reset_fired_joins(wf: BpmnWorkflow, dropped: list[Task], completed_at: float) -> None:
    """A dropped join of the task's branch that was cancelled had been passed by another
    branch's instance of it: reset that one too, so what followed it is dropped and the
    join waits for the reopened branch again."""
    waited = {
        (t.workflow, t.task_spec) for t in dropped if _is_join(t) and t.state == TaskState.CANCELLED
    }
    for workflow, spec in waited:
        fired = [
            t
            for t in workflow.tasks.values()
            if t.task_spec is spec
            and t.state == TaskState.COMPLETED
            and t.last_state_change >= completed_at
        ]
        for join in fired:
            wf.reset_from_task_id(join.id)


def _is_join(task: Task) -> bool:
    return isinstance(task.task_spec, UnstructuredJoin) and len(task.task_spec.inputs) > 1


def _renew_id(task: Task) -> None:
    """Give the reset task a new id, in its place in the workflow's task table (the
    stored state lists tasks parents first; children are read against their parent)."""
    workflow, old, new = task.workflow, task.id, uuid4()
    order = [(new if key == old else key, value) for key, value in workflow.tasks.items()]
    task.id = new
    workflow.tasks.clear()
    workflow.tasks.update(order)
    parent = task.parent
    if parent is not None:
        parent._children = [new if child == old else child for child in parent._children]
    for child in task.children:
        child._parent = new


def _reopen_workflows(wf: BpmnWorkflow, task: Task) -> None:
    """The task's process and every one that called it are running again."""
    workflow = task.workflow
    while True:
        workflow.completed = False
        owner = workflow.parent_task_id
        if owner is None:
            break
        workflow = wf.get_task_from_id(owner).workflow
    wf.completed = False


def _forget_dropped_waits(wf: BpmnWorkflow) -> None:
    """The library leaves dropped timer and message waits registered; forget them."""
    manager = wf.event_manager
    present = {task.id for task in runtime.all_tasks(wf)}
    for task_id in [key for key in manager.tasks if key not in present]:
        del manager.tasks[task_id]


def _dependents(session: Session, case: Case, item: WorkItem, gone: set[str]) -> list[WorkItem]:
    """The case's open or completed rows whose tasks the reset dropped (not ``item``)."""
    if not gone:
        return []
    rows = session.execute(
        select(WorkItem)
        .where(
            WorkItem.case_id == case.id,
            WorkItem.status.in_(("open", "completed")),
            WorkItem.id != item.id,
        )
        .order_by(WorkItem.id)
    ).scalars()
    return [row for row in rows if row.task_uuid in gone]


def earlier_values(session: Session, item: WorkItem) -> dict:
    """What the step that ``item`` reopens was completed with (empty when ``item`` is
    no reopened step): the values its form offers to correct."""
    events = session.execute(
        select(Event.kind, Event.data)
        .where(Event.case_id == item.case_id, Event.kind.in_(("task_reopened", "task_completed")))
        .order_by(Event.seq)
    ).all()
    parsed = [(kind, json.loads(text)) for kind, text in events]
    reopened = next(
        (
            d.get("task")
            for k, d in parsed
            if k == "task_reopened" and d.get("reopened_as") == item.id
        ),
        None,
    )
    if reopened is None:
        return {}
    submitted = [d for k, d in parsed if k == "task_completed" and _completes(d, reopened)]
    return dict(submitted[-1]["submitted"]) if submitted else {}
