"""Lane resolvers: which unit of the organisation tree holds a task of a case.

Each lane of the admission diagrams names one of these. They read the case's codes
(``branch``, ``residence_unit``, ``proposer_unit``, a verification task's ``place``)
and walk the tree loaded with the case's session, so a reorganisation changes the
answer for the next task without touching a diagram. A resolver that cannot answer
raises ``LookupError`` with the reason, which the engine shows on the failed step.

Until an enterprise worker's case has a branch, the ward committee of residence
stands in for it (plan section 2.9), so the tree lookups start from ``handling_unit``.

A place of verification never stops a case: a place outside the tree (another
province, abroad, an agency) is a task of the sending committee, which writes to it.
The province-level standing board consents to admitting someone over 60 and decides
a re-admission; where the tree stops below the province, the deciding committee's own
bodies record the province's written answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.assignment import ResolveContext
from engine.registry import Registry, registry

from .tree import OrgTree, OrgUnit, load_tree


def _code(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return (str(value).strip() or None) if value is not None else None


def _tree(ctx: ResolveContext) -> OrgTree:
    if ctx.session is None:
        raise LookupError("no database session to read the organisation tree")
    return load_tree(ctx.session)


def _found(unit: OrgUnit | None, what: str, start: str) -> str:
    if unit is None:
        raise LookupError(f"the organisation tree has no {what} for unit {start}")
    return unit.code


def _known(tree: OrgTree, code: str | None, field: str) -> str:
    if code is None:
        raise LookupError(f"the case has no {field}")
    return tree.unit(code).code  # an unknown code fails here, naming it


def _ward(tree: OrgTree, code: str | None, field: str) -> str:
    """The ward committee at or above ``code`` (a ward, or a residential branch of it)."""
    code = _known(tree, code, field)
    return _found(tree.ward_committee_of(code), "ward committee", code)


def _handling(tree: OrgTree, case: Mapping[str, Any]) -> str:
    if _code(case, "branch") is not None:
        return _known(tree, _code(case, "branch"), "branch")
    if _code(case, "residence_unit") is None:
        raise LookupError("the case has neither a branch nor a residence_unit")
    return _ward(tree, _code(case, "residence_unit"), "residence_unit")


def deciding_committee_for(tree: OrgTree, case: Mapping[str, Any]) -> OrgUnit:
    """The committee that decides the case: the province-level one for a re-admission
    where the tree has one, else the one the tree names for the handling unit."""
    start = _handling(tree, case)
    if case.get("readmission") is True:
        # Re-admissions are decided at province level (QĐ 294): its committee where the
        # tree has one, else the usual one records the province's decision.
        province = tree.province_committee_of(start)
        if province is not None:
            return province
    committee = tree.deciding_committee_of(start)
    if committee is None:
        raise LookupError(f"the organisation tree has no deciding committee for unit {start}")
    return committee


def case_unit(case_data: Mapping[str, Any], current: str | None = None) -> str | None:
    """The unit in charge of a case: its branch, else the ward of residence."""
    return _code(case_data, "branch") or _code(case_data, "residence_unit")


def branch(ctx: ResolveContext) -> str:
    """The party branch handling the case (case field ``branch``)."""
    return _known(_tree(ctx), _code(ctx.case, "branch"), "branch")


def handling_unit(ctx: ResolveContext) -> str:
    """The branch if set, else the ward committee where the candidate lives."""
    return _handling(_tree(ctx), ctx.case)


def grassroots_committee(ctx: ResolveContext) -> str:
    """The grassroots committee of the branch (a chi bộ cơ sở is its own)."""
    tree = _tree(ctx)
    start = _handling(tree, ctx.case)
    return _found(tree.grassroots_committee_of(start), "grassroots committee", start)


def deciding_committee(ctx: ResolveContext) -> str:
    """The standing board of the committee that decides, or that committee itself."""
    tree = _tree(ctx)
    committee = deciding_committee_for(tree, ctx.case)
    return (tree.standing_board_of(committee.code) or committee).code


def authorised_committee(ctx: ResolveContext) -> str:
    """The authorised committee that decides by a vote of all its members (itself)."""
    tree = _tree(ctx)
    committee = deciding_committee_for(tree, ctx.case)
    if not tree.is_authorised(committee.code):
        raise LookupError(f"{committee.code} is not authorised to decide admissions itself")
    return committee.code


def partial_committee(ctx: ResolveContext) -> str:
    """The partial committee (đảng ủy bộ phận) above the branch, which appraises."""
    tree = _tree(ctx)
    start = _handling(tree, ctx.case)
    return _found(tree.partial_committee_of(start), "partial committee", start)


def organisation_board(ctx: ResolveContext) -> str:
    """The organisation board of the deciding committee (appraises the dossier)."""
    tree = _tree(ctx)
    committee = deciding_committee_for(tree, ctx.case)
    return _found(tree.organisation_board_of(committee.code), "organisation board", committee.code)


def political_centre(ctx: ResolveContext) -> str:
    """The political centre that runs the party-awareness class for the case."""
    tree = _tree(ctx)
    start = _handling(tree, ctx.case)
    return _found(tree.political_centre_for(start), "political centre", start)


def proposer(ctx: ResolveContext) -> str:
    """The Youth Union or Trade Union that proposed the candidate (``proposer_unit``)."""
    return _known(_tree(ctx), _code(ctx.case, "proposer_unit"), "proposer_unit")


def ward_committee(ctx: ResolveContext) -> str:
    """The ward committee where the candidate lives (``residence_unit``)."""
    return _ward(_tree(ctx), _code(ctx.case, "residence_unit"), "residence_unit")


def province_consent(ctx: ResolveContext) -> str:
    """The province-level standing board, which consents in writing to admitting a
    candidate over 60; where the tree stops below the province, the organisation board
    of the deciding committee, which records the province's written answer."""
    tree = _tree(ctx)
    province = tree.province_committee_of(_handling(tree, ctx.case))
    board = tree.standing_board_of(province.code) if province is not None else None
    return board.code if board is not None else organisation_board(ctx)


def verification_place(ctx: ResolveContext) -> str:
    """The ward committee of the place being verified (task item ``place.unit``); for a
    place that is not a ward of the tree, the sending committee, which writes to it."""
    place = ctx.task.get("place")
    if not isinstance(place, Mapping):
        raise LookupError("the verification task has no place")
    tree, code = _tree(ctx), _code(place, "unit")
    ward = tree.ward_committee_of(code) if code is not None and code in tree else None
    return ward.code if ward is not None else grassroots_committee(ctx)


RESOLVERS: dict[str, Callable[[ResolveContext], str]] = {
    "branch": branch,
    "grassroots_committee": grassroots_committee,
    "deciding_committee": deciding_committee,
    "authorised_committee": authorised_committee,
    "partial_committee": partial_committee,
    "organisation_board": organisation_board,
    "political_centre": political_centre,
    "proposer": proposer,
    "ward_committee": ward_committee,
    "verification_place": verification_place,
    # The grassroots committee that sends the verification requests and writes to
    # places outside the tree.
    "sending_committee": grassroots_committee,
    "province_consent": province_consent,
    "handling_unit": handling_unit,
}


def register(target: Registry = registry) -> None:
    """Register the resolvers under their lane names (safe to call again)."""
    for name, fn in RESOLVERS.items():
        target.resolver(name)(fn)


register()
