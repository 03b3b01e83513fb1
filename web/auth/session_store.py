"""Server-side sessions: what a signed-in browser's cookie stands for.

The cookie (Flask's signed session) holds only a random id; its sha256 names a row
here, so a copy of the database hands out no working sessions, and the cookie carries
nothing of the password. A session lives while its row has not ended, and

- ends at sign-out (that one), at a password change or deactivation (every one of
  the user's: ``end_all``);
- ends by itself after SESSION_IDLE without a request, and SESSION_MAX after sign-in
  however busy (KETNAP_SESSION_IDLE_MINUTES, KETNAP_SESSION_MAX_HOURS).

"Last seen" is written at most once a minute (``TOUCH_EVERY``), not on every request,
which would make every page a write: the idle timeout is precise to that minute.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from engine import clock
from engine.models import Base, BigId, DateTime

from ..accounts import User

TOUCH_EVERY = timedelta(minutes=1)
#: Why a session ended, as ``ended_why`` records it.
SIGNED_OUT, PASSWORD_CHANGED, DEACTIVATED, IDLE, EXPIRED = (
    "signed_out",
    "password_changed",
    "deactivated",
    "idle",
    "expired",
)


class UserSession(Base):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime())
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    ended_why: Mapped[str | None] = mapped_column(String(20), nullable=True)
    user: Mapped[User] = relationship()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, user: User, max_age: timedelta) -> str:
    """A new session of ``user``; the token for the cookie (stored only as its sha256).

    Also forgets the user's sessions older than ``max_age``, which are over whatever
    else happened to them, so that the table holds no more than the sign-ins of the
    last ``max_age``; the audit log keeps every sign-in and sign-out."""
    now = clock.now()
    session.execute(
        delete(UserSession)
        .where(UserSession.user_id == user.id, UserSession.created_at <= now - max_age)
        .execution_options(synchronize_session="fetch")
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    session.flush()
    return token


def find(session: Session, token: str) -> UserSession | None:
    """The session row of ``token`` (ended or not), with its user and the user's roles:
    one query, as every page needs all three."""
    if not token or len(token) > 100:
        return None
    return (
        session.execute(
            select(UserSession)
            .where(UserSession.token_hash == _digest(token))
            .options(joinedload(UserSession.user).joinedload(User.memberships))
        )
        .unique()
        .scalar_one_or_none()
    )


def why_over(row: UserSession, idle: timedelta, max_age: timedelta) -> str | None:
    """Why the session may no longer act (a reason of ``ended_why``), or None if live."""
    now = clock.now()
    if row.ended_at is not None:
        return row.ended_why or SIGNED_OUT
    if not row.user.active:
        return DEACTIVATED
    if now - row.created_at >= max_age:
        return EXPIRED
    if now - row.last_seen_at >= idle:
        return IDLE
    return None


def touch(row: UserSession) -> bool:
    """Note that the session was used now; True when that changed the row (commit it)."""
    now = clock.now()
    if now - row.last_seen_at < TOUCH_EVERY:
        return False
    row.last_seen_at = now
    return True


def end(row: UserSession, why: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.ended_why = clock.now(), why


def end_all(session: Session, user_id: int, why: str) -> int:
    """End every live session of the user at once; how many there were."""
    ended = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), ended_why=why)
        .returning(UserSession.id)
        .execution_options(synchronize_session="fetch")
    )
    return len(ended.all())
