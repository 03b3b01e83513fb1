"""Unit fields (``"type": "unit"``): a code of the domain's organisation tree, of one of
the kinds the field names.

A form file holds no list of units: the tree is data that changes with every
reorganisation, and it is the domain's. The domain gives the units of some kinds as
``UnitOptions`` (kinds -> [(code, name)], bound to the caller's database session);
here a submission's codes are checked against them, and a form is given them as the
choices that pages and the API show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from engine.errors import Problem
from engine.forms.format import MSG

#: kinds -> the active units of those kinds, as (code, name), in the order to offer them.
UnitOptions = Callable[[tuple[str, ...]], Sequence[tuple[str, str]]]


def _unit_specs(specs: list[dict], path: str = "fields") -> Iterator[tuple[str, dict]]:
    """Every unit field of ``specs`` (lists included), with its place in the file."""
    for index, spec in enumerate(specs):
        if spec.get("type") == "unit":
            yield f"{path}[{index}]", spec
        elif spec.get("type") == "list":
            yield from _unit_specs(spec.get("fields") or [], f"{path}[{index}].fields")


def has_unit_fields(form: Mapping[str, Any]) -> bool:
    return next(_unit_specs(form["fields"]), None) is not None


def _remembered(options: UnitOptions) -> Callable[[tuple[str, ...]], dict[str, str]]:
    """``options`` as {code: name}, asked once per set of kinds (a list repeats its fields)."""
    seen: dict[tuple[str, ...], dict[str, str]] = {}

    def lookup(kinds: tuple[str, ...]) -> dict[str, str]:
        if kinds not in seen:
            seen[kinds] = dict(options(kinds))
        return seen[kinds]

    return lookup


def unit_errors(form: Mapping[str, Any], clean: Mapping[str, Any], options: UnitOptions) -> dict:
    """Field errors for every unit code in ``clean`` (a validated submission) that is not
    one of its field's kinds; {} when all are. Shaped like the schema's errors: a list's
    are keyed by row."""
    return _errors(form["fields"], clean, _remembered(options))


def _errors(specs: list[dict], values: Mapping[str, Any], known) -> dict:
    errors: dict[str, Any] = {}
    for spec in specs:
        value = values.get(spec["name"])
        if value is None or spec.get("readonly"):
            continue
        if spec["type"] == "unit" and value not in known(tuple(spec["unit_kinds"])):
            errors[spec["name"]] = [MSG["unit"]]
        elif spec["type"] == "list":
            rows = {
                row: found
                for row, entry in enumerate(value)
                if (found := _errors(spec["fields"], entry, known))
            }
            if rows:
                errors[spec["name"]] = rows
    return errors


def with_unit_choices(form: Mapping[str, Any], options: UnitOptions) -> dict:
    """A copy of ``form`` whose unit fields carry their units as ``choices`` ({value,
    label}), for a page to offer and the API to describe. Validation keeps using the
    form itself: the choices are the tree's at this moment."""
    if not has_unit_fields(form):
        return dict(form)
    return {**form, "fields": _described(form["fields"], _remembered(options))}


def _described(specs: list[dict], known) -> list[dict]:
    out = []
    for spec in specs:
        if spec["type"] == "unit":
            units = known(tuple(spec["unit_kinds"]))
            spec = {**spec, "choices": [{"value": c, "label": n} for c, n in units.items()]}
        elif spec["type"] == "list":
            spec = {**spec, "fields": _described(spec["fields"], known)}
        out.append(spec)
    return out


def unit_kind_problems(
    form: Mapping[str, Any], known: frozenset[str], has_source: bool
) -> list[Problem]:
    """What is wrong with a checked form's unit fields for a domain that knows the kinds
    ``known`` (and registered a source of units, ``has_source``)."""
    problems = []
    for path, spec in _unit_specs(form["fields"]):
        if not has_source:
            problems.append(
                Problem.at(path, "a unit field needs a domain that registers unit_options")
            )
            continue
        for kind in spec["unit_kinds"]:
            if kind not in known:
                names = ", ".join(sorted(known)) or "none"
                problems.append(
                    Problem.at(f"{path}.unit_kinds", f"unknown unit kind {kind!r} (known: {names})")
                )
    return problems
