"""The evidence panel of a task page: what earlier steps established that this step
decides on, as its form lists it (``"evidence"``, engine/forms/evidence.py), with the
labels of the forms the fields come from and their values formatted for people: dates
dd/mm/yyyy, choices by their label, units by name, lists as lists.

Only the task page shows it, and that page answers 404 to whoever may not see the task,
so the panel discloses nothing its reader may not see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine.definitions import specs
from engine.models import Case, WorkItem
from engine.registry import registry

from ..i18n import format_date
from ..labels import unit_name
from ..reports.documents import offered
from . import reading


@dataclass
class Row:
    label: str
    text: str = ""
    entries: list[list[Row]] = field(default_factory=list)  # a list field: one per entry


@dataclass
class Group:
    heading: str
    rows: list[Row]
    files: bool = False  # also the case's documents and attached files
    documents: list[tuple[str, str]] = field(default_factory=list)


def panel(session: Session, case: Case, item: WorkItem) -> list[Group]:
    """The groups of the task's form's evidence that hold something, in the form's order."""
    if not item.form:
        return []
    forms = specs.for_case(session, case.definition_id, case.definition_hash).forms
    groups = (forms.get(item.form) or {}).get("evidence") or []
    if not groups:
        return []
    data = reading.open_task_data(session, case, item) if item.status == "open" else case.data
    built = [_group(session, case, spec, forms, data) for spec in groups]
    return [group for group in built if group.rows or group.files]


def _group(session: Session, case: Case, spec: dict, forms: Mapping, data: Mapping) -> Group:
    source = forms.get(spec.get("form")) or {}
    fields = {f["name"]: f for f in source.get("fields", [])}
    rows = [
        Row(fields[name]["label"], *_value(fields[name], data[name]))
        for name in spec.get("fields", [])
        if name in fields and data.get(name) not in (None, "", [])
    ]
    for fact in spec.get("facts", []):
        compute = registry.evidence_facts.get(fact)
        if compute is not None:
            rows += [Row(label, text) for label, text in compute(session, data)]
    group = Group(spec.get("heading") or source.get("title", ""), rows, bool(spec.get("files")))
    if group.files:
        group.documents = offered(case)
    return group


def _value(spec: dict, value: Any) -> tuple[str, list[list[Row]]]:
    """(text, entries) of one field's value: text for a scalar, entries for a list."""
    if spec["type"] == "list":
        return "", [_entry(spec["fields"], entry) for entry in value if isinstance(entry, dict)]
    return _text(spec, value), []


def _entry(specs_: list[dict], values: Mapping) -> list[Row]:
    return [
        Row(spec["label"], _text(spec, values[spec["name"]]))
        for spec in specs_
        if values.get(spec["name"]) not in (None, "", [])
    ]


def _text(spec: dict, value: Any) -> str:
    kind = spec["type"]
    if kind == "date":
        return format_date(value)
    if kind == "boolean":
        return _("Có") if value else _("Không")
    if kind == "unit":
        return unit_name(value)
    labels = {c["value"]: c["label"] for c in spec.get("choices", [])}
    if kind == "choice":
        return labels.get(value, str(value))
    if kind == "multichoice" and isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value)
    return str(value)
