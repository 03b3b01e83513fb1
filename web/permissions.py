"""Who sees and does what (procedure.md, "Who may see and do what").

- a reviewer of a unit sees the cases in which that unit (or a unit below it) holds or
  held a task, or which it is responsible for; works on the tasks of that unit only;
- a reviewer of an organisation board or standing board sees every case of the units
  below its committee, and may transfer them (workflows/admission/transfer.py; the
  receiving organisation board sees a case once it holds the task to accept it);
- an auditor sees every case, read-only; a designer and an admin see no candidate data;
- the boards and auditors see the list of cases whose timers fail (incidents);
- an outside system's account (role ``integrator`` in a unit) sends messages and
  signals to the cases of that unit and the units below it, and may start a case by a
  message (the API's /messages and /signals).
Anything outside this answers 404, as if it did not exist.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.models import Case, WorkItem
from workflows.admission.kinds import ORGANISATION_BOARD, STANDING_BOARD
from workflows.admission.nomination import PROPOSER_KINDS
from workflows.admission.tree import load_tree

from .accounts import ROLES, User

BOARDS = {ORGANISATION_BOARD, STANDING_BOARD}


def visible_units(session: Session, user: User, role: str = "reviewer") -> set[str]:
    """Units whose cases ``user`` may see as a reviewer (or reach as ``role``)."""
    tree = load_tree(session)
    seen: set[str] = set()
    for code in user.roles_in(role):
        unit = tree.get(code)
        if unit is None:
            seen.add(code)
            continue
        top = unit.parent if unit.kind in BOARDS and unit.parent else code
        seen.add(top)
        seen.update(u.code for u in tree.descendants(top))
    return seen


def sees_all_cases(user: User) -> bool:
    return user.has_role("auditor")


def case_filter(session: Session, user: User):
    """A WHERE clause limiting a query on Case to what ``user`` may see (None: nothing)."""
    if sees_all_cases(user):
        return True
    return _cases_of(visible_units(session, user))


def _cases_of(units: set[str]):
    """The cases that ``units`` are responsible for or hold (or held) a task of."""
    if not units:
        return None
    held = select(WorkItem.case_id).where(WorkItem.unit.in_(units))
    return or_(Case.unit.in_(units), Case.id.in_(held))


def may_see_case(session: Session, user: User, case: Case | None) -> bool:
    if case is None:
        return False
    if sees_all_cases(user):
        return True
    return _among(session, case, visible_units(session, user))


def _among(session: Session, case: Case, units: set[str]) -> bool:
    if case.unit in units:
        return True
    return (
        session.execute(
            select(WorkItem.id)
            .where(WorkItem.case_id == case.id, WorkItem.unit.in_(units))
            .limit(1)
        ).first()
        is not None
    )


def event_filter(session: Session, user: User):
    """The cases an outside system's account may send messages and signals to: those of
    the units where it holds the ``integrator`` role and the units below them, as a
    reviewer there would see them (None: none)."""
    return _cases_of(visible_units(session, user, "integrator"))


def may_send_events(session: Session, user: User, case: Case) -> bool:
    return _among(session, case, visible_units(session, user, "integrator"))


def may_retry(session: Session, user: User, case: Case) -> bool:
    """Ask at once for a failed connector call of ``case`` to be tried again (what the
    timer worker does later anyway): a reviewer who sees the case, or an outside
    system's account that reaches it; not the read-only auditor."""
    return _among(session, case, visible_units(session, user)) or may_send_events(
        session, user, case
    )


def starting_units(session: Session, user: User, starters: list[str]) -> list[str]:
    """The units from which ``user`` may start a case of a definition whose process
    names ``starters`` (``ketnap:starters``): their reviewer units of those kinds, and
    the units where they hold a role so named."""
    tree = load_tree(session)
    found = {
        code
        for code in user.roles_in("reviewer")
        if (unit := tree.get(code)) is not None and unit.kind in starters
    }
    for role in set(starters) & set(ROLES):
        found |= user.roles_in(role)
    return sorted(found)


def may_work_on(user: User, item: WorkItem) -> bool:
    """Complete, claim or comment on a task: a reviewer of the task's own unit."""
    return item.unit in user.roles_in("reviewer")


def may_see_item(session: Session, user: User, item: WorkItem | None) -> bool:
    if item is None:
        return False
    return may_work_on(user, item) or may_see_case(session, user, session.get(Case, item.case_id))


def proposing_units(session: Session, user: User) -> list[str]:
    """Units from which ``user`` may start (nominate) a case."""
    tree = load_tree(session)
    return sorted(
        code
        for code in user.roles_in("reviewer")
        if (unit := tree.get(code)) is not None and unit.kind in PROPOSER_KINDS
    )


def board_committees(session: Session, user: User, kinds=BOARDS) -> set[str]:
    """The committees above the boards of ``kinds`` where ``user`` is a reviewer."""
    tree = load_tree(session)
    found = set()
    for code in user.roles_in("reviewer"):
        unit = tree.get(code)
        if unit is not None and unit.kind in kinds and unit.parent:
            found.add(unit.parent)
    return found


def may_see_incidents(session: Session, user: User) -> bool:
    """The list of cases whose timers fail: an organisation or standing board (for the
    cases it sees), or an auditor. Everyone else gets 404 for it."""
    return sees_all_cases(user) or bool(board_committees(session, user))
