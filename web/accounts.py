"""User accounts: who may sign in, and which roles they hold in which units.

A role counts in the unit where it is held (procedure.md, "Who may see and do what").
Passwords are hashed with argon2; repeated failures lock the account for a while. A
sign-in attempt is counted before its password is checked (``claim_attempt``), so that
parallel guesses cannot outrun the lock-out.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    case,
    literal,
    null,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from engine import clock
from engine.models import Base, BigId, DateTime

ROLES = ("reviewer", "designer", "auditor", "admin", "integrator")
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
# The bounds of the policy for passwords people choose (web forms, CLI; the rest of it is
# web/auth/password_policy.py). create_user does not apply it, so tests and demo seeding
# may use short ones. The upper bound keeps argon2's work per attempt bounded; sign-in
# reads no more than this many characters either.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 500
_hasher = PasswordHasher()
MAX_EMAIL = 254
# Enough to refuse what is plainly no address; delivery (or the confirmation mail a
# user's own change waits for) shows the rest.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def is_email(text: str) -> bool:
    return len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text) is not None


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    # Where notifications are mailed (None: in the app only). Set by an administrator
    # or the CLI, or by the user once they confirmed it from a mailed link.
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def roles_in(self, role: str) -> set[str]:
        """The unit codes where this user holds ``role``."""
        return {m.unit_code for m in self.memberships if m.role == role}

    def has_role(self, role: str) -> bool:
        return any(m.role == role for m in self.memberships)

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > clock.now()


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "unit_code", "role", name="uq_membership"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_code: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="memberships")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def set_password(user: User, password: str) -> None:
    """Replace the password hash and lift any lock-out. Only the hash: what else a new
    password ends (sessions, API tokens) is ``auth.credentials.replace_password``'s."""
    user.password_hash = hash_password(password)
    unlock(user)


def unlock(user: User) -> None:
    user.failed_logins, user.locked_until = 0, None


class SignInRefused(Exception):
    def __init__(self, reason: str, user_id: int | None = None):
        self.reason, self.user_id = reason, user_id
        super().__init__(reason)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt once counted (``claim_attempt``): whose it is, and the hash its
    password is to be checked against, or why it is refused whatever the password."""

    username: str
    user_id: int | None = None  # None: no active user of that name
    password_hash: str | None = None  # None: refused before any check
    refused: str | None = None  # "invalid" (no such active user) or "locked"

    @property
    def reason(self) -> str:
        """Why the attempt fails if its password is wrong (or never checked)."""
        return self.refused or "invalid"


def claim_attempt(session: Session, username: str) -> Attempt:
    """Count one attempt at ``username`` before its password is checked, in one UPDATE.

    Counted first, so that N attempts at once are N counts (a count read, then
    written, would let parallel guesses overwrite each other's), and an attempt the
    count says is over the limit is refused unchecked: at most ``MAX_FAILURES``
    passwords are ever checked between a lock-out and the next success. The attempt
    that reaches the limit sets the lock-out; its own password is still checked, and
    if right, the success lifts the lock. An attempt while locked counts past the limit
    (hence is refused); the first after the lock has run out counts afresh from one.
    """
    now = clock.now()
    locked = User.locked_until > now
    past_limit = case(
        (User.failed_logins > MAX_FAILURES, User.failed_logins + 1), else_=MAX_FAILURES + 1
    )
    count = case(
        (locked, past_limit),  # refused, and counted as such
        (User.locked_until.is_not(None), 1),  # the lock has run out: a fresh start
        else_=User.failed_logins + 1,
    )
    lock = case(
        (locked, User.locked_until),  # a lock-out runs its time, however many attempts
        (count >= MAX_FAILURES, literal(now + LOCK_FOR, DateTime())),
        else_=null(),
    )
    claimed = session.execute(
        update(User)
        .where(User.username == username, User.active.is_(True))
        .values(failed_logins=count, locked_until=lock)
        .returning(User.id, User.failed_logins, User.password_hash)
        .execution_options(synchronize_session="fetch")
    ).one_or_none()
    if claimed is None:
        return Attempt(username, refused="invalid")
    user_id, failures, password_hash = claimed
    if failures > MAX_FAILURES:
        return Attempt(username, user_id, refused="locked")
    return Attempt(username, user_id, password_hash)


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of no one's password, made once per hasher: what an attempt refused
    before the check is verified against, so that it costs what a real check costs."""
    return hasher.hash(secrets.token_urlsafe(16))


def check_password(attempt: Attempt, password: str) -> bool:
    """Whether ``password`` is right for the attempt: always exactly one argon2
    verification, against a dummy hash for an attempt refused before the check, so that
    an unknown user, a wrong password and a locked account take the same time."""
    try:
        _hasher.verify(attempt.password_hash or _dummy_hash(_hasher), password)
    except (VerificationError, InvalidHashError):
        return False
    return attempt.password_hash is not None


def succeed(session: Session, attempt: Attempt, password: str) -> User:
    """After a right password: the user, the failure count and any lock-out reset."""
    session.execute(
        update(User)
        .where(User.id == attempt.user_id)
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session="fetch")
    )
    user = session.get(User, attempt.user_id)
    assert user is not None  # claimed a moment ago, and users are never deleted
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The user, or SignInRefused("invalid" | "locked"), all in the caller's transaction,
    which must be committed either way (the count is the point of a failure).

    The sign-in page uses the same steps with a commit after the claim, so that no row
    stays locked while argon2 works (``web.auth.views``).
    """
    attempt = claim_attempt(session, username)
    if not check_password(attempt, password):
        raise SignInRefused(attempt.reason, attempt.user_id)
    return succeed(session, attempt, password)


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    full_name: str = "",
    memberships: Sequence[tuple[str, str]] = (),
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        password_hash=hash_password(password),
        created_at=clock.now(),
    )
    for unit, role in memberships:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
        user.memberships.append(Membership(unit_code=unit, role=role))
    session.add(user)
    session.flush()
    return user
