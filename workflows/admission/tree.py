"""The organisation tree as an immutable snapshot, and the lookups that cases need.

Which body is "the upper committee" of a branch, who appraises its dossiers, where the
candidate takes the party-awareness class: all of these are answered by walking this
tree, never by code, so that a reorganisation (7/2025: wards directly under the
province, authorised to decide) is an import of a new tree.

``load_tree(session)`` returns a snapshot cached per process and per database. Checking
whether the table changed costs one ``SELECT count(*), max(updated_at)``; the import
makes ``updated_at`` strictly increase on every change (see ``orgs``), so an unchanged
stamp means an unchanged tree.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import event, func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from .kinds import (
    BRANCH,
    COMMITTEE,
    GRASSROOTS_LIKE,
    ORGANISATION_BOARD,
    PARTIAL_COMMITTEE,
    POLITICAL_CENTRE,
    STANDING_BOARD,
    WARD_COMMITTEE,
)
from .models import Unit
from .traits import GRASSROOTS_ORGANISATION, PROVINCE_LEVEL


class UnknownUnit(LookupError):
    """A code that the organisation tree does not hold."""


@dataclass(frozen=True)
class OrgUnit:
    """One unit. ``where`` and ``issues`` are set only for units read from a file."""

    code: str
    name: str
    kind: str
    parent: str | None = None
    upper: str | None = None
    covers: tuple[str, ...] = ()
    active: bool = True
    # What it is in and what it takes on beyond its kind (see ``traits``).
    institution: str | None = None
    duties: tuple[str, ...] = ()
    where: str = field(default="", compare=False)
    issues: tuple[str, ...] = field(default=(), compare=False)


class OrgTree:
    """A read-only tree of units; lookups return ``OrgUnit`` objects (or None).

    Lookups that start from a code raise ``UnknownUnit`` if the code is not in the tree.
    Inactive units stay in the tree, because old cases still name them; where a lookup
    picks among several children it prefers active ones.
    """

    def __init__(self, units: Iterable[OrgUnit]) -> None:
        by_code: dict[str, OrgUnit] = {}
        for unit in units:
            by_code.setdefault(unit.code, unit)  # first wins, as validate reports the rest
        children: dict[str, list[OrgUnit]] = {}
        for unit in by_code.values():
            if unit.parent is not None:
                children.setdefault(unit.parent, []).append(unit)
        self._units = MappingProxyType(by_code)
        self._children = MappingProxyType(
            {
                code: tuple(sorted(kids, key=lambda u: (not u.active, u.code)))
                for code, kids in children.items()
            }
        )

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __len__(self) -> int:
        return len(self._units)

    def get(self, code: str | None) -> OrgUnit | None:
        return self._units.get(code) if code is not None else None

    def unit(self, code: str) -> OrgUnit:
        unit = self._units.get(code)
        if unit is None:
            raise UnknownUnit(f"unit {code!r} is not in the organisation tree")
        return unit

    def units(self, kind: str | None = None, *, include_inactive: bool = False) -> list[OrgUnit]:
        """All units in tree order (parents before children, siblings by code)."""
        return [
            u
            for u in self.walk()
            if (kind is None or u.kind == kind) and (include_inactive or u.active)
        ]

    def walk(self) -> list[OrgUnit]:
        """Depth-first from the roots; units cut off by a cycle come last."""
        seen: set[str] = set()
        order: list[OrgUnit] = []
        roots = sorted(
            (u for u in self._units.values() if u.parent not in self._units), key=lambda u: u.code
        )
        stack = list(reversed(roots))
        while stack:
            unit = stack.pop()
            if unit.code in seen:
                continue
            seen.add(unit.code)
            order.append(unit)
            stack.extend(reversed(self._children.get(unit.code, ())))
        order.extend(u for u in self._units.values() if u.code not in seen)
        return order

    def children(self, code: str) -> tuple[OrgUnit, ...]:
        self.unit(code)
        return self._children.get(code, ())

    def ancestors(self, code: str) -> list[OrgUnit]:
        """Parent first, up to the root; stops at a missing parent or a cycle."""
        chain: list[OrgUnit] = []
        seen = {code}
        unit = self.unit(code)
        while unit.parent is not None and unit.parent not in seen:
            parent = self._units.get(unit.parent)
            if parent is None:
                break
            chain.append(parent)
            seen.add(parent.code)
            unit = parent
        return chain

    def descendants(self, code: str) -> list[OrgUnit]:
        """Every unit below ``code`` (not itself), inactive ones too: what it oversees."""
        self.unit(code)
        found: list[OrgUnit] = []
        seen = {code}
        queue = deque([code])
        while queue:
            for child in self._children.get(queue.popleft(), ()):
                if child.code not in seen:
                    seen.add(child.code)
                    found.append(child)
                    queue.append(child.code)
        return found

    def _chain(self, code: str) -> list[OrgUnit]:
        return [self.unit(code), *self.ancestors(code)]

    def child_of_kind(self, code: str, kind: str) -> OrgUnit | None:
        """The first child of ``kind`` (active ones first, then by code)."""
        return next((c for c in self.children(code) if c.kind == kind), None)

    def grassroots_committee_of(self, code: str) -> OrgUnit | None:
        """The grassroots party organisation of ``code``.

        The first unit at or above it that is one: a branch the tree marks as its own
        grassroots organisation (chi bộ cơ sở, duty ``grassroots_organisation``), or a
        grassroots or ward committee. None above the upper committee's level.
        """
        for unit in self._chain(code):
            if self.is_grassroots_branch(unit.code) or unit.kind in GRASSROOTS_LIKE:
                return unit
            if unit.kind == COMMITTEE:
                return None
        return None

    def is_grassroots_branch(self, code: str) -> bool:
        """A branch that is itself the grassroots organisation (chi bộ cơ sở): its
        resolutions go straight to the upper committee, with no grassroots vote.

        A branch directly under an upper committee is one by the Charter's definition; a
        branch under a ward (since 7/2025) may be either, so there the tree says it with
        the duty ``grassroots_organisation``. Nothing is read from names."""
        unit = self.unit(code)
        if unit.kind != BRANCH:
            return False
        parent = self.get(unit.parent)
        return GRASSROOTS_ORGANISATION in unit.duties or (
            parent is not None and parent.kind == COMMITTEE
        )

    def partial_committee_of(self, code: str) -> OrgUnit | None:
        """The partial committee (đảng ủy bộ phận) between ``code`` and its grassroots
        committee, which appraises the branch's resolutions; None where there is none."""
        for unit in self._chain(code):
            if unit.kind == PARTIAL_COMMITTEE:
                return unit
            if unit.kind in GRASSROOTS_LIKE or unit.kind == COMMITTEE:
                return None
        return None

    def is_authorised(self, committee: str) -> bool:
        """A grassroots or ward committee authorised to decide admissions itself
        (written ``upper: <its own code>``): it decides as a whole committee by vote."""
        unit = self.unit(committee)
        return unit.upper == unit.code and unit.kind in GRASSROOTS_LIKE

    def province_committee_of(self, code: str) -> OrgUnit | None:
        """The province-level committee at or above ``code`` (duty ``province_level``),
        or None when the tree stops below the province (its consent is then recorded
        as an answer from outside the tree)."""
        return next((u for u in self._chain(code) if PROVINCE_LEVEL in u.duties), None)

    def ward_committee_of(self, code: str) -> OrgUnit | None:
        """The ward committee at or above ``code`` (a residential branch's ward)."""
        return next((u for u in self._chain(code) if u.kind == WARD_COMMITTEE), None)

    def deciding_committee_of(self, code: str) -> OrgUnit | None:
        """The committee that decides admissions for ``code``.

        The ``upper`` of the unit itself or of its nearest ancestor that has one (an
        authorised ward committee names itself); otherwise the nearest committee above.
        """
        for i, unit in enumerate(self._chain(code)):
            if unit.upper:
                return self._units.get(unit.upper)
            if i and unit.kind == COMMITTEE:
                return unit
        return None

    def standing_board_of(self, committee: str) -> OrgUnit | None:
        return self.child_of_kind(committee, STANDING_BOARD)

    def organisation_board_of(self, committee: str) -> OrgUnit | None:
        return self.child_of_kind(committee, ORGANISATION_BOARD)

    def political_centre_for(self, code: str) -> OrgUnit | None:
        """Where a candidate of ``code`` takes the class: the political centre of the
        deciding committee, else of the nearest unit above that has one."""
        start = self.deciding_committee_of(code)
        chain = self._chain(start.code) if start is not None else self._chain(code)
        for unit in chain:
            centre = self.child_of_kind(unit.code, POLITICAL_CENTRE)
            if centre is not None:
                return centre
        return None


def _from_row(row) -> OrgUnit:
    return OrgUnit(
        code=row.code,
        name=row.name,
        kind=row.kind,
        parent=row.parent_code,
        upper=row.upper_code,
        covers=tuple(row.covers or ()),
        active=row.active,
        institution=row.institution,
        duties=tuple(row.duties or ()),
    )


_COLUMNS = (
    Unit.code,
    Unit.name,
    Unit.kind,
    Unit.parent_code,
    Unit.upper_code,
    Unit.covers,
    Unit.active,
    Unit.institution,
    Unit.duties,
)
# database URL -> (stamp, tree). Keyed by URL so that tests on several databases, or a
# process serving one, never see another database's tree.
_cache: dict[str, tuple[tuple, OrgTree]] = {}


# session.info key: (transaction, tree) — the tree checked once in that transaction.
_HELD = "ketnap.org_tree"


# Built once: it runs in every transaction that asks for the tree.
_STAMP = select(func.count(), func.max(Unit.updated_at))


@functools.lru_cache(maxsize=64)
def _database_key(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def load_tree(session: Session) -> OrgTree:
    """The current tree as ``session`` sees it, rebuilt only when the table changed.

    Asked once per transaction: a page that names units, checks permissions and
    lists choices calls this several times, and each check is a round trip."""
    held = session.info.get(_HELD)
    if held is not None and held[0] is session.get_transaction():
        return held[1]
    # Read the stamp before the rows: a change committed in between makes the cached
    # stamp older than the rows, which costs one extra reload, never a stale tree.
    stamp = tuple(session.execute(_STAMP).one())
    key = _database_key(session.get_bind().engine.url)
    hit = _cache.get(key)
    if hit is not None and hit[0] == stamp:
        tree = hit[1]
    else:
        tree = OrgTree(_from_row(row) for row in session.execute(select(*_COLUMNS)))
        _cache[key] = (stamp, tree)
    session.info[_HELD] = (session.get_transaction(), tree)
    return tree


@event.listens_for(Session, "after_flush")
def _forget_changed_tree(session: Session, _context) -> None:
    """A transaction that writes units sees its own changes on the next call."""
    if any(isinstance(obj, Unit) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(_HELD, None)
