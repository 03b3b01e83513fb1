"""Reading an HTML form built by ``templates/forms.html`` back into form data.

Names follow the macro: a field is ``name``; a multichoice repeats ``name`` once per
ticked box; a list's rows are ``name-<row>-<field>``. Rows left fully empty are
dropped (the page always offers a few blank rows), so row ``i`` of the result is the
``i``-th filled row, which is also how validation errors of a list are numbered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

BLANK_ROWS = 3
# A page renders far fewer rows; more is a forged request, not more data.
MAX_ROWS = 200


def parse_submission(form: Mapping[str, Any], posted: MultiDict) -> dict[str, Any]:
    """The values of ``form``'s editable fields found in ``posted`` (absent when blank)."""
    return _read_fields(form["fields"], "", posted)


def _read_fields(specs: list[dict], prefix: str, posted: MultiDict) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for spec in specs:
        if spec.get("readonly"):
            continue  # shown only; never taken from a submission
        value = _read(spec, prefix + spec["name"], posted)
        if not _blank(value):
            data[spec["name"]] = value
    return data


def _read(spec: dict, name: str, posted: MultiDict) -> Any:
    kind = spec["type"]
    if kind == "multichoice":
        return [v for v in posted.getlist(name) if v.strip()]
    if kind == "list":
        return _read_rows(spec, name, posted)
    return posted.get(name)


def _read_rows(spec: dict, name: str, posted: MultiDict) -> list[dict]:
    pattern = re.compile(re.escape(name) + r"-([0-9]{1,4})-[a-z_][a-z0-9_]*")
    slots = sorted({int(m.group(1)) for key in posted if (m := pattern.fullmatch(key))})
    rows = []
    for slot in slots[:MAX_ROWS]:
        row = _read_fields(spec["fields"], f"{name}-{slot}-", posted)
        if row:
            rows.append(row)
    return rows


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def initial_values(form: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """What the form shows before anything is submitted: the task's current values of
    its fields, else each field's default."""
    values = {}
    for spec in form["fields"]:
        if data.get(spec["name"]) is not None:
            values[spec["name"]] = data[spec["name"]]
        elif "default" in spec:
            values[spec["name"]] = spec["default"]
    return values
