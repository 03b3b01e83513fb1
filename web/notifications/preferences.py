"""How each user wants to hear of each kind of notification: at once, in the daily
digest, or not by e-mail (the app shows every notification whatever the choice)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.models import Base, BigId
from engine.outbox import KINDS

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
MODES = (IMMEDIATE, DIGEST, OFF)


class NotificationPreference(Base):
    """A user's choice for one kind; no row: ``IMMEDIATE``."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preference"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(12))


def modes_of(session: Session, user_id: int) -> dict[str, str]:
    """Every kind's mode for the user, the default filled in."""
    chosen: dict[str, str] = {
        kind: mode
        for kind, mode in session.execute(
            select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id == user_id
            )
        )
    }
    return {kind: chosen.get(kind, IMMEDIATE) for kind in KINDS}


def set_modes(session: Session, user_id: int, modes: dict[str, str]) -> None:
    """Store the user's choices for the kinds given (unknown kinds or modes: ValueError)."""
    rows = {
        row.kind: row
        for row in session.execute(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        ).scalars()
    }
    for kind, mode in modes.items():
        if kind not in KINDS or mode not in MODES:
            raise ValueError(f"unknown notification kind or mode: {kind}={mode}")
        if kind in rows:
            rows[kind].mode = mode
        else:
            session.add(NotificationPreference(user_id=user_id, kind=kind, mode=mode))
