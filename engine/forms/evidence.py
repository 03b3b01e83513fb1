"""A form's evidence panel: what earlier steps established that this step decides on.

A form may list, under ``"evidence"``, the groups its task page shows above the form::

    "evidence": [
      {"form": "class_certificate", "fields": ["certificate_date", "certificate_number"],
       "facts": ["certificate_validity"]},
      {"heading": "Hồ sơ và tệp đính kèm", "files": true}
    ]

Each group has, all optional but at least one of ``fields``, ``facts``, ``files``:

=========  ==================================================================
heading    the group's title; default: the title of ``form``
form       the form whose labels and field types show ``fields`` (its file stem)
fields     top-level fields of ``form``, read from the case data
facts      names of facts the domain computes from the case data
           (``Registry.evidence_fact``: a vote's share, a deadline, a validity)
files      ``true``: the case's documents and attached files
=========  ==================================================================

This module checks the shape (``shape_problems``, part of reading a form file) and the
references between forms of one definition (``reference_problems``, part of the check).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from engine.errors import Problem

_KEYS = {"heading", "form", "fields", "facts", "files"}
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


def shape_problems(evidence: Any) -> list[Problem]:
    """What is wrong with the ``evidence`` value of a form file, by itself."""
    if not isinstance(evidence, list):
        return [Problem.at("evidence", "must be a list of groups")]
    out: list[Problem] = []
    for i, group in enumerate(evidence):
        path = f"evidence[{i}]"
        if not isinstance(group, dict):
            out.append(Problem.at(path, "a group must be an object"))
            continue
        out += [Problem.at(f"{path}.{key}", "unknown key") for key in group if key not in _KEYS]
        out += _group_problems(group, path)
    return out


def _group_problems(group: dict, path: str) -> list[Problem]:
    out: list[Problem] = []
    if "heading" in group and not _text(group["heading"]):
        out.append(Problem.at(f"{path}.heading", "must be a non-empty string"))
    if "form" in group and not _name(group["form"]):
        out.append(Problem.at(f"{path}.form", "must be a form name"))
    for key in ("fields", "facts"):
        if key in group and not _names(group[key]):
            out.append(Problem.at(f"{path}.{key}", "must be a non-empty list of distinct names"))
    if "files" in group and group["files"] is not True:
        out.append(Problem.at(f"{path}.files", "must be true"))
    if "fields" in group and "form" not in group:
        out.append(Problem.at(f"{path}.fields", "fields need the form they come from"))
    if not ("form" in group or _text(group.get("heading"))):
        out.append(Problem.at(path, "a group needs a heading or a form"))
    if not any(key in group for key in ("fields", "facts", "files")):
        out.append(Problem.at(path, "a group shows fields, facts or files"))
    return out


def reference_problems(
    forms: Mapping[str, Mapping[str, Any]], facts: Collection[str]
) -> list[tuple[str, Problem]]:
    """(form name, problem) for each group naming a form, field or fact that is not there."""
    out: list[tuple[str, Problem]] = []
    for name, form in forms.items():
        for i, group in enumerate(form.get("evidence") or []):
            path = f"evidence[{i}]"
            source = forms.get(group.get("form")) if "form" in group else None
            if "form" in group and source is None:
                out.append((name, Problem.at(f"{path}.form", f"no form {group['form']}")))
                continue
            known = {spec["name"] for spec in (source or {}).get("fields", [])}
            out += [
                (name, Problem.at(f"{path}.fields", f"{group['form']} has no field {field}"))
                for field in group.get("fields", [])
                if field not in known
            ]
            out += [
                (name, Problem.at(f"{path}.facts", f"no fact {fact} is registered"))
                for fact in group.get("facts", [])
                if fact not in facts
            ]
    return out


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _name(value: Any) -> bool:
    return isinstance(value, str) and bool(_NAME.match(value))


def _names(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(_name(v) for v in value)
        and len(set(value)) == len(value)
    )
