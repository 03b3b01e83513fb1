"""Which bodies a document names, found in the organisation tree from the case's branch,
and the place written on the date line (the city of the top committee)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...tree import OrgTree
from .model import BLANK

# A committee's name starts with the kind of committee; the rest is the place.
COMMITTEE_PREFIXES = ("Thành ủy", "Tỉnh ủy", "Huyện ủy", "Quận ủy", "Thị ủy", "Đảng ủy")


@dataclass(frozen=True)
class Bodies:
    branch: str
    branch_parent: str  # the level above the branch (its heading's first line)
    grassroots: str
    committee: str  # the committee that decides
    standing_board: str
    organisation_board: str
    residence: str
    place: str
    # A branch directly under a committee (chi bộ cơ sở) is its own grassroots
    # organisation: the documents then name it once, and propose to the committee.
    own_grassroots: bool

    @property
    def proposes_to(self) -> str:
        return self.committee if self.own_grassroots else self.grassroots

    @property
    def below_committee(self) -> str:
        """The bodies under the deciding committee that handled the case."""
        return self.branch if self.own_grassroots else f"{self.branch}, {self.grassroots}"


def _name(unit) -> str:
    return unit.name if unit is not None else BLANK


def _residence(unit) -> str:
    """Where the candidate lives: the area a residential branch is named after."""
    name = _name(unit)
    return name[len("Chi bộ ") :] if name.startswith("Chi bộ ") else name


def _place(committee_name: str) -> str:
    for prefix in COMMITTEE_PREFIXES:
        if committee_name.startswith(prefix + " "):
            return committee_name[len(prefix) + 1 :]
    return BLANK


def bodies_of(tree: OrgTree, data: Mapping[str, Any]) -> Bodies:
    """The bodies of a case whose branch is known (every case that reached a vote)."""
    branch = tree.get(data.get("branch"))
    code = branch.code if branch is not None else None
    committee = tree.deciding_committee_of(code) if code else None
    grassroots = tree.grassroots_committee_of(code) if code else None
    top = committee.code if committee is not None else None
    return Bodies(
        branch=_name(branch),
        branch_parent=_name(tree.get(branch.parent) if branch is not None else None),
        grassroots=_name(grassroots),
        committee=_name(committee),
        standing_board=_name(tree.standing_board_of(top) if top else None),
        organisation_board=_name(tree.organisation_board_of(top) if top else None),
        residence=_residence(tree.get(data.get("residence_unit"))),
        place=_place(committee.name) if committee is not None else BLANK,
        own_grassroots=grassroots is not None and grassroots.code == code,
    )
