"""What a new password ends: every session of the user, and their API tokens.

Whoever knew the old password may be signed in somewhere, or may have made API tokens
with it; a new password is how the owner (or an administrator) shuts them out. The
account page lets owners keep their tokens if they choose (changing a password on a
schedule should not break their scripts); a reset by an administrator or the CLI,
which is what a lost or stolen password calls for, revokes them always.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..accounts import User, set_password
from ..tokens.store import ApiToken, revoke_all
from . import session_store


def replace_password(
    session: Session, user: User, password: str, *, keep_tokens: bool = False
) -> list[ApiToken]:
    """Set the password (already checked against the policy), end every session of the
    user and, unless ``keep_tokens``, revoke their API tokens; the tokens revoked."""
    set_password(user, password)
    session_store.end_all(session, user.id, session_store.PASSWORD_CHANGED)
    return [] if keep_tokens else revoke_all(session, user)
