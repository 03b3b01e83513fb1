"""How personal API tokens are kept: what a program presents as ``Authorization:
Bearer <token>``.

A token is 32 random bytes, shown to its owner once. Only its sha256 is stored, so a
copy of the database does not hand out working tokens; sha256 (not argon2) is enough
because the token is random, not a password someone chose, and it keeps the check on
every API request cheap. A token acts as its user, with exactly the user's roles, and
stops working when it is revoked or the user is deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from engine import clock
from engine.models import Base, BigId, DateTime

from ..accounts import User

PREFIX = "ktn_"
MAX_NAME_LENGTH = 100
# Tokens only a few characters longer than ours cannot be ours: no need to hash them.
MAX_TOKEN_LENGTH = 100
# Writing "last used" on every request would make each read a write; a minute's
# precision tells an owner all they need about a token they may revoke.
TOUCH_EVERY = timedelta(minutes=1)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, shown on the page so an owner can tell tokens apart.
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    user: Mapped[User] = relationship(lazy="joined")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: (its row, the token itself, which is never stored)."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name.strip()[:MAX_NAME_LENGTH] or "API",
        token_hash=digest(token),
        hint=token[: len(PREFIX) + 6],
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row, token


def lookup(session: Session, token: str) -> ApiToken | None:
    """The live token row for ``token``, or None (unknown, revoked, inactive user)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    # The user and the memberships in one query: every API request needs both.
    row = (
        session.execute(
            select(ApiToken)
            .where(ApiToken.token_hash == digest(token))
            .options(joinedload(ApiToken.user).joinedload(User.memberships))
        )
        .unique()
        .scalar_one_or_none()
    )
    if row is None or not row.active or not row.user.active:
        return None
    return row


def touch(row: ApiToken) -> bool:
    """Note that ``row`` was used now; True when that changed the row (needs a commit)."""
    now = clock.now()
    if row.last_used_at is not None and now - row.last_used_at < TOUCH_EVERY:
        return False
    row.last_used_at = now
    return True


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first."""
    return list(
        session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(
                ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()
            )
        ).scalars()
    )


def revoke(session: Session, user: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens; None if it is not theirs (or not there)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        return None
    if row.revoked_at is None:
        row.revoked_at = clock.now()
    return row


def revoke_all(session: Session, user: User) -> list[ApiToken]:
    """Revoke every live token of ``user`` (a new password: whoever held the old one may
    have made tokens with it); the tokens revoked."""
    live = session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).scalars()
    now = clock.now()
    revoked = []
    for row in live:
        row.revoked_at = now
        revoked.append(row)
    return revoked
