"""Which bodies a document names, found in the organisation tree from the case's branch,
and the place written on the date line (the city of the top committee)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.settings import Settings

from ...kinds import COMMITTEE, GRASSROOTS_COMMITTEE, PARTIAL_COMMITTEE, WARD_COMMITTEE
from ...tree import OrgTree
from .model import BLANK, Heading, place_date

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
    codes: dict = field(default_factory=dict)  # branch, grassroots, committee: unit codes

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


def place_name(committee_name: str) -> str:
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
        place=place_name(committee.name) if committee is not None else BLANK,
        own_grassroots=grassroots is not None and grassroots.code == code,
        codes={
            "branch": code,
            "grassroots": grassroots.code if grassroots is not None else None,
            "committee": top,
        },
    )


# A committee's party organisation (đảng bộ) by the kind of committee its name starts
# with: the heading line above the body that issues a document (Hướng dẫn 36-HD/VPTW).
PARTY_ORGANISATIONS = {
    "Thành ủy": "Đảng bộ thành phố",
    "Tỉnh ủy": "Đảng bộ tỉnh",
    "Huyện ủy": "Đảng bộ huyện",
    "Quận ủy": "Đảng bộ quận",
    "Thị ủy": "Đảng bộ thị xã",
    "Đảng ủy": "Đảng bộ",
}
# The symbol of the issuing body after a document's number (36-HD/VPTW, annex 1).
SYMBOLS = {
    "Thành ủy": "ThU",
    "Tỉnh ủy": "TU",
    "Huyện ủy": "HU",
    "Quận ủy": "QU",
    "Thị ủy": "TX",
    "Đảng ủy": "ĐU",
    "Đảng bộ": "ĐU",
    "Chi bộ": "CB",
}


def _prefix(name: str, prefixes) -> str | None:
    return next((p for p in prefixes if name.startswith(p + " ")), None)


def party_organisation(name: str) -> str:
    """ "Thành ủy Đà Lạt" -> "Đảng bộ thành phố Đà Lạt"; a name that is already an
    organisation (Đảng bộ …, Chi bộ …) stays as it is."""
    prefix = _prefix(name, PARTY_ORGANISATIONS)
    return PARTY_ORGANISATIONS[prefix] + name[len(prefix) :] if prefix else name


def symbol(name: str) -> str:
    """The issuing body's symbol: "ThU" for a city committee, "TU" for a province."""
    prefix = _prefix(name, SYMBOLS)
    return SYMBOLS[prefix] if prefix else BLANK


def numbered(number: Any, kind: str, issuer: str) -> str:
    """ "Số 1502-QĐ/ThU": a number typed with its symbol stays as typed; a bare one
    takes the document kind and the issuer's symbol; none leaves the dots to fill."""
    typed = str(number or "").strip()
    if "/" in typed:
        return f"Số {typed}"
    return f"Số {typed or BLANK}-{kind}/{symbol(issuer)}"


def issuer_lines(tree: OrgTree, code: str | None) -> tuple[str, str]:
    """The heading's two lines for a document ``code``'s unit issues: the party
    organisation above it, then the unit itself (capitals, as headings print them)."""
    unit = tree.get(code) if code else None
    if unit is None:
        return BLANK, BLANK
    above = next(
        (u for u in tree.ancestors(unit.code) if u.code != unit.code and _is_party_body(u)),
        None,
    )
    if above is not None:
        upper = party_organisation(above.name)
    else:
        upper = Settings.from_env().party_above_top or ""
    return upper.upper(), unit.name.upper()


# The kinds of unit a party organisation (đảng bộ) is led by, by the tree, not by name.
PARTY_LEADERSHIP = frozenset({COMMITTEE, GRASSROOTS_COMMITTEE, PARTIAL_COMMITTEE, WARD_COMMITTEE})


def _is_party_body(unit) -> bool:
    return unit.kind in PARTY_LEADERSHIP


def heading(tree: OrgTree, code: str | None, number: Any, kind: str, day: Any) -> Heading:
    """The heading of a document unit ``code`` issues (``kind``: NQ, QĐ, GT, CV …), dated
    ``day`` at the place of the committee that decides for it."""
    unit = tree.get(code) if code else None
    above, issuer = issuer_lines(tree, code)
    committee = (
        unit
        if unit is not None and unit.kind == COMMITTEE
        else tree.deciding_committee_of(unit.code)
        if unit is not None
        else None
    )
    place = place_name(committee.name) if committee is not None else BLANK
    name = unit.name if unit is not None else ""
    # A letter a person writes (Mẫu 3-KNĐ) has no number: ``kind`` empty.
    number_line = numbered(number, kind, name) if kind else ""
    return Heading(above, issuer, number_line, place_date(place, day))
