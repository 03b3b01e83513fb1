"""Who reads and who sets which committee's reports.

- reviewers of an organisation board or a standing board read their committee's
  reports (the cases of every unit below it, as they see them);
- auditors read every committee's;
- the organisation board of a committee that owns the plan's targets sets them, and
  the board the tree names for the sourcing quotas (``sets_sourcing_quotas``) assigns
  them, and reads them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from workflows.admission.kinds import COMMITTEE, ORGANISATION_BOARD, STANDING_BOARD
from workflows.admission.reports import scope
from workflows.admission.traits import SETS_SOURCING_QUOTAS
from workflows.admission.tree import load_tree

from ..accounts import User
from ..permissions import board_committees

READERS = frozenset({ORGANISATION_BOARD, STANDING_BOARD})


def _committees_of_boards(session: Session, user: User, kinds) -> list[str]:
    return sorted(board_committees(session, user, kinds))


def all_committees(session: Session) -> list[str]:
    """Committees with reports: those of kind committee, and any unit with a board that
    reads them or sets quotas."""
    tree = load_tree(session)
    found = {unit.code for unit in tree.units(COMMITTEE)}
    found.update(
        unit.parent
        for unit in tree.units()
        if unit.parent and (unit.kind in READERS or SETS_SOURCING_QUOTAS in unit.duties)
    )
    return [unit.code for unit in tree.walk() if unit.code in found]


def report_committees(session: Session, user: User) -> list[str]:
    if user.has_role("auditor"):
        return all_committees(session)
    return _committees_of_boards(session, user, READERS)


def owning_targets(session: Session, committees: list[str]) -> list[str]:
    """Those of ``committees`` that own the plan's targets, in the same order."""
    tree = load_tree(session)
    return [code for code in committees if scope.owns_targets(tree, code)]


def _setting_quotas(session: Session, user: User) -> list[str]:
    """The committees whose quota board (``scope.own_quota_body``) ``user`` reviews at."""
    tree = load_tree(session)
    found = set()
    for code in user.roles_in("reviewer"):
        unit = tree.get(code)
        if unit is not None and unit.parent and scope.own_quota_body(tree, unit.parent) == unit:
            found.add(unit.parent)
    return sorted(found)


def quota_committees(session: Session, user: User) -> list[str]:
    """Whose quotas ``user`` reads: the report readers', and the quota board's."""
    mine = set(report_committees(session, user))
    mine.update(_setting_quotas(session, user))
    return [code for code in all_committees(session) if code in mine]


def target_setters(session: Session, user: User) -> list[str]:
    return owning_targets(session, _committees_of_boards(session, user, {ORGANISATION_BOARD}))


def quota_setters(session: Session, user: User) -> list[str]:
    return _setting_quotas(session, user)
