"""A user's notifications in the app: the page of them, the unread count, marking read.
Each user sees only their own (``recipient``); marking changes nothing else."""

from __future__ import annotations

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from engine import clock
from engine.listing import Page, fetch_page
from engine.models import Notification


def unread_count(session: Session, username: str) -> int:
    return session.execute(
        select(func.count()).where(
            Notification.recipient == username, Notification.read_at.is_(None)
        )
    ).scalar_one()


def page_of(session: Session, username: str, number: int, size: int, unread: bool = False) -> Page:
    """The user's notifications, newest first."""
    stmt = select(Notification).where(Notification.recipient == username)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    return fetch_page(session, stmt.order_by(Notification.id.desc()), number, size)


def own(session: Session, username: str, notification_id: int) -> Notification | None:
    """The notification, if it is the user's (another's is as if it did not exist)."""
    row = session.get(Notification, notification_id)
    return row if row is not None and row.recipient == username else None


def mark_read(session: Session, row: Notification) -> Notification:
    if row.read_at is None:
        row.read_at = clock.now()
    return row


def mark_all_read(session: Session, username: str) -> int:
    done: CursorResult = session.execute(  # type: ignore[assignment]  # an UPDATE's result
        update(Notification)
        .where(Notification.recipient == username, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return done.rowcount
