"""Small helpers the admin pages share: reading grant rows and listing units as a tree."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from workflows.admission.tree import OrgTree, OrgUnit


def grant_rows(form: MultiDict) -> list[tuple[str, str]]:
    """(unit, role) pairs from the parallel ``unit``/``role`` fields of a form; rows left
    empty are skipped, half-filled ones kept for ``operations`` to refuse."""
    rows = (
        (unit.strip(), role.strip())
        for unit, role in zip(form.getlist("unit"), form.getlist("role"), strict=False)
    )
    return [(unit, role) for unit, role in rows if unit or role]


def indented(tree: OrgTree, *, include_inactive: bool = True) -> list[tuple[OrgUnit, int]]:
    """Units in tree order with their depth (0 for a root), for indented lists."""
    return [
        (unit, len(tree.ancestors(unit.code)))
        for unit in tree.units(include_inactive=include_inactive)
    ]
