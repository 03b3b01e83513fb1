"""User accounts: who may sign in, and which roles they hold in which units.

A role counts in the unit where it is held (procedure.md, "Who may see and do what").
Passwords are hashed with argon2; repeated failures lock the account for a while.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from engine import clock
from engine.models import Base, BigId, DateTime

ROLES = ("reviewer", "designer", "auditor", "admin")
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
# The bounds of the policy for passwords people choose (web forms, CLI; the rest of it is
# web/auth/password_policy.py). create_user does not apply it, so tests and demo seeding
# may use short ones. The upper bound keeps argon2's work per attempt bounded; sign-in
# reads no more than this many characters either.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 500
_hasher = PasswordHasher()


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
    """Replace the password. The new hash ends the user's other sessions (auth.session)."""
    user.password_hash = hash_password(password)
    unlock(user)


def unlock(user: User) -> None:
    user.failed_logins, user.locked_until = 0, None


class SignInRefused(Exception):
    def __init__(self, reason: str, user: User | None = None):
        self.reason, self.user = reason, user
        super().__init__(reason)


def authenticate(session: Session, username: str, password: str) -> User:
    """The user, or SignInRefused("invalid" | "locked"). Counts failures; locks after many.

    Unknown names and wrong passwords give the same answer and take the same time.
    """
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    now = clock.now()
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same effort as a real check
        raise SignInRefused("invalid", user)
    if user.is_locked():
        raise SignInRefused("locked", user)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + LOCK_FOR, 0
        raise SignInRefused("invalid", user) from None
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


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
