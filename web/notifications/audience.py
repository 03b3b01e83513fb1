"""Who acts for a unit, for the outbox (engine/outbox.py): its active reviewers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import Membership, User


def reviewers_of(session: Session, unit: str) -> list[str]:
    return list(
        session.execute(
            select(User.username)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.unit_code == unit,
                Membership.role == "reviewer",
                User.active.is_(True),
            )
            .distinct()
        ).scalars()
    )
