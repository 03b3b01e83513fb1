"""Which units the plan's targets and sourcing quotas concern, read from the attributes
of the tree (``traits``), never from a unit's name or its place: a school is a school
under the city committee of the plan's structure and under a ward of the 2025 tree.
"""

from __future__ import annotations

from ..traits import HIGH_SCHOOL, NON_STATE_ENTERPRISE, OWNS_PLAN_TARGETS, SETS_SOURCING_QUOTAS
from ..tree import OrgTree, OrgUnit
from .facts import committee_units


def owns_targets(tree: OrgTree, code: str) -> bool:
    """Whether the committee ``code`` has adopted the plan's targets."""
    unit = tree.get(code)
    return unit is not None and OWNS_PLAN_TARGETS in unit.duties


def target_committees(tree: OrgTree) -> list[str]:
    """The committees that own the plan's targets, in tree order."""
    return [unit.code for unit in tree.units() if OWNS_PLAN_TARGETS in unit.duties]


def own_quota_body(tree: OrgTree, committee: str) -> OrgUnit | None:
    """The board of ``committee`` that sets the sourcing quotas of the mass organisations
    below it (the import allows one per committee)."""
    if committee not in tree:
        return None
    return next(
        (u for u in tree.children(committee) if u.active and SETS_SOURCING_QUOTAS in u.duties),
        None,
    )


def quota_body(tree: OrgTree, committee: str) -> OrgUnit | None:
    """Who sets the quotas of the mass organisations below ``committee``: its own board,
    else the nearest one above (a ward's are set by the province's board)."""
    if committee not in tree:
        return None
    for unit in [tree.unit(committee), *tree.ancestors(committee)]:
        body = own_quota_body(tree, unit.code)
        if body is not None:
            return body
    return None


def of_institution(tree: OrgTree, committee: str, institution: str) -> list[OrgUnit]:
    """The active units below ``committee`` that belong to ``institution``, in tree order.

    Only the outermost of a school or an enterprise: a teachers' branch inside a school's
    party committee is part of that school, not a school of its own."""
    below = {unit.code for unit in tree.descendants(committee)}

    def inside_another(unit: OrgUnit) -> bool:
        return any(
            up.code in below and up.institution == institution for up in tree.ancestors(unit.code)
        )

    return [
        unit
        for unit in tree.walk()
        if unit.code in below
        and unit.active
        and unit.institution == institution
        and not inside_another(unit)
    ]


def schools(tree: OrgTree, committee: str) -> list[OrgUnit]:
    """The high-school party organisations below ``committee`` (plan target 1.1)."""
    return of_institution(tree, committee, HIGH_SCHOOL)


def enterprises(tree: OrgTree, committee: str) -> list[OrgUnit]:
    """The enterprises without state capital below ``committee``, with a party
    organisation or without one (plan target 1.2 counts their workers)."""
    return of_institution(tree, committee, NON_STATE_ENTERPRISE)


def inside(tree: OrgTree, code: str) -> set[str]:
    """``code`` and every unit below it, whose cases count for it (a code the tree no
    longer holds, kept in a board's settings: itself)."""
    return committee_units(tree, code) if code in tree else {code}
