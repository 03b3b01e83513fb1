"""Who acts on a case in the procedure's name (procedure.md, "Who may see and do what"):
its branch, the body that proposed it, the boards above it, the body that decides.

Each answer is a set of unit codes read from the organisation tree and the case's
data, so a reorganisation or a transfer changes it with no code change. A user acts
for the units where they are a reviewer; the web layer asks with those units.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from engine.errors import EngineError

from .kinds import ORGANISATION_BOARD, STANDING_BOARD
from .tree import OrgTree

BOARDS = frozenset({ORGANISATION_BOARD, STANDING_BOARD})


class NotAllowed(EngineError):
    """The acting units may see the case but may not do this to it (403); the message
    says who may, in Vietnamese."""


def _code(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return (str(value).strip() or None) if value is not None else None


def handling_unit(tree: OrgTree, data: Mapping[str, Any]) -> str | None:
    """The branch handling the case; before a lone worker has one, the ward committee
    where they live (as the lanes resolve it)."""
    branch = _code(data, "branch")
    if branch is not None:
        return branch if branch in tree else None
    residence = _code(data, "residence_unit")
    if residence is None or residence not in tree:
        return None
    ward = tree.ward_committee_of(residence)
    return ward.code if ward is not None else None


def proposer(data: Mapping[str, Any]) -> str | None:
    return _code(data, "proposer_unit")


def boards_above(tree: OrgTree, data: Mapping[str, Any]) -> set[str | None]:
    """The organisation and standing boards of every committee the case's unit is
    below: the boards that see it (web/permissions.py) and may end or correct it."""
    start = handling_unit(tree, data)
    if start is None:
        return set()
    found: set[str | None] = set()
    for committee in tree.ancestors(start):
        found.update(child.code for child in tree.children(committee.code) if child.kind in BOARDS)
    return found


def deciding_body(tree: OrgTree, data: Mapping[str, Any]) -> str | None:
    """The body that decides the case's admission and recognition: the standing board
    of the deciding committee, or that committee itself (an authorised ward)."""
    start = handling_unit(tree, data)
    committee = tree.deciding_committee_of(start) if start is not None else None
    if committee is None:
        return None
    board = tree.standing_board_of(committee.code)
    return (board or committee).code


def acts_for(units: Collection[str] | None, allowed: Collection[str | None]) -> bool:
    """Whether one of ``units`` is one of ``allowed`` (None: the command line, which
    acts for every unit, as it does for every other command)."""
    return units is None or any(code in allowed for code in units if code)
