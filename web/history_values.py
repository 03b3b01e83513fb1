"""Case data as people read it in a history: each field by its form's label, each value
formatted (dates dd/mm/yyyy, choices by their label, units by name, yes/no as Có/Không,
lists as lists, nothing shown as "None").

The case history, the auditor's timeline, its PDF and its CSV read from here. A field's
label and type come from the forms of the case's process version (a step's own form
first, as two forms may name a field alike), else from the domain's derived fields
(workflows/admission/derived.py); a field named nowhere keeps its name, so that a new
one is visible, never hidden.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g
from flask_babel import gettext as _

from engine.models import Case, DefinitionVersion
from workflows.admission.derived import DERIVED

from .extensions import db
from .i18n import format_date, format_datetime
from .labels import unit_name

NONE = "—"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)?")


class FieldBook:
    """The fields a process version's forms ask for, by name, and which form each step shows."""

    def __init__(self, forms: Mapping[str, Any], elements: Mapping[str, Any]) -> None:
        self._forms = {
            name: {spec["name"]: spec for spec in form.get("fields", [])}
            for name, form in forms.items()
        }
        self._any: dict[str, dict] = dict(DERIVED)
        # The start form first: the candidate's data is asked there before any step.
        for name in sorted(self._forms, key=lambda n: n != "start"):
            for field, spec in self._forms[name].items():
                self._any.setdefault(field, spec)
        self._step_form = {
            step: node["form"]
            for process in elements.values()
            for step, node in process.get("nodes", {}).items()
            if node.get("form")
        }

    def spec(self, field: str, step: str | None = None) -> dict | None:
        own = self._forms.get(self._step_form.get(step or "", ""), {})
        return own.get(field) or self._any.get(field)

    def label(self, field: str, step: str | None = None) -> str:
        spec = self.spec(field, step)
        return _(spec["label"]) if spec and spec.get("label") else field

    def changes(
        self, pairs: Mapping[str, Any], step: str | None = None, form: str | None = None
    ) -> list[Change]:
        """``pairs`` ({field: [before, after]}) as shown, in the order of the step's form
        (or of ``form``), fields it does not ask for after them, by label."""
        order = list(self._forms.get(form or self._step_form.get(step or "", ""), {}))
        shown = []
        for field, pair in pairs.items():
            paired = isinstance(pair, (list, tuple)) and len(pair) == 2
            before, after = pair if paired else (None, pair)
            spec = self.spec(field, step)
            shown.append(
                Change(field, self.label(field, step), lines(spec, before), lines(spec, after))
            )
        rank = {name: i for i, name in enumerate(order)}
        return sorted(shown, key=lambda c: (rank.get(c.field, len(rank)), c.label))

    def of_event(self, kind: str, data: Mapping[str, Any]) -> list[Change]:
        """What an audit event changed (its data's "changes"), as read; for the case's
        start, the data it started with."""
        changes, started = data.get("changes"), data.get("data")
        if isinstance(changes, Mapping) and changes:
            return self.changes(changes, data.get("step"))
        if kind == "case_started" and isinstance(started, Mapping):
            return self.values(started, form="start")
        return []

    def values(self, data: Mapping[str, Any], form: str) -> list[Change]:
        """``data`` ({field: value}, what ``form`` submitted) as changes from nothing;
        fields left blank are left out."""
        given = {field: (None, value) for field, value in data.items() if not _blank(value)}
        return self.changes(given, form=form)


@dataclass(frozen=True)
class Change:
    """One field of a history entry: its label, and its value before and after as lines."""

    field: str
    label: str
    before: list[str]
    after: list[str]

    @property
    def new(self) -> bool:
        """Set where there was nothing before."""
        return self.before == [NONE]

    def sentence(self, limit: int = 400) -> str:
        """ "label: before → after", or "label: after" for a new value; list rows joined
        by "; ", each side cut at ``limit`` characters."""

        def side(lines: list[str]) -> str:
            text = "; ".join(lines)
            return text if len(text) <= limit else text[:limit] + "…"

        if self.new:
            return f"{self.label}: {side(self.after)}"
        return f"{self.label}: {side(self.before)} → {side(self.after)}"


def book_of(case: Case) -> FieldBook:
    """The field book of ``case``'s process version, built once per request."""
    books = g.setdefault("field_books", {})
    if case.definition_id not in books:
        version = db().get(DefinitionVersion, case.definition_id)
        books[case.definition_id] = FieldBook(
            version.forms if version else {}, version.elements if version else {}
        )
    return books[case.definition_id]


def lines(spec: dict | None, value: Any) -> list[str]:
    """``value`` as lines: one per row of a list of records, else a single line."""
    if _blank(value):
        return [NONE]
    if isinstance(value, list) and any(isinstance(row, Mapping) for row in value):
        sub = (spec or {}).get("fields") or []
        return [text({"fields": sub}, row) for row in value]
    return [text(spec, value)]


def text(spec: dict | None, value: Any) -> str:
    """``value`` on one line, formatted by ``spec`` (a form field; None: by its shape)."""
    spec = spec or {}
    kind = spec.get("type")
    if _blank(value):
        return NONE
    if isinstance(value, bool) or kind == "boolean":
        return _("Có") if value in (True, "true") else _("Không")
    if isinstance(value, Mapping):
        subs = {sub["name"]: sub for sub in spec.get("fields") or []}
        # In the order of the record's fields, then keys it does not describe.
        keys = [k for k in subs if k in value] + [k for k in value if k not in subs]
        return "; ".join(
            f"{_(subs[k]['label']) if k in subs else k}: {text(subs.get(k), value[k])}"
            for k in keys
            if not _blank(value[k])
        )
    if isinstance(value, list):
        item = {**spec, "type": "choice" if kind == "multichoice" else None}
        return ", ".join(text(item, v) for v in value)
    if kind in ("choice", "multichoice") and spec.get("choices"):
        for choice in spec["choices"]:
            if choice["value"] == value:
                return _(choice["label"])
    if kind == "unit":
        return unit_name(str(value))
    if isinstance(value, str):
        if kind == "date" or _ISO_DATE.fullmatch(value):
            return format_date(value)
        if _ISO_MOMENT.fullmatch(value):
            return _moment(value)
    return str(value)


def _moment(value: str) -> str:
    try:
        return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return value


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
