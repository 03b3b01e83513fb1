"""Reading, checking and importing the organisation tree (cơ cấu tổ chức).

An administrator keeps the tree in a file and imports it; a reorganisation is a new
import, not a code change. Units missing from a new file become inactive rather than
deleted, because old cases keep the codes they were handled under.

File formats
------------
YAML: a list of units, or a mapping whose ``units`` key holds that list. Each unit::

    - code: TU-DL                  # required; 1-64 of A-Z a-z 0-9 _ . -; never reused
      name: Thành ủy Đà Lạt        # required, non-empty
      kind: committee              # required; one of kinds.KINDS
      parent: TU-LD                # optional: code of the unit above
      upper: P1                    # optional: the committee that decides admissions for
                                   #   this unit and those below it, when that is not the
                                   #   nearest committee up the tree; must be of kind
                                   #   committee, grassroots_committee or ward_committee
                                   #   (a ward authorised to decide names itself)
      covers: [Khu phố 1, Khu phố 2]   # optional: residential areas of a ward committee
      institution: high_school     # optional: the school or enterprise it belongs to,
                                   #   one of traits.INSTITUTIONS (reports find schools
                                   #   and enterprises by it, never by their names)
      duties: [owns_plan_targets]  # optional: what it takes on for the plan, of
                                   #   traits.DUTIES (which committee owns the targets,
                                   #   which board sets the sourcing quotas)
      children:                    # optional: units below; their parent is this unit
        - code: BTV-DL
          ...

CSV: a header row with the columns ``code,name,kind,parent,upper,covers,institution,
duties`` (``code``, ``name`` and ``kind`` required, the order free), one unit a row;
``covers`` and ``duties`` separated by ``;``. UTF-8, with or without a byte-order mark.

``validate`` reports every problem at once, each with its line (YAML) or row (CSV) and
the unit's code, so an administrator fixes a file in one round.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import Problem, ProblemList

from . import traits
from .kinds import BRANCH, COMMITTEE_LIKE, GRASSROOTS_COMMITTEE, KINDS, WARD_COMMITTEE
from .models import Unit
from .tree import OrgTree, OrgUnit, UnknownUnit, load_tree

__all__ = [
    "KINDS",
    "OrgTree",
    "OrgUnit",
    "UnknownUnit",
    "load_tree",
    "TreeFormatError",
    "ImportPlan",
    "parse_tree",
    "read_tree_file",
    "validate",
    "plan_import",
    "import_tree",
]

CODE_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
FIELDS = ("code", "name", "kind", "parent", "upper", "covers", "institution", "duties")
_REQUIRED = ("code", "name", "kind")
_LINE = "__line__"


class TreeFormatError(ProblemList, ValueError):
    """The file is not a tree at all, or the tree has problems: see ``problems``
    (each says where: "line 9 (X): …" or "row 1: …")."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__([Problem("", text) for text in problems])


# -- parsing --------------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """Safe YAML that remembers on which line each mapping starts, for messages."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _text(value: Any) -> str | None:
    # YAML reads "code: 101" as a number; a code is text whatever it looks like.
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _names(value: Any, issues: list[str], complaint: str) -> tuple[str, ...]:
    """A list of names, from YAML's list or CSV's ``a;b`` (``complaint`` if neither)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list) or not all(isinstance(a, (str, int)) for a in value):
        issues.append(complaint)
        return ()
    return tuple(a for a in (str(a).strip() for a in value) if a)


def _unit(fields: dict[str, Any], where: str, issues: list[str]) -> OrgUnit:
    return OrgUnit(
        code=_text(fields.get("code")) or "",
        name=_text(fields.get("name")) or "",
        kind=_text(fields.get("kind")) or "",
        parent=_text(fields.get("parent")),
        upper=_text(fields.get("upper")),
        covers=_names(fields.get("covers"), issues, "covers must be a list of area names"),
        institution=_text(fields.get("institution")),
        duties=_names(fields.get("duties"), issues, "duties must be a list of duty names"),
        where=where,
        issues=tuple(issues),
    )


def _yaml_units(items: Any, parent: str | None, where: str, out: list[OrgUnit]) -> None:
    if not isinstance(items, list):
        raise TreeFormatError([f"{where}: expected a list of units"])
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise TreeFormatError([f"{where}: item {index} is not a unit (code, name, kind …)"])
        here = f"line {item.get(_LINE, '?')}"
        issues = [
            f"unknown field {key!r}" for key in item if key not in (*FIELDS, "children", _LINE)
        ]
        fields = dict(item)
        if parent is not None:
            if _text(item.get("parent")) not in (None, parent):
                issues.append(f"parent {item['parent']!r} contradicts its place under {parent}")
            fields["parent"] = parent
        unit = _unit(fields, here, issues)
        out.append(unit)
        if item.get("children") is not None:
            _yaml_units(item["children"], unit.code or None, here, out)


def _csv_units(text: str) -> list[OrgUnit]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    problems = [f"row 1: missing column {name!r}" for name in _REQUIRED if name not in header]
    problems += [f"row 1: unknown column {name!r}" for name in header if name not in FIELDS]
    if problems:
        raise TreeFormatError(problems)
    units = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        issues = ["more cells than columns"] if row.get(None) else []
        units.append(_unit(row, f"row {reader.line_num}", issues))
    return units


def parse_tree(text: str, fmt: str) -> list[OrgUnit]:
    """Units in file order from YAML or CSV text (``fmt``: "yaml", "yml" or "csv").

    Problems of single units are kept on them for ``validate``; a file that cannot be
    read as units at all raises ``TreeFormatError``.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt == "csv":
        return _csv_units(text)
    if fmt not in ("yaml", "yml"):
        raise TreeFormatError([f"unknown format {fmt!r}: use yaml or csv"])
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as err:
        raise TreeFormatError([f"not valid YAML: {err}"]) from err
    if isinstance(data, dict):
        data = data.get("units")
    units: list[OrgUnit] = []
    _yaml_units(data, None, "file", units)
    return units


def read_tree_file(path: str | Path, fmt: str | None = None) -> list[OrgUnit]:
    """Parse a file: CSV if ``fmt`` says so or the name ends in .csv, else YAML."""
    path = Path(path)
    fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "yaml")
    return parse_tree(path.read_text(encoding="utf-8"), fmt)


# -- validation -----------------------------------------------------------------------


def _cycles(first: dict[str, OrgUnit]) -> dict[str, list[str]]:
    """{code of a unit on a parent cycle: the cycle's codes in order}."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    found: dict[str, list[str]] = {}
    for start in first:
        path: list[str] = []
        code: str | None = start
        while code in first and code not in state:
            state[code] = 1
            path.append(code)
            code = first[code].parent
        if code in state and state[code] == 1:
            loop = path[path.index(code) :]
            for member in loop:
                found[member] = loop
        for member in path:
            state[member] = 2
    return found


def validate(units: list[OrgUnit]) -> list[str]:
    """Every problem of the tree, in file order, as "line N (CODE): message"."""
    found: list[tuple[int, str]] = []  # (position in the file, message)
    position = {id(unit): i for i, unit in enumerate(units)}

    def say(unit: OrgUnit, message: str) -> None:
        found.append(
            (position[id(unit)], f"{unit.where or 'unit'} ({unit.code or 'no code'}): {message}")
        )

    first: dict[str, OrgUnit] = {}
    for unit in units:
        for issue in unit.issues:
            say(unit, issue)
        if not CODE_RE.fullmatch(unit.code):
            say(unit, f"bad code {unit.code!r}: 1 to 64 letters, digits, '_', '.' or '-'")
        if not unit.name:
            say(unit, "name is empty")
        if unit.kind not in KINDS:
            say(unit, f"unknown kind {unit.kind!r}; known: {', '.join(KINDS)}")
        for problem in traits.problems(unit.kind, unit.institution, unit.duties):
            say(unit, problem)
        if unit.code in first:
            say(unit, f"duplicate code, first used at {first[unit.code].where}")
        else:
            first[unit.code] = unit
    cycles = _cycles(first)
    reported: set[str] = set()
    covered: dict[str, OrgUnit] = {}
    quota_bodies: dict[str, OrgUnit] = {}  # committee -> the board setting its quotas
    tree = OrgTree(first.values())
    for unit in first.values():
        if unit.parent is not None and unit.parent not in first:
            say(unit, f"parent {unit.parent!r} is not in the file")
        if unit.code in cycles and unit.code not in reported:
            reported.update(cycles[unit.code])
            say(unit, "parents form a cycle: " + " -> ".join(cycles[unit.code] + [unit.code]))
        upper = first.get(unit.upper) if unit.upper else None
        if unit.upper and upper is None:
            say(unit, f"upper {unit.upper!r} is not in the file")
        elif upper is not None and upper.kind not in COMMITTEE_LIKE:
            say(
                unit,
                f"upper {unit.upper!r} is a {upper.kind}, not one of: "
                f"{', '.join(sorted(COMMITTEE_LIKE))}",
            )
        if unit.covers and unit.kind == WARD_COMMITTEE:
            for area in unit.covers:
                other = covered.setdefault(area.casefold(), unit)
                if other is not unit:
                    say(unit, f"area {area!r} is already covered by {other.code}")
        if traits.SETS_SOURCING_QUOTAS in unit.duties and unit.parent in first:
            parent = first[unit.parent]
            other = quota_bodies.setdefault(parent.code, unit)
            if parent.kind not in COMMITTEE_LIKE:
                say(unit, f"sets sourcing quotas, but its parent {parent.code} is no committee")
            elif other is not unit:
                say(unit, f"{parent.code}'s sourcing quotas are already set by {other.code}")
        # A broken chain (missing parent, cycle, unknown upper) was reported above; the
        # missing committee would only repeat it in other words.
        chain = [unit, *tree.ancestors(unit.code)]
        intact = (
            chain[-1].parent is None
            and unit.code not in cycles
            and all(u.upper is None or u.upper in first for u in chain)
        )
        if unit.kind == BRANCH and intact and tree.deciding_committee_of(unit.code) is None:
            say(
                unit,
                "no committee decides admissions for this branch: give it (or a unit "
                "above it) an upper, or put a committee above it",
            )
        if unit.kind == BRANCH and intact:
            say_grassroots = _grassroots_problem(tree, unit)
            if say_grassroots:
                say(unit, say_grassroots)
    return [message for _, message in sorted(found, key=lambda item: item[0])]


def _grassroots_problem(tree: OrgTree, branch: OrgUnit) -> str | None:
    """A branch marked as its own grassroots organisation (chi bộ cơ sở) cannot sit under
    a grassroots committee: the mark would skip that committee's vote."""
    if traits.GRASSROOTS_ORGANISATION not in branch.duties or branch.parent is None:
        return None
    above = tree.grassroots_committee_of(branch.parent)
    if above is not None and above.kind == GRASSROOTS_COMMITTEE:
        return (
            f"marked grassroots_organisation but it is under the grassroots committee {above.code}"
        )
    return None


# -- import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPlan:
    """What an import changes, by unit code."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    reactivated: tuple[str, ...]
    deactivated: tuple[str, ...]
    unchanged: int

    def summary(self) -> dict[str, Any]:
        return {
            "created": list(self.created),
            "updated": list(self.updated),
            "reactivated": list(self.reactivated),
            "deactivated": list(self.deactivated),
            "unchanged": self.unchanged,
        }


def _columns(unit: OrgUnit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "parent_code": unit.parent,
        "upper_code": unit.upper,
        "covers": list(unit.covers),
        "institution": unit.institution,
        "duties": list(unit.duties),
        "active": True,
    }


def _parents_first(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    by_code = {u.code: u for u in units}
    ordered: list[OrgUnit] = []
    placed: set[str] = set()
    for unit in by_code.values():
        pending = []
        step: OrgUnit | None = unit
        while step is not None and step.code not in placed:
            pending.append(step)
            placed.add(step.code)
            step = by_code.get(step.parent) if step.parent else None
        ordered.extend(reversed(pending))
    return ordered


def _diff(session: Session, units: list[OrgUnit]) -> tuple[ImportPlan, dict[str, Unit]]:
    problems = validate(units)
    if problems:
        raise TreeFormatError(problems)
    existing = {row.code: row for row in session.execute(select(Unit)).scalars()}
    created, updated, reactivated = [], [], []
    for unit in units:
        row = existing.get(unit.code)
        if row is None:
            created.append(unit.code)
        elif any(getattr(row, k) != v for k, v in _columns(unit).items()):
            updated.append(unit.code)
            if not row.active:
                reactivated.append(unit.code)
    in_file = {u.code for u in units}
    deactivated = sorted(c for c, row in existing.items() if row.active and c not in in_file)
    plan = ImportPlan(
        tuple(created),
        tuple(updated),
        tuple(reactivated),
        tuple(deactivated),
        len(units) - len(created) - len(updated),
    )
    return plan, existing


def plan_import(session: Session, units: list[OrgUnit]) -> ImportPlan:
    """What ``import_tree`` would change, without changing anything (for --dry-run)."""
    return _diff(session, units)[0]


def _next_stamp(session: Session) -> datetime:
    # Strictly after every stamp already stored, even under a frozen or coarse clock,
    # so that load_tree's (count, max(updated_at)) check always sees a change.
    now = datetime.now(UTC)
    latest = session.execute(select(func.max(Unit.updated_at))).scalar()
    if latest is None:
        return now
    if latest.tzinfo is None:  # SQLite gives back naive UTC
        latest = latest.replace(tzinfo=UTC)
    return max(now, latest + timedelta(microseconds=1))


def import_tree(
    session: Session, units: list[OrgUnit], *, actor: str = "system", source: str | None = None
) -> ImportPlan:
    """Make the stored tree equal to ``units``, inside the caller's transaction.

    Validates first and raises ``TreeFormatError`` without writing if anything is
    wrong. New units are inserted, changed ones updated, stored units absent from
    ``units`` made inactive; an audit event ``units_imported`` records the change.
    """
    plan, existing = _diff(session, units)
    stamp = _next_stamp(session)
    new = set(plan.created)
    changed = set(plan.updated)
    # Insert parents before children, and all inserts before the updates that may point
    # at them: the parent foreign key is checked row by row.
    for unit in _parents_first(u for u in units if u.code in new):
        session.add(Unit(code=unit.code, updated_at=stamp, **_columns(unit)))
    session.flush()
    for unit in units:
        if unit.code in changed:
            row = existing[unit.code]
            for key, value in _columns(unit).items():
                setattr(row, key, value)
            row.updated_at = stamp
    for code in plan.deactivated:
        existing[code].active = False
        existing[code].updated_at = stamp
    session.flush()
    audit.record(session, "units_imported", actor=actor, data={"source": source, **plan.summary()})
    return plan
