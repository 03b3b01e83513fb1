"""User-task forms as marshmallow schemas: types, required, choices, ranges, and
field-level errors in Vietnamese. The form file format and its checks are in
``engine.forms.format``; this module turns a checked form into a schema and validates
submissions against it.
"""

from __future__ import annotations

import copy
import functools
import json
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from engine.errors import Problem
from engine.forms import format as form_format
from engine.forms.format import (
    _CONTROL_RE,
    _INT_RE,
    _NUM_RE,
    DEFAULT_MAX_LENGTH,
    MAX_SAFE_INT,
    MSG,
    FormError,
    _parse_date,
)

# --- marshmallow fields with the behaviour described above --------------------------


class _Text(fields.String):
    default_error_messages = {
        "invalid": MSG["string"],
        "one_line": MSG["one_line"],
        "control": MSG["control"],
    }

    def __init__(self, *, multiline: bool = False, **kwargs) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        value = unicodedata.normalize("NFC", value).strip()
        if self.multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        elif "\n" in value or "\r" in value:
            raise self.make_error("one_line")
        if _CONTROL_RE.search(value):
            raise self.make_error("control")
        return value


class _Choice(_Text):
    default_error_messages = {"invalid": MSG["choice"], "one_line": MSG["choice"]}


class _Unit(_Text):
    """A unit's code; whether the tree holds it is checked later (``engine.forms.units``)."""

    default_error_messages = {
        "invalid": MSG["unit"],
        "one_line": MSG["unit"],
        "control": MSG["unit"],
    }


class _Integer(fields.Integer):
    default_error_messages = {"invalid": MSG["integer"], "too_large": MSG["too_large"]}

    def __init__(self, **kwargs) -> None:
        # strict: marshmallow would otherwise turn 1.5 into 1 silently.
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            value = int(value.strip())
        n = super()._validated(value)  # refuses bools, floats, other strings
        if abs(n) > MAX_SAFE_INT:
            raise self.make_error("too_large")
        return n


class _Number(fields.Float):
    default_error_messages = {
        "invalid": MSG["number"],
        "special": MSG["number"],
        "too_large": MSG["too_large"],
    }

    def _validated(self, value):
        # float() alone would also take "1_000", " nan" and bytes.
        if isinstance(value, str):
            value = value.strip()
            if not _NUM_RE.fullmatch(value):
                raise self.make_error("invalid")
        elif not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._validated(value)  # refuses bools, NaN, infinities


class _Boolean(fields.Boolean):
    default_error_messages = {"invalid": MSG["boolean"]}

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if isinstance(value, float):  # 1.0 would pass as 1 otherwise
            raise self.make_error("invalid")
        return super()._deserialize(
            value.strip() if isinstance(value, str) else value, attr, data, **kwargs
        )


class _Date(fields.Field):
    default_error_messages = {"invalid": MSG["date"]}

    def __init__(
        self, *, min_date: date | None = None, max_date: date | None = None, **kwargs
    ) -> None:
        self.min_date, self.max_date = min_date, max_date
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        d = _parse_date(value)
        if d is None:
            raise self.make_error("invalid")
        lo, hi = self.min_date, self.max_date
        if (lo and d < lo) or (hi and d > hi):
            fmt = "%d/%m/%Y"
            if lo and hi:
                msg = f"Ngày phải từ {lo:{fmt}} đến {hi:{fmt}}."
            elif lo:
                msg = f"Ngày không được trước {lo:{fmt}}."
            else:
                msg = f"Ngày không được sau {hi:{fmt}}."
            raise ValidationError(msg)
        return d.isoformat()


class _List(fields.List):
    default_error_messages = {"invalid": MSG["list"]}


def _range(lo, hi) -> list:
    if lo is None and hi is None:
        return []
    if lo is not None and hi is not None:
        msg = "Giá trị phải từ {min} đến {max}."
    elif lo is not None:
        msg = "Giá trị phải từ {min} trở lên."
    else:
        msg = "Giá trị không được lớn hơn {max}."
    return [validate.Range(min=lo, max=hi, error=msg)]


def _length(lo, hi, unit: str) -> list:
    if lo is None and hi is None:
        return []
    if lo is not None and hi is not None:
        msg = "Phải có từ {min} đến {max} " + unit + "."
    elif lo is not None:
        msg = "Phải có ít nhất {min} " + unit + "."
    else:
        msg = "Không được quá {max} " + unit + "."
    return [validate.Length(min=lo, max=hi, error=msg)]


def _distinct(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError(MSG["duplicate"])


#: A unit code longer than this is no code of any tree; refused before it is looked up.
UNIT_CODE_LENGTH = 100
_BASE_ERRORS = {"required": MSG["required"], "null": MSG["required"]}


def _make_field(spec: dict) -> fields.Field:
    """The marshmallow field for one checked field spec.

    Raises ValidationError if the spec's ``default`` is not valid for the field.
    """
    kind = spec["type"]
    field: fields.Field
    kw: dict[str, Any] = {"required": bool(spec.get("required")), "error_messages": _BASE_ERRORS}
    if kind in ("string", "text"):
        hi = spec.get("max_length", DEFAULT_MAX_LENGTH[kind])
        field = _Text(
            multiline=kind == "text", validate=_length(spec.get("min_length"), hi, "ký tự"), **kw
        )
    elif kind == "integer":
        field = _Integer(validate=_range(spec.get("min"), spec.get("max")), **kw)
    elif kind == "number":
        field = _Number(validate=_range(spec.get("min"), spec.get("max")), **kw)
    elif kind == "boolean":
        field = _Boolean(**kw)
    elif kind == "date":
        field = _Date(
            min_date=_parse_date(spec.get("min")), max_date=_parse_date(spec.get("max")), **kw
        )
    elif kind == "unit":
        field = _Unit(validate=validate.Length(max=UNIT_CODE_LENGTH, error=MSG["unit"]), **kw)
    elif kind in ("choice", "multichoice"):
        one_of = validate.OneOf([c["value"] for c in spec["choices"]], error=MSG["choice"])
        if kind == "choice":
            field = _Choice(validate=one_of, **kw)
        else:
            items = _length(spec.get("min_items"), spec.get("max_items"), "lựa chọn")
            item = _Choice(validate=one_of, error_messages={"null": MSG["choice"]})
            field = _List(item, validate=[*items, _distinct], **kw)
    else:  # list
        items = _length(spec.get("min_items"), spec.get("max_items"), "mục")
        inner = fields.Nested(
            _schema_class(spec["fields"]),
            error_messages={"null": MSG["object"], "type": MSG["object"]},
        )
        field = _List(inner, validate=items, **kw)

    # A blank default is no default: blank submissions mean "not given" too.
    if not kw["required"] and not _is_blank(spec.get("default")):
        # Store the normalised default (e.g. "01/02/2025" -> "2025-02-01"), and
        # hand out a copy each time so list defaults are never shared.
        value = field.deserialize(spec["default"])
        field.load_default = lambda: copy.deepcopy(value)
    return field


class _FormSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": MSG["unknown"], "type": MSG["object"]}
    # Names of readonly fields; upper case so it can never clash with a field name.
    READONLY: frozenset[str] = frozenset()

    @pre_load
    def _drop_blank_and_readonly(self, data, **kwargs):
        if not isinstance(data, Mapping):
            return data  # marshmallow reports the wrong type
        return {k: v for k, v in data.items() if k not in self.READONLY and not _is_blank(v)}


def _is_blank(v: Any) -> bool:
    return (
        v is None
        or (isinstance(v, str) and not v.strip())
        or (isinstance(v, (list, tuple)) and not v)
    )


def _schema_class(specs: list[dict]) -> type[Schema]:
    attrs: dict[str, Any] = {}
    readonly = set()
    for spec in specs:
        if spec.get("readonly"):
            readonly.add(spec["name"])
        else:
            attrs[spec["name"]] = _make_field(spec)
    # SchemaMeta removes field attributes from the class, so a field called
    # "load" or "fields" cannot shadow Schema methods.
    attrs["READONLY"] = frozenset(readonly)
    return type("FormSchema", (_FormSchema,), attrs)


# --- public API for building and using schemas -----------------------------------


def build_schema(form: dict) -> Schema:
    """A marshmallow Schema instance for the form, cached per form content.

    Raises FormError if the form definition has problems.
    """
    try:
        key = json.dumps(form, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise FormError([Problem.at("", "the form must contain only JSON values")]) from None
    return _schema_for(key)


@functools.lru_cache(maxsize=256)
def _schema_for(key: str) -> Schema:
    # Keyed by canonical JSON so equal forms loaded separately share one schema;
    # building from the key also means later edits to the caller's dict cannot
    # desynchronise the cache.
    form = json.loads(key)
    problems = check_form(form)
    if problems:
        raise FormError(problems)
    return _schema_class(form["fields"])()


def validate_submission(form: dict, data: Mapping) -> tuple[dict, dict]:
    """(clean data, {}) when valid, else ({}, errors keyed by field name).

    Clean data holds only JSON types: dates as ISO strings, numbers as int/float.
    Nothing partial is returned on error so invalid input cannot leak into a case.
    """
    schema = build_schema(form)
    try:
        return schema.load(data), {}
    except ValidationError as e:
        errors = e.messages
        return {}, errors if isinstance(errors, dict) else {"_schema": errors}


# --- the form file's checks, with the defaults tried on the fields they belong to ------


def check_form(form: Any) -> list[Problem]:
    """Every problem in a parsed form definition, defaults included, in file order."""
    return form_format.check_form(form, _default_problem)


def load_form(text: str | bytes) -> dict:
    """Parse and check a form file; raise FormError listing every problem."""
    return form_format.load_form(text, _default_problem)


def _default_problem(spec: dict) -> str | None:
    try:
        _make_field(spec)
    except ValidationError as e:
        return _flatten(e.messages)
    return None


def _flatten(messages: Any) -> str:
    if isinstance(messages, dict):
        return " ".join(_flatten(m) for m in messages.values())
    if isinstance(messages, list):
        return " ".join(_flatten(m) for m in messages)
    return str(messages)
