"""Who reads and who sets which committee's reports.

- reviewers of an organisation board or a standing board read their committee's
  reports (the cases of every unit below it, as they see them);
- auditors read every committee's;
- the organisation board sets its committee's targets, and the mass mobilisation board
  assigns the sourcing quotas, which it also reads.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflows.admission.kinds import (
    COMMITTEE,
    MASS_MOBILISATION_BOARD,
    ORGANISATION_BOARD,
    STANDING_BOARD,
)
from workflows.admission.tree import load_tree

from ..accounts import User
from ..permissions import board_committees

READERS = frozenset({ORGANISATION_BOARD, STANDING_BOARD})
BOARD_KINDS = READERS | {MASS_MOBILISATION_BOARD}


def _committees_of_boards(session: Session, user: User, kinds) -> list[str]:
    return sorted(board_committees(session, user, kinds))


def all_committees(session: Session) -> list[str]:
    """Committees with reports: those of kind committee, and any unit with a board."""
    tree = load_tree(session)
    found = {unit.code for unit in tree.units(COMMITTEE)}
    found.update(unit.parent for unit in tree.units() if unit.kind in BOARD_KINDS and unit.parent)
    return [unit.code for unit in tree.walk() if unit.code in found]


def report_committees(session: Session, user: User) -> list[str]:
    if user.has_role("auditor"):
        return all_committees(session)
    return _committees_of_boards(session, user, READERS)


def quota_committees(session: Session, user: User) -> list[str]:
    """Whose quotas ``user`` reads: the report readers, and the mass mobilisation board."""
    mine = set(report_committees(session, user))
    mine.update(_committees_of_boards(session, user, {MASS_MOBILISATION_BOARD}))
    return [code for code in all_committees(session) if code in mine]


def target_setters(session: Session, user: User) -> list[str]:
    return _committees_of_boards(session, user, {ORGANISATION_BOARD})


def quota_setters(session: Session, user: User) -> list[str]:
    return _committees_of_boards(session, user, {MASS_MOBILISATION_BOARD})
