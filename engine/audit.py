"""The audit log: one global chain of events, numbered without gaps and hash-linked.

Each event's hash covers its content and the previous event's hash, so changing,
inserting, reordering or deleting any event (even a whole case's history, or the last
events) breaks the chain at a place ``verify`` can name.

Operations *record* events as they go; the events are *appended* to the chain in the
session's ``before_commit`` hook. The chain head row is therefore locked only for the
last moments of a transaction, not for the whole of an operation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from engine import clock
from engine.models import ChainHead, Event

GENESIS = "0" * 64
#: At most this many events go in one statement with the head's update: a statement
#: takes at most 65,535 parameters (11 an event), and a batch of timers or of demo
#: copies appends thousands at once; those go by the driver's executemany.
ONE_STATEMENT_EVENTS = 1000
_PENDING = "ketnap_pending_events"
#: ``fn(session, events)`` called at commit with the operation's events, before they
#: are chained: what they write is part of the same transaction (engine/outbox.py).
listeners: list[Callable[[Session, list[dict]], None]] = []


def canonical(data: Any) -> str:
    """The one JSON spelling of ``data`` that is hashed and stored."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _utc_text(moment: datetime) -> str:
    # SQLite returns naive datetimes; everything we store is UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    seq: int,
    prev_hash: str,
    kind: str,
    case_id: int | None,
    actor: str,
    unit: str | None,
    at: datetime,
    data: str,
    request_id: str | None,
    client: str | None,
) -> str:
    content = canonical(
        [seq, prev_hash, kind, case_id, actor, unit, _utc_text(at), data, request_id, client]
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def record(
    session: Session,
    kind: str,
    *,
    actor: str,
    case_id: int | None = None,
    unit: str | None = None,
    data: Any = None,
    request_id: str | None = None,
    client: str | None = None,
) -> dict:
    """Queue an event; it is chained and written when the session commits.

    Returns the queued entry, so an operation can complete its data (the changes a step
    caused, say) before the commit without reordering the history.
    """
    entry = dict(
        kind=kind,
        actor=actor,
        case_id=case_id,
        unit=unit,
        data=canonical(data or {}),
        request_id=request_id,
        client=client,
        at=clock.now(),
    )
    session.info.setdefault(_PENDING, []).append(entry)
    return entry


def pending(session: Session) -> list[dict]:
    return list(session.info.get(_PENDING, []))


def forget_since(session: Session, count: int) -> None:
    """Drop the events queued after the first ``count``: what a rolled-back savepoint
    did never happened (engine/preview.py)."""
    queued = session.info.get(_PENDING)
    if queued is not None:
        del queued[count:]


def _append_pending(session: Session) -> None:
    queued = session.info.pop(_PENDING, None)
    if not queued:
        return
    for listener in listeners:
        listener(session, queued)
    # Write the operation's own rows first, so the head is locked only for the events
    # and the COMMIT itself.
    session.flush()
    # Core statements, not the ORM unit of work: this runs while the head is locked.
    seq, prev = session.execute(
        select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1).with_for_update()
    ).one()
    rows = []
    for item in queued:
        seq += 1
        digest = event_hash(
            seq,
            prev,
            item["kind"],
            item["case_id"],
            item["actor"],
            item["unit"],
            item["at"],
            item["data"],
            item["request_id"],
            item["client"],
        )
        rows.append({**item, "seq": seq, "prev_hash": prev, "hash": digest})
        prev = digest
    move_head = update(ChainHead).where(ChainHead.id == 1).values(seq=seq, hash=prev)
    if session.get_bind().dialect.name == "postgresql" and len(rows) <= ONE_STATEMENT_EVENTS:
        # One round trip: the events' INSERT rides in the head's UPDATE as a CTE (a
        # data-modifying CTE runs whether or not the statement reads it).
        session.execute(move_head.add_cte(insert(Event).values(rows).cte("appended")))
    else:
        session.execute(insert(Event), rows)
        session.execute(move_head)


@sa_event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _append_pending(session)


@sa_event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    # Events of a failed operation describe something that did not happen.
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"event #{self.seq}: {self.reason}"


def verify(session: Session, batch: int = 5000) -> Break | None:
    """Walk the chain from the first event; return the first broken entry, or None."""
    expected_seq, prev = 0, GENESIS
    for ev in _iter_events(session, batch):
        expected_seq += 1
        if ev.seq != expected_seq:
            missing = "missing" if ev.seq > expected_seq else "out of order"
            return Break(expected_seq, f"{missing} (found #{ev.seq} next)")
        if ev.prev_hash != prev:
            return Break(ev.seq, "does not follow the event before it (reordered or replaced)")
        digest = event_hash(
            ev.seq,
            ev.prev_hash,
            ev.kind,
            ev.case_id,
            ev.actor,
            ev.unit,
            ev.at,
            ev.data,
            ev.request_id,
            ev.client,
        )
        if digest != ev.hash:
            return Break(ev.seq, "content changed after it was written")
        prev = ev.hash
    head = session.get(ChainHead, 1)
    if head is None or head.seq != expected_seq or head.hash != prev:
        return Break(
            expected_seq + 1,
            "events after this point were deleted"
            if head is not None and head.seq > expected_seq
            else "the chain head does not match the last event",
        )
    return None


def _iter_events(session: Session, batch: int) -> Iterator[Event]:
    last = 0
    while True:
        rows = (
            session.execute(select(Event).where(Event.seq > last).order_by(Event.seq).limit(batch))
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def history(session: Session, case_id: int) -> list[Event]:
    return list(
        session.execute(select(Event).where(Event.case_id == case_id).order_by(Event.seq)).scalars()
    )
