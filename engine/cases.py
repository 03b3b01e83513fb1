"""The operations on cases. Each runs inside the caller's transaction (see ``unit_of_work``)
and changes the stored state, the inbox rows and the audit log together, or nothing.

Concurrency: every operation on a case first locks the case row (``SELECT … FOR UPDATE``
on PostgreSQL, the database write lock on SQLite), then re-reads the task it acts on, so
two completions of one task serialise and the second sees it completed: ``Conflict``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import TaskState
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

# The outbox listens to the events of every operation (engine/outbox.py).
from engine import audit, clock, connectors, deadline, limits, outbox, runtime  # noqa: F401
from engine.db import hold, is_postgres, lock_contended
from engine.definitions import current, specs
from engine.errors import Conflict, InvalidData, NotFound, ProcessError
from engine.forms import validate_submission
from engine.models import Case, WorkItem
from engine.projection import changes, notify_stored, reresolve_open_items, sync
from engine.registry import Registry
from engine.registry import registry as default_registry
from engine.submission import Submission, check_submission, submission_facts, task_options

log = logging.getLogger(__name__)
Operation = TypeVar("Operation", bound=Callable[..., Any])


@dataclass(frozen=True)
class Actor:
    """Who acts, and from where: recorded on every event."""

    name: str
    request_id: str | None = None
    client: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def request(self) -> dict:
        return {"request_id": self.request_id, "client": self.client}


def _case_id_of(result: Any, args: tuple) -> int | None:
    """The case an operation acted on: what it returns (a case or one of its tasks), or
    the case it was given (``fire_timers`` returns a count)."""
    if isinstance(result, WorkItem):
        return result.case_id
    case = (
        result if isinstance(result, Case) else next((a for a in args if isinstance(a, Case)), None)
    )
    return case.id if case is not None else None


def _logged(operation: Operation) -> Operation:
    """Log each call of a case operation: its name, the case, how long it ran in the
    engine (the caller's commit comes after), and the request it served."""

    @functools.wraps(operation)
    def run(*args, **kwargs):
        actor = kwargs.get("actor") or next((a for a in args if isinstance(a, Actor)), None)
        facts = {"op": operation.__name__, "request_id": getattr(actor, "request_id", None)}
        started = time.perf_counter()
        try:
            result = operation(*args, **kwargs)
        except Exception as err:
            log.debug(
                "case operation failed",
                extra={**facts, "error": type(err).__name__, "duration_ms": _ms_since(started)},
            )
            raise
        log.debug(
            "case operation",
            extra={
                **facts,
                "case_id": _case_id_of(result, args),
                "duration_ms": _ms_since(started),
            },
        )
        return result

    return run  # type: ignore[return-value]


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _bounded(operation: Operation) -> Operation:
    """Give each call of a case operation the wall-clock ceiling of the settings
    (``engine.deadline``): past it, the engine stops it with OperationTooLong, and the
    caller's transaction rolls back whatever it did. Its engine steps are counted, and
    the data they write (``runtime.bounded_work``)."""

    @functools.wraps(operation)
    def run(*args, **kwargs):
        with deadline.ceiling(limits.current().operation_seconds), runtime.bounded_work():
            return operation(*args, **kwargs)

    return run  # type: ignore[return-value]


def _refuse_oversized(values: dict[str, Any]) -> None:
    """Refuse, field by field, values larger than one field of case data may be."""
    limit = limits.current().max_value_bytes
    names = limits.oversized_fields(values)
    if names:
        shown = f"{limit:,}".replace(",", ".")
        raise InvalidData({name: [f"Dữ liệu quá lớn (tối đa {shown} byte)."] for name in names})


@contextmanager
def committing(session: Session) -> Iterator[Session]:
    """Commit what the block did, or roll all of it back: one operation, one transaction.

    A concurrent change of the same case row (its revision moved on) is a Conflict.
    """
    try:
        yield session
        session.commit()
    except StaleDataError as err:
        session.rollback()
        raise Conflict("the case changed meanwhile; reload and try again") from err
    except BaseException:
        session.rollback()
        raise


@contextmanager
def unit_of_work(factory: sessionmaker) -> Iterator[Session]:
    """A new session for one operation, committed at the end (see ``committing``)."""
    session = factory()
    try:
        with committing(session):
            yield session
    finally:
        session.close()


def _raise_if_busy(err: OperationalError) -> None:
    """A failed lock of a case row is a Conflict (409: try again) when another transaction
    holds it. Otherwise the database failed (a lost connection, a server going down): the
    caller lets that error go on, to be answered as an outage (503), not as "busy"."""
    if lock_contended(err):
        raise Conflict("the case is busy; try again") from err


def _lock_case(session: Session, case_id: int) -> Case:
    try:
        case = session.execute(
            select(Case)
            .where(Case.id == case_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
    except OperationalError as err:
        _raise_if_busy(err)
        raise
    if case is None:
        raise NotFound(f"case {case_id} not found")
    hold(session, case)
    return case


def _lock_item(session: Session, item_id: int) -> tuple[WorkItem, Case]:
    """Lock the case of a task (in one statement), then read the task under that lock."""
    item, case, _ = _lock_item_with_open(session, item_id)
    return item, case


def _lock_item_with_open(session: Session, item_id: int) -> tuple[WorkItem, Case, list[WorkItem]]:
    """Lock a task's case; read the task and the case's other open tasks under the lock."""
    if is_postgres(session):
        case = _lock_case_of_item(session, item_id)
        rows = _task_and_open(session, case.id, item_id)
    else:
        case, rows = _read_case_task_and_open(session, item_id)
    item = next(row for row in rows if row.id == item_id)
    hold(session, case, *rows)
    return item, case, [row for row in rows if row.status == "open"]


def _lock_case_of_item(session: Session, item_id: int) -> Case:
    """PostgreSQL: lock the case of a task in one statement. The tasks are read by the
    next statement: one that waited for the lock sees the rows it read from the snapshot
    taken before the wait (READ COMMITTED re-reads only the locked row), so a task
    completed or opened meanwhile would be missed in the same statement."""
    try:
        case = session.execute(
            select(Case)
            .join(WorkItem, WorkItem.case_id == Case.id)
            .where(WorkItem.id == item_id)
            .with_for_update(of=Case)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
    except OperationalError as err:
        _raise_if_busy(err)
        raise
    if case is None:
        raise NotFound(f"task {item_id} not found")
    return case


def _task_and_open(session: Session, case_id: int, item_id: int) -> list[WorkItem]:
    return list(
        session.execute(
            select(WorkItem)
            .where(
                WorkItem.case_id == case_id, (WorkItem.status == "open") | (WorkItem.id == item_id)
            )
            .execution_options(populate_existing=True)
        ).scalars()
    )


def _read_case_task_and_open(session: Session, item_id: int) -> tuple[Case, list[WorkItem]]:
    """SQLite: the case, the task and the case's open tasks in one read. The transaction
    holds the database's write lock since its BEGIN IMMEDIATE (engine.db), so this read
    is already under the lock and nothing changes it before the commit."""
    of_item = aliased(WorkItem)
    pairs = session.execute(
        select(Case, WorkItem)
        .join(WorkItem, WorkItem.case_id == Case.id)
        .where(
            Case.id == select(of_item.case_id).where(of_item.id == item_id).scalar_subquery(),
            (WorkItem.status == "open") | (WorkItem.id == item_id),
        )
        .execution_options(populate_existing=True)
    ).all()
    if not pairs:
        raise NotFound(f"task {item_id} not found")
    return pairs[0][0], [row for _case, row in pairs]


def _open_case(
    session: Session, case_id: int, registry: Registry, refuse: tuple[str, ...] = ("closed",)
):
    """Lock a case that is not in a ``refuse``d status; return it, its version, its workflow."""
    case = _lock_case(session, case_id)
    if case.status in refuse:
        raise Conflict(f"the case is {case.status}")
    loaded = _loaded(session, case)
    return case, loaded, runtime.load(case.state, loaded, registry)


def _loaded(session: Session, case: Case):
    return specs.for_case(session, case.definition_id, case.definition_hash)


@_logged
@_bounded
def start_case(
    session: Session,
    key: str,
    data: dict[str, Any],
    actor: Actor,
    *,
    unit: str | None = None,
    registry: Registry | None = None,
    message: str | None = None,
) -> Case:
    """Start a case of the current version of ``key``; with ``message``, the case is
    started by that message (its start event waits for it) and ``data`` is its payload."""
    registry = registry or default_registry
    version = current(session, key)
    if version is None:
        raise NotFound(f"no definition {key} is deployed")
    loaded = specs.get(version)
    if loaded.start_form is not None:
        data = _start_data(session, loaded, data, unit, registry)
    _refuse_oversized(data)
    now = clock.now()
    case = Case(
        definition_id=version.id,
        definition_key=key,
        definition_hash=version.content_hash,
        status="active",
        unit=unit,
        data=dict(data),
        state="",
        created_by=actor.name,
        created_at=now,
        updated_at=now,
    )
    # The case has no id until ``sync`` writes it, state and all, in one INSERT; its
    # first event gets the id then.
    started = audit.record(
        session,
        "case_started",
        actor=actor.name,
        case_id=None,
        unit=unit,
        data={"definition": key, "version": version.version, "data": data},
        **actor.request,
    )
    wf = runtime.new_workflow(loaded, registry, data)
    runtime.step(wf)
    if message is not None:
        session.add(case)
        session.flush()  # the message's event names the case
        _catch(session, case, wf, MessageEventDefinition(message), data, actor)
    sync(session, case, wf, loaded, registry, actor.name, request=actor.request, open_items=[])
    started["case_id"] = case.id
    session.flush()
    return case


def _start_data(
    session: Session, loaded, data: dict[str, Any], unit: str | None, registry: Registry
) -> dict[str, Any]:
    """Start data checked against the start event's form (and what the domain checks of
    it), with every field of it present.

    Conditions read start fields, and a diagram cannot ask whether a name exists: a field
    left out is there as None rather than stopping the case later.
    """
    form = loaded.start_form
    clean, errors = validate_submission(form, data)
    if errors:
        raise InvalidData(errors)
    clean = {**{spec["name"]: None for spec in form["fields"]}, **clean}
    submitted = Submission(
        session,
        loaded.start_form_name or "",
        step=None,
        unit=unit,
        data=clean,
        submitted=clean,
        options=frozenset(),
    )
    check_submission(registry, submitted, form)
    return clean


@_logged
@_bounded
def complete_task(
    session: Session,
    item_id: int,
    data: dict[str, Any],
    actor: Actor,
    *,
    registry: Registry | None = None,
) -> WorkItem:
    registry = registry or default_registry
    item, case, open_items = _lock_item_with_open(session, item_id)
    _check_workable(item, case, actor)
    loaded = _loaded(session, case)
    form = loaded.forms.get(item.form) if item.form else None
    clean, errors = validate_submission(form, data) if form else ({}, {})
    if errors:
        raise InvalidData(errors)
    _refuse_oversized(clean)
    typed = clean  # what the person submitted, for the audit log (no domain facts)
    wf = runtime.load(case.state, loaded, registry)
    task = runtime.find_task(wf, UUID(item.task_uuid))
    if task is None or task.state != TaskState.READY:
        raise Conflict("this task is no longer waiting for input")
    if form is not None:
        submitted = Submission(
            session,
            item.form or "",
            step=item.step,
            unit=item.unit,
            data={**task.data, **clean},
            submitted=clean,
            options=task_options(loaded.nodes.get(item.step)),
        )
        check_submission(registry, submitted, form)
        clean = {**clean, **submission_facts(registry, submitted)}
    before = dict(case.data)
    task.data.update(clean)
    runtime.run_task(task)
    runtime.step(wf)
    now = clock.now()
    item.status, item.completed_by, item.completed_at = "completed", actor.name, now
    case.data = {**case.data, **clean}
    entry = audit.record(
        session,
        "task_completed",
        actor=actor.name,
        case_id=case.id,
        unit=item.unit,
        data={},
        **actor.request,
    )
    sync(
        session,
        case,
        wf,
        loaded,
        registry,
        actor.name,
        request=actor.request,
        open_items=open_items,
        submitted=clean,
    )
    entry["data"] = audit.canonical(
        {
            "task": item.id,
            "step": item.step,
            "submitted": typed,
            "changes": changes(before, case.data),
        }
    )
    session.flush()
    return item


def _check_workable(item: WorkItem, case: Case, actor: Actor) -> None:
    if item.status != "open":
        who = f" by {item.completed_by}" if item.completed_by else ""
        raise Conflict(f"this task was already {item.status}{who}")
    if item.claimed_by and item.claimed_by != actor.name:
        raise Conflict(f"this task is claimed by {item.claimed_by}")
    if case.status in ("suspended", "closed"):
        raise Conflict(f"the case is {case.status}")


def _check_holder(item: WorkItem, actor: Actor, force: bool) -> None:
    """An open task, held by nobody or by ``actor`` (unless ``force``)."""
    if item.status != "open":
        raise Conflict(f"this task was already {item.status}")
    if item.claimed_by and item.claimed_by != actor.name and not force:
        raise Conflict(f"this task is claimed by {item.claimed_by}")


@_logged
@_bounded
def claim(session: Session, item_id: int, actor: Actor) -> WorkItem:
    item, case = _lock_item(session, item_id)
    _check_workable(item, case, actor)
    if item.claimed_by != actor.name:
        item.claimed_by = actor.name
        audit.record(
            session,
            "task_claimed",
            actor=actor.name,
            case_id=case.id,
            unit=item.unit,
            data={"task": item.id, "step": item.step},
            **actor.request,
        )
    return item


@_logged
@_bounded
def unclaim(session: Session, item_id: int, actor: Actor, *, force: bool = False) -> WorkItem:
    """Release a claim: one's own, or (``force``, for a unit's lead) anyone's."""
    item, case = _lock_item(session, item_id)
    _check_holder(item, actor, force)
    if item.claimed_by:
        audit.record(
            session,
            "task_unclaimed",
            actor=actor.name,
            case_id=case.id,
            unit=item.unit,
            data={"task": item.id, "from": item.claimed_by},
            **actor.request,
        )
        item.claimed_by = None
    return item


@_logged
@_bounded
def reassign(
    session: Session, item_id: int, to_user: str, actor: Actor, *, force: bool = True
) -> WorkItem:
    """Give an open task to another user (the caller checks they belong to the unit).

    ``force=False``: only an unclaimed task or one's own, checked under the case lock, so
    that two people of a unit cannot take a task from each other by reassigning it."""
    item, case = _lock_item(session, item_id)
    _check_holder(item, actor, force)
    audit.record(
        session,
        "task_reassigned",
        actor=actor.name,
        case_id=case.id,
        unit=item.unit,
        data={"task": item.id, "from": item.claimed_by, "to": to_user},
        **actor.request,
    )
    item.claimed_by = to_user
    return item


@_logged
@_bounded
def cancel(
    session: Session,
    case_id: int,
    actor: Actor,
    reason: str = "",
    *,
    registry: Registry | None = None,
) -> Case:
    registry = registry or default_registry
    case, loaded, wf = _open_case(session, case_id, registry)
    wf.cancel()
    case.outcome = "cancelled"
    audit.record(
        session,
        "case_cancelled",
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={"reason": reason},
        **actor.request,
    )
    sync(session, case, wf, loaded, registry, actor.name, request=actor.request)
    case.status, case.next_due_at = "closed", None
    return case


@_logged
@_bounded
def suspend(
    session: Session,
    case_id: int,
    actor: Actor,
    reason: str = "",
    *,
    registry: Registry | None = None,
) -> Case:
    case = _lock_case(session, case_id)
    if case.status in ("closed", "suspended"):
        raise Conflict(f"the case is {case.status}")
    case.status = "suspended"
    audit.record(
        session,
        "case_suspended",
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={"reason": reason},
        **actor.request,
    )
    notify_stored(session, case, registry or default_registry)
    return case


@_logged
@_bounded
def resume(
    session: Session, case_id: int, actor: Actor, *, registry: Registry | None = None
) -> Case:
    case = _lock_case(session, case_id)
    if case.status != "suspended":
        raise Conflict("the case is not suspended")
    has_open = session.execute(
        select(WorkItem.id).where(WorkItem.case_id == case.id, WorkItem.status == "open").limit(1)
    ).first()
    case.status = "active" if has_open else "waiting"
    audit.record(
        session,
        "case_resumed",
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={},
        **actor.request,
    )
    notify_stored(session, case, registry or default_registry)
    return case


@_logged
@_bounded
def send_message(
    session: Session,
    case_id: int,
    name: str,
    payload: dict[str, Any],
    actor: Actor,
    *,
    registry: Registry | None = None,
) -> Case:
    """Deliver message ``name`` to a case that waits for it (Conflict if it does not)."""
    return _deliver(session, case_id, MessageEventDefinition(name), payload, actor, registry)


@_logged
@_bounded
def send_signal(
    session: Session,
    case_id: int,
    name: str,
    payload: dict[str, Any],
    actor: Actor,
    *,
    registry: Registry | None = None,
) -> Case:
    """Deliver signal ``name`` to a case that waits for it (Conflict if it does not)."""
    return _deliver(session, case_id, SignalEventDefinition(name), payload, actor, registry)


def _deliver(
    session: Session,
    case_id: int,
    event: MessageEventDefinition | SignalEventDefinition,
    payload: dict[str, Any],
    actor: Actor,
    registry: Registry | None,
) -> Case:
    registry = registry or default_registry
    _refuse_oversized(payload)
    case, loaded, wf = _open_case(session, case_id, registry, ("closed", "suspended"))
    _catch(session, case, wf, event, payload, actor)
    sync(session, case, wf, loaded, registry, actor.name, request=actor.request)
    return case


def _catch(
    session: Session,
    case: Case,
    wf,
    event: MessageEventDefinition | SignalEventDefinition,
    payload: dict[str, Any],
    actor: Actor,
) -> None:
    """Hand the event to the case's workflow and run on from there, audited; Conflict
    when nothing in the case waits for it."""
    kind = "signal" if isinstance(event, SignalEventDefinition) else "message"
    try:
        wf.send_event(BpmnEvent(event, dict(payload)))
    except WorkflowException as err:
        raise Conflict(f"the case is not waiting for {kind} {event.name!r}") from err
    runtime.step(wf)
    audit.record(
        session,
        f"{kind}_received",
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={kind: event.name, "payload": payload},
        **actor.request,
    )


@_logged
@_bounded
def update_data(
    session: Session,
    case_id: int,
    values: dict[str, Any],
    actor: Actor,
    *,
    kind: str = "case_data_updated",
    note: str = "",
    registry: Registry | None = None,
) -> Case:
    """Change case data outside a task (a transfer to another branch, say).

    The values go into every live branch of the workflow, and each open task's
    responsible unit is resolved again, so open work follows the case.
    """
    registry = registry or default_registry
    _refuse_oversized(values)
    case, loaded, wf = _open_case(session, case_id, registry)
    for task in runtime.all_tasks(wf):
        if task.state & (TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            task.data.update(values)
            # A waiting task (a timer) takes its parent's data again when it fires, and
            # the parent's values win: without this a probation timer would bring the
            # old branch back 12 months after a transfer.
            if task.parent is not None and task.state == TaskState.WAITING:
                task.parent.data.update(values)
    before = dict(case.data)
    case.data = {**case.data, **values}
    sync(session, case, wf, loaded, registry, actor.name, request=actor.request)
    moved = reresolve_open_items(session, case, wf, loaded, registry)
    audit.record(
        session,
        kind,
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={"changes": changes(before, case.data), "note": note, "moved_tasks": moved},
        **actor.request,
    )
    return case


@_logged
@_bounded
def fire_timers(
    session: Session, case: Case, actor: Actor, *, registry: Registry | None = None
) -> int:
    """Fire the due timers of a locked case; return how many fired."""
    registry = registry or default_registry
    loaded = _loaded(session, case)
    wf = runtime.load(case.state, loaded, registry)
    now = clock.now()
    due = [(task, at) for task, at in runtime.waiting_timers(wf) if at <= now]
    _retry_failed_connectors(session, case, wf, actor)
    runtime.step(wf, timers=True)
    fired = [(task, at) for task, at in due if task.state != TaskState.WAITING]
    for task, at in fired:
        audit.record(
            session,
            "timer_fired",
            actor=actor.name,
            case_id=case.id,
            unit=case.unit,
            data={"step": task.task_spec.bpmn_id, "due_at": at.isoformat()},
            **actor.request,
        )
    sync(session, case, wf, loaded, registry, actor.name, request=actor.request)
    return len(fired)


def _retry_failed_connectors(session: Session, case: Case, wf, actor: Actor) -> int:
    """Call the connectors that failed again (audited); how many went through. The flow
    goes on from them at the caller's next step; ``sync`` then clears or renews the
    case's incident."""
    failed = connectors.failed(runtime.all_tasks(wf))
    if not failed:
        return 0
    done = connectors.retry(failed)
    audit.record(
        session,
        "connector_retried",
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={"steps": [t.task_spec.bpmn_id for t in failed], "succeeded": done},
        **actor.request,
    )
    return done


@_logged
@_bounded
def retry_connectors(
    session: Session, case_id: int, actor: Actor, *, registry: Registry | None = None
) -> Case:
    """Retry now the failed connector calls of a case (Conflict: none failed)."""
    registry = registry or default_registry
    case, loaded, wf = _open_case(session, case_id, registry, ("closed", "suspended"))
    if not connectors.failed(runtime.all_tasks(wf)):
        raise Conflict("no connector call of the case failed")
    _retry_failed_connectors(session, case, wf, actor)
    runtime.step(wf)
    sync(session, case, wf, loaded, registry, actor.name, request=actor.request)
    return case


__all__ = [
    "Actor",
    "unit_of_work",
    "start_case",
    "complete_task",
    "claim",
    "unclaim",
    "reassign",
    "cancel",
    "suspend",
    "resume",
    "send_message",
    "send_signal",
    "retry_connectors",
    "fire_timers",
    "Conflict",
    "InvalidData",
    "NotFound",
    "ProcessError",
]
