"""The notification outbox: who is to be told what, written in the transaction of the
operation that gave the reason, so that a rolled-back operation tells nobody and a
committed one is never forgotten.

Operations need not know about it. Every reason to tell someone is also an audit event
(a task ready, reassigned, commented on, a case closed or transferred ...), and each
operation's events are handed to this module's listener at commit, before the chain is
written (``audit.listeners``): *rules* turn an event into ``Reason``s, and ``enqueue``
writes one row per recipient. The engine's rules cover tasks; a domain adds its own for
the events whose recipients it knows (a case's proposer and branch, say) with
``outbox.on(kind)``. Code that has a reason no event names calls ``enqueue`` itself,
in its operation's transaction.

Recipients are users, or units: ``outbox.audience`` (set by the layer that holds the
accounts) gives the users who act for a unit. Whoever caused the reason is not told.

Reminders of tasks due soon and overdue are no one's operation: ``remind`` computes them
(the mail worker calls it), on working days only, once per task and recipient.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, exists, literal, select, text
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import is_postgres
from engine.models import Case, Notification, WorkItem
from engine.workdays import LOCAL_TZ, Calendar, default_calendar

log = logging.getLogger(__name__)

#: Every kind of notification, in the order the preferences page lists them.
KINDS = (
    "task_new",  # a new task in one of my units
    "task_assigned",  # a task given to me
    "task_due_soon",  # a task of mine (or my unit's, unclaimed) due within a few working days
    "task_overdue",  # ... past its deadline
    "escalation",  # a task the diagram marks as an escalation (to the board)
    "comment",  # a comment on a task I hold
    "case_ended",  # a case I proposed or my branch handles closed or was ended
    "case_decided",  # ... was decided (admission, recognition)
    "case_transferred",  # ... moved to another branch
)
#: The reminders ``remind`` writes.
REMINDERS = ("task_due_soon", "task_overdue")
#: One lock id for the reminder scan on PostgreSQL, so two workers do not both scan.
_REMIND_LOCK = 0x6B65746E  # "ketn"


@dataclass(frozen=True)
class Reason:
    """A reason to tell the ``users`` and the users of the ``units`` something.

    ``key``: written at most once per recipient (a reminder). ``actor``: who caused it,
    left out of the recipients. ``data``: what the text of the notification needs (the
    case's title and the step's name are filled in when the case or task is given)."""

    kind: str
    units: tuple[str | None, ...] = ()
    users: tuple[str | None, ...] = ()
    case_id: int | None = None
    work_item_id: int | None = None
    unit: str | None = None
    due_at: datetime | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None
    actor: str | None = None


class Batch(list):
    """Every audit event of one commit, as the rules see them: a list, and the events of
    one kind without reading all of them again. A bulk seeding commits thousands of
    events at once (engine/cloning.py): a rule that scanned the whole list for each of
    its own events made that commit take quadratic time (999 copies: minutes)."""

    def of_kind(self, kind: str) -> list[dict]:
        index = self.__dict__.get("by_kind")
        if index is None:
            index = {}
            for event in self:
                index.setdefault(event["kind"], []).append(event)
            self.__dict__["by_kind"] = index
        return index.get(kind, [])


#: (session, audit event as queued, every event of the operation) -> reasons
Rule = Callable[[Session, dict, Batch], Iterable[Reason]]
#: (session, unit code) -> the names of the active users who act for that unit
Audience = Callable[[Session, str], Iterable[str]]


class Outbox:
    """The rules per audit event kind, and where the users of a unit come from."""

    def __init__(self) -> None:
        self.rules: dict[str, list[Rule]] = {}
        self.audience: Audience | None = None

    def on(self, kind: str):
        """Decorator: ``fn(session, event, events) -> reasons`` for events of ``kind``."""

        def wrap(fn: Rule) -> Rule:
            rules = self.rules.setdefault(kind, [])
            if fn not in rules:
                rules.append(fn)
            return fn

        return wrap


#: The process-wide outbox.
outbox = Outbox()


def enqueue(session: Session, reason: Reason) -> list[Notification]:
    """Write one notification per recipient of ``reason`` in the caller's transaction;
    return the rows. This is the function other code calls to tell people something
    (for instance ``Reason("case_transferred", units=(old, new), case_id=...)``)."""
    if reason.kind not in KINDS:
        raise ValueError(f"unknown notification kind {reason.kind!r}")
    recipients = {name for name in reason.users if name}
    if outbox.audience is not None:
        for unit in reason.units:
            if unit:
                recipients.update(outbox.audience(session, unit))
    recipients.discard(reason.actor or "")
    if reason.key and recipients:
        recipients -= set(
            session.execute(
                select(Notification.recipient).where(
                    Notification.key == reason.key, Notification.recipient.in_(recipients)
                )
            ).scalars()
        )
    if not recipients:
        return []
    data = {**_about(session, reason), **reason.data}
    now = clock.now()
    rows = [
        Notification(
            recipient=name,
            kind=reason.kind,
            case_id=reason.case_id,
            work_item_id=reason.work_item_id,
            unit=reason.unit,
            due_at=reason.due_at,
            data=data,
            key=reason.key,
            created_at=now,
            mail_status="pending",
            mail_attempts=0,
        )
        for name in sorted(recipients)
    ]
    session.add_all(rows)
    return rows


def _about(session: Session, reason: Reason) -> dict[str, Any]:
    """What a notification's text shows of its case and task, as they are now (the text
    must not change when the case moves on)."""
    about: dict[str, Any] = {}
    if reason.case_id is not None:
        case = session.get(Case, reason.case_id)
        if case is not None:
            about["title"] = case.title
    if reason.work_item_id is not None:
        item = session.get(WorkItem, reason.work_item_id)
        if item is not None:
            about["step_name"] = item.step_name
    if reason.actor:
        about["actor"] = reason.actor
    return about


def _on_events(session: Session, events: list[dict]) -> None:
    """The audit listener: the reasons the operation's events give, enqueued."""
    batch = Batch(events)
    for event in batch:
        for rule in outbox.rules.get(event["kind"], ()):
            for reason in rule(session, event, batch):
                enqueue(session, reason)


if _on_events not in audit.listeners:
    audit.listeners.append(_on_events)


def event_data(event: dict) -> dict[str, Any]:
    """The data of a queued audit event (stored as its canonical JSON)."""
    data = event.get("data") or "{}"
    return json.loads(data) if isinstance(data, str) else dict(data)


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# The engine's own rules: tasks.


def _task_reason(kind: str, event: dict, data: dict) -> Reason:
    return Reason(
        kind,
        units=(data.get("unit"),),
        case_id=event["case_id"],
        work_item_id=data.get("task"),
        unit=data.get("unit"),
        due_at=_moment(data.get("due_at")),
        actor=event["actor"],
    )


@outbox.on("task_ready")
def _task_ready(session: Session, event: dict, events: Batch) -> Iterable[Reason]:
    data = event_data(event)
    escalated = any(
        event_data(other).get("task") == data.get("task") for other in events.of_kind("escalation")
    )
    # An escalation is told as one (its own rule), not also as a new task.
    return () if escalated else (_task_reason("task_new", event, data),)


@outbox.on("escalation")
def _escalation(session: Session, event: dict, events: list[dict]) -> Iterable[Reason]:
    return (_task_reason("escalation", event, event_data(event)),)


@outbox.on("task_reassigned")
def _reassigned(session: Session, event: dict, events: list[dict]) -> Iterable[Reason]:
    data = event_data(event)
    item = session.get(WorkItem, data.get("task"))
    if item is None:
        return ()
    return (
        Reason(
            "task_assigned",
            users=(data.get("to"),),
            case_id=item.case_id,
            work_item_id=item.id,
            unit=item.unit,
            due_at=item.due_at,
            actor=event["actor"],
        ),
    )


@outbox.on("comment_added")
def _commented(session: Session, event: dict, events: list[dict]) -> Iterable[Reason]:
    data = event_data(event)
    item = session.get(WorkItem, data["task"]) if data.get("task") else None
    if item is None or not item.claimed_by:
        return ()
    excerpt = str(data.get("body") or "")
    return (
        Reason(
            "comment",
            users=(item.claimed_by,),
            case_id=item.case_id,
            work_item_id=item.id,
            unit=item.unit,
            due_at=item.due_at,
            data={"excerpt": excerpt[:200] + ("…" if len(excerpt) > 200 else "")},
            actor=event["actor"],
        ),
    )


# Reminders.


def remind(
    session: Session,
    within_workdays: int,
    *,
    now: datetime | None = None,
    calendar: Calendar = default_calendar,
) -> int:
    """Write the reminders due now: for each open task with a deadline, "due soon" once it
    is at most ``within_workdays`` working days away, "overdue" once it has passed; to the
    user holding it, or else its unit. Only on working days (local time): nobody is
    reminded on a Sunday or during Tết, and the count of days skips them. Returns how many
    rows it wrote. Two workers at once write each reminder once (on PostgreSQL the second
    skips the scan; SQLite has one writer at a time; the key is unique per recipient)."""
    now = now or clock.now()
    today = now.astimezone(LOCAL_TZ).date()
    if not calendar.is_workday(today):
        return 0
    if (
        is_postgres(session)
        and not session.execute(
            text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": _REMIND_LOCK}
        ).scalar()
    ):
        return 0
    last_day = calendar.add_workdays(today, within_workdays)
    horizon = datetime.combine(last_day, datetime.max.time(), tzinfo=LOCAL_TZ)
    written = 0
    for kind in REMINDERS:
        overdue = kind == "task_overdue"
        key = literal(f"{kind}:") + cast(WorkItem.id, String)
        items = session.execute(
            select(WorkItem)
            .where(
                WorkItem.status == "open",
                WorkItem.due_at.is_not(None),
                WorkItem.due_at < now if overdue else WorkItem.due_at.between(now, horizon),
                ~exists().where(Notification.key == key),
            )
            .order_by(WorkItem.id)
        ).scalars()
        for item in items:
            holder = (item.claimed_by,) if item.claimed_by else ()
            reason = Reason(
                kind,
                units=() if holder else (item.unit,),
                users=holder,
                case_id=item.case_id,
                work_item_id=item.id,
                unit=item.unit,
                due_at=item.due_at,
                key=f"{kind}:{item.id}",
            )
            written += len(enqueue(session, reason))
    return written
