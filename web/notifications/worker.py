"""The notification worker (``ketnap notify run [--loop]``): it writes the reminders of
tasks due soon and overdue (engine.outbox.remind), mails each notification its
recipient wants at once, and on working days, at ``KETNAP_DIGEST_HOUR``, each
recipient's digest.

Exactly once, however many workers run: a worker takes a notification with
``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has one writer at a time, as every
transaction begins with the write lock), sends it while it holds the row, and marks it
sent in the same transaction; another worker skips the locked row and, after the
commit, no longer sees it as due. A send that fails leaves the row due again later
(1 minute, doubling with each failure, at most an hour), with the error and the count
of attempts on it, for the administrator's page (/quan-tri/thong-bao); nothing is lost
while the mail server is down. The one window left: the database failing between the
server's acceptance of a mail and the commit that marks it sent, which sends that
mail again later (a mail twice, rather than none).

Without ``KETNAP_SMTP_URL`` mail is off: the worker still writes reminders, which the
app shows, and says so in its log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as clock_time

from flask import Flask, g
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import clock, outbox
from engine.cases import unit_of_work
from engine.models import INCIDENT_LENGTH, Notification
from engine.timers import is_transient
from engine.workdays import LOCAL_TZ, default_calendar

from ..accounts import User
from . import messages
from .mailer import SEND_ERRORS, Mailer, from_config
from .preferences import DIGEST, OFF, modes_of

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """How long a notification waits after its ``attempts``-th failed send."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LAST_RETRY)


def _due(now: datetime):
    return or_(Notification.mail_next_at.is_(None), Notification.mail_next_at <= now)


def _failed(rows: list[Notification], err: BaseException, now: datetime) -> None:
    for row in rows:
        row.mail_attempts += 1
        row.mail_next_at = now + retry_delay(row.mail_attempts)
        row.mail_error = (f"{type(err).__name__}: {err}".strip())[:INCIDENT_LENGTH]
    log.warning(
        "mail not sent, retrying later",
        extra={
            "notifications": [row.id for row in rows],
            "error": rows[0].mail_error,
            "attempts": rows[0].mail_attempts,
            "retry_at": rows[0].mail_next_at.isoformat() if rows[0].mail_next_at else None,
        },
    )


def _sent(rows: list[Notification], now: datetime) -> None:
    for row in rows:
        row.mail_status, row.mailed_at, row.mail_error, row.mail_next_at = "sent", now, None, None


class Worker:
    """One worker of the app ``app`` (its database, settings, templates and links)."""

    def __init__(self, app: Flask, mailer: Mailer | None = None) -> None:
        self.app = app
        self.factory = app.extensions["ketnap_db"]
        self.mailer = mailer if mailer is not None else from_config(app.config)

    def run_once(self) -> int:
        """One round: reminders, mail, digests. Returns how much it did."""
        done = self.remind()
        if self.mailer is not None:
            done += self.deliver() + self.send_digests()
        return done

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One transaction, in a request context (for the texts and links of mail) whose
        pages' session it also is: the texts read the tree and names through it, and on
        SQLite a second connection would wait for this one's write lock."""
        with self.app.test_request_context():
            with unit_of_work(self.factory) as session:
                g.db = session
                yield session

    def remind(self) -> int:
        with unit_of_work(self.factory) as session:
            return outbox.remind(session, self.app.config["REMIND_WORKDAYS"])

    def deliver(self) -> int:
        """Handle every notification due to be mailed; return how many."""
        handled = 0
        while self.deliver_one():
            handled += 1
        return handled

    def deliver_one(self) -> bool:
        """Take one due notification and mail it, or put it in the digest, or mark it
        as not wanted by mail. False when none is due."""
        assert self.mailer is not None
        now = clock.now()
        with self._transaction() as session:
            row = session.execute(
                select(Notification)
                .where(Notification.mail_status == "pending", _due(now))
                .order_by(Notification.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if row is None:
                return False
            user = _user(session, row.recipient)
            status = _route(session, user, row.kind)
            if status != "send":
                row.mail_status = status
                return True
            assert user is not None
            try:
                self.mailer.send(messages.one(user, row))
            except SEND_ERRORS as err:
                _failed([row], err, now)
            else:
                _sent([row], now)
            return True

    def send_digests(self) -> int:
        """On a working day, from the digest hour on: mail each recipient the
        notifications kept for the digest before today's hour. Returns how many mails."""
        assert self.mailer is not None
        now = clock.now()
        local = now.astimezone(LOCAL_TZ)
        hour = self.app.config["DIGEST_HOUR"]
        if not default_calendar.is_workday(local.date()) or local.hour < hour:
            return 0
        cutoff = datetime.combine(local.date(), clock_time(hour), tzinfo=LOCAL_TZ)
        waiting = (Notification.mail_status == DIGEST, Notification.created_at < cutoff, _due(now))
        with unit_of_work(self.factory) as session:
            recipients = list(
                session.execute(select(Notification.recipient).where(*waiting).distinct()).scalars()
            )
        sent = 0
        for name in recipients:
            with self._transaction() as session:
                sent += self._digest_of(session, name, waiting, now)
        return sent

    def _digest_of(self, session: Session, name: str, waiting: tuple, now: datetime) -> int:
        assert self.mailer is not None
        rows = list(
            session.execute(
                select(Notification)
                .where(Notification.recipient == name, *waiting)
                .order_by(Notification.id)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if not rows:
            return 0  # another worker holds them
        user = _user(session, name)
        if user is None or not user.active or not user.email:
            for row in rows:
                row.mail_status = "no_address" if user is not None else OFF
            return 0
        try:
            self.mailer.send(messages.digest(user, rows))
        except SEND_ERRORS as err:
            _failed(rows, err, now)
            return 0
        _sent(rows, now)
        return 1

    def loop(
        self,
        *,
        interval: float,
        retry: float = 0.5,
        max_retry: float = 30.0,
        stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Run rounds until ``stop()``; wait ``interval`` seconds after a round that did
        nothing. While the database cannot be reached, wait and try again (doubling)."""
        wait = retry
        while not stop():
            try:
                done = self.run_once()
            except Exception as err:
                if not is_transient(err):
                    raise
                log.warning("database unavailable, retrying", extra={"retry_in_s": wait})
                time.sleep(wait)
                wait = min(wait * 2, max_retry)
                continue
            wait = retry
            if not done:
                time.sleep(interval)


def _user(session: Session, name: str) -> User | None:
    return session.execute(select(User).where(User.username == name)).scalar_one_or_none()


def _route(session: Session, user: User | None, kind: str) -> str:
    """What becomes of a notification by mail: "send", or the status it ends in."""
    if user is None or not user.active:
        return OFF
    mode = modes_of(session, user.id)[kind]
    if mode == OFF:
        return OFF
    if not user.email:
        return "no_address"
    return DIGEST if mode == DIGEST else "send"
