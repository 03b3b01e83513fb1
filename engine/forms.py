"""User-task forms: a JSON form file -> checked definition -> marshmallow schema.

Form file format
----------------
::

    {"title": "Chi bộ biểu quyết",            # required, non-empty string
     "description": "Hướng dẫn ...",          # optional string
     "fields": [ field, ... ]}                 # required list (may be empty)

Each field is an object with these keys (any other key is a problem):

=============  ===============================================================
name           required; identifier ``[a-z_][a-z0-9_]*``, unique within its level
label          required non-empty string
type           required; one of the types below
required       bool, default false
readonly       bool, default false: shown on screen but never taken from a submission
               (a readonly field cannot also be required)
help           string shown under the input
default        initial value, must itself be valid for the field (not for ``list``)
choices        choice/multichoice: non-empty list of ``{"value": str, "label": str}``
               with unique, non-empty values
min, max       integer/number: numbers; date: ISO strings ``"YYYY-MM-DD"``
min_length,    string/text: character counts; max_length defaults to 200 for
max_length     ``string`` and 5000 for ``text``
min_items,     list/multichoice: number of entries
max_items
fields         list only: the fields of each entry (non-empty; no list inside a list)
=============  ===============================================================

Types and what a submission may contain:

* ``string``: one line of text; ``text``: multi-line text. Both are stripped of
  surrounding whitespace and normalised to Unicode NFC (Vietnamese typed on some
  systems arrives decomposed, which would break comparison and search). Control
  characters are refused (PostgreSQL JSONB cannot store NUL).
* ``integer``: a JSON integer or a string of digits (HTML forms send strings);
  1.5, "abc" and booleans are refused; limited to ±(2**53 - 1) so browsers read it back exactly.
* ``number``: a JSON number or a numeric string, returned as float; no NaN/Infinity.
* ``boolean``: true/false, plus the usual "on"/"1"/"yes"... spellings.
* ``date``: "YYYY-MM-DD" or "dd/mm/yyyy" (as typed on screens); returned as ISO string.
* ``choice``: one of the choice values; ``multichoice``: list of distinct values.
* ``list``: list of objects validated with the nested ``fields``.

Submissions: ``null``, blank strings and empty lists count as "not given", so an
optional field is then absent from the clean data (or gets its ``default``), and a
required one reports "Bắt buộc nhập." (so min_items only bites on a list that
is given; make the list required to demand at least one entry). Readonly keys in a submission are dropped
silently (HTML submits readonly inputs). Any other unknown key is an error.
Messages for people filling in forms are Vietnamese; problems in form files are
for their authors and are English.
"""
from __future__ import annotations

import copy
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

MAX_FORM_BYTES = 256 * 1024
MAX_SAFE_INT = 2**53 - 1

# Messages shown to the person filling in the form.
MSG = {
    "required": "Bắt buộc nhập.",
    "string": "Phải là chuỗi ký tự.",
    "one_line": "Không được xuống dòng.",
    "control": "Có ký tự không hợp lệ.",
    "integer": "Phải là số nguyên.",
    "number": "Phải là số.",
    "too_large": "Số quá lớn.",
    "boolean": "Phải là Có hoặc Không.",
    "date": "Ngày không hợp lệ (dd/mm/yyyy).",
    "choice": "Lựa chọn không hợp lệ.",
    "duplicate": "Lựa chọn bị trùng.",
    "list": "Phải là danh sách.",
    "object": "Dữ liệu không hợp lệ.",
    "unknown": "Trường này không có trong biểu mẫu.",
}

TYPES = ("string", "text", "integer", "number", "boolean", "date",
         "choice", "multichoice", "list")
_COMMON_KEYS = {"name", "label", "type", "required", "readonly", "help", "default"}
_TYPE_KEYS = {
    "string": {"min_length", "max_length"},
    "text": {"min_length", "max_length"},
    "integer": {"min", "max"},
    "number": {"min", "max"},
    "date": {"min", "max"},
    "boolean": set(),
    "choice": {"choices"},
    "multichoice": {"choices", "min_items", "max_items"},
    "list": {"fields", "min_items", "max_items"},
}
_ALL_KEYS = _COMMON_KEYS.union(*_TYPE_KEYS.values())
_DEFAULT_MAX_LENGTH = {"string": 200, "text": 5000}
_NAME_RE = re.compile(r"[a-z_][a-z0-9_]*")
_INT_RE = re.compile(r"[+-]?[0-9]{1,18}")
_NUM_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DMY_DATE_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FormProblem:
    path: str      # e.g. "fields[2].choices"; "" for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class FormError(Exception):
    def __init__(self, problems: list[FormProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(map(str, self.problems)) or "invalid form")


# --- reading and checking form files -------------------------------------------

def load_form(text: str | bytes) -> dict:
    """Parse and check a form file; raise FormError listing every problem."""
    if len(text) > MAX_FORM_BYTES or (
            isinstance(text, str) and len(text.encode("utf-8")) > MAX_FORM_BYTES):
        raise FormError([FormProblem("", f"form file is larger than {MAX_FORM_BYTES} bytes")])
    if not isinstance(text, str):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise FormError([FormProblem("", f"form file is not UTF-8: {e}")]) from None
    try:
        form = json.loads(text.lstrip("\ufeff"), object_pairs_hook=_unique_keys,
                          parse_constant=_refuse_constant)
    except RecursionError:
        raise FormError([FormProblem("", "invalid JSON: nested too deeply")]) from None
    except ValueError as e:
        raise FormError([FormProblem("", f"invalid JSON: {e}")]) from None
    problems = check_form(form)
    if problems:
        raise FormError(problems)
    return form


def _unique_keys(pairs):
    # json keeps the last of duplicate keys silently; in a hand-edited file that
    # hides a mistake, so refuse it.
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _refuse_constant(name):
    raise ValueError(f"{name} is not allowed")


def check_form(form: Any) -> list[FormProblem]:
    """Every problem in a parsed form definition, in file order."""
    out: list[FormProblem] = []
    if not isinstance(form, dict):
        return [FormProblem("", "the form must be a JSON object")]
    for key in form:
        if key not in ("title", "description", "fields"):
            out.append(FormProblem(str(key), "unknown key"))
    if not _nonempty_str(form.get("title")):
        out.append(FormProblem("title", "required non-empty string"))
    if "description" in form and not isinstance(form["description"], str):
        out.append(FormProblem("description", "must be a string"))
    if "fields" not in form:
        out.append(FormProblem("fields", "required"))
    else:
        _check_fields(form["fields"], "fields", 1, out)
    return out


def _check_fields(specs: Any, path: str, depth: int, out: list) -> None:
    if not isinstance(specs, list):
        out.append(FormProblem(path, "must be a list of fields"))
        return
    if depth > 1 and not specs:
        out.append(FormProblem(path, "a list needs at least one field"))
    seen: dict[str, str] = {}
    for i, spec in enumerate(specs):
        p = f"{path}[{i}]"
        if not isinstance(spec, dict):
            out.append(FormProblem(p, "a field must be an object"))
            continue
        name = spec.get("name")
        if isinstance(name, str) and name in seen:
            out.append(FormProblem(f"{p}.name", f"duplicate name {name!r} (also {seen[name]})"))
        elif isinstance(name, str):
            seen[name] = p
        _check_field(spec, p, depth, out)


def _check_field(spec: dict, p: str, depth: int, out: list) -> None:
    start = len(out)

    def bad(key: str, message: str) -> None:
        out.append(FormProblem(f"{p}.{key}", message))

    ftype = spec.get("type")
    if "type" not in spec:
        bad("type", "required")
    elif ftype not in TYPES:
        bad("type", f"unknown type {ftype!r}; expected one of {', '.join(TYPES)}")
        ftype = None
    allowed = _COMMON_KEYS | _TYPE_KEYS[ftype] if ftype else _ALL_KEYS
    if ftype == "list":
        allowed = allowed - {"default"}
    for key in spec:
        if key not in allowed:
            bad(key, f"does not apply to type {ftype!r}" if key in _ALL_KEYS else "unknown key")

    name = spec.get("name")
    if "name" not in spec:
        bad("name", "required")
    elif not (isinstance(name, str) and _NAME_RE.fullmatch(name)):
        bad("name", "must match [a-z_][a-z0-9_]*")
    if not _nonempty_str(spec.get("label")):
        bad("label", "required non-empty string")
    for key in ("required", "readonly"):
        if key in spec and not isinstance(spec[key], bool):
            bad(key, "must be true or false")
    if spec.get("required") is True and spec.get("readonly") is True:
        bad("readonly", "a readonly field cannot be required")
    if "help" in spec and not isinstance(spec["help"], str):
        bad("help", "must be a string")

    if ftype in ("string", "text"):
        _check_bounds(spec, "min_length", "max_length", _is_count, "a non-negative integer",
                      bad, implied_max=_DEFAULT_MAX_LENGTH[ftype])
    elif ftype == "integer":
        _check_bounds(spec, "min", "max", _is_int, "an integer", bad)
    elif ftype == "number":
        _check_bounds(spec, "min", "max", _is_number, "a number", bad)
    elif ftype == "date":
        _check_bounds(spec, "min", "max", _is_iso_date, "an ISO date YYYY-MM-DD", bad)
    elif ftype in ("choice", "multichoice"):
        n_choices = _check_choices(spec.get("choices"), f"{p}.choices", out)
        if ftype == "multichoice":
            _check_bounds(spec, "min_items", "max_items", _is_count, "a non-negative integer", bad)
            if n_choices and _is_count(spec.get("min_items")) and spec["min_items"] > n_choices:
                bad("min_items", "is more than the number of choices")
    elif ftype == "list":
        _check_bounds(spec, "min_items", "max_items", _is_count, "a non-negative integer", bad)
        if depth >= 2:
            bad("type", "a list cannot contain a list (at most 2 levels)")
        elif "fields" not in spec:
            bad("fields", "required for a list")
        else:
            _check_fields(spec["fields"], f"{p}.fields", depth + 1, out)

    # Only a field that is otherwise sound can be built to try its default on.
    if "default" in spec and ftype and ftype != "list" and len(out) == start:
        try:
            _make_field({**spec, "required": False})
        except ValidationError as e:
            bad("default", f"invalid default: {_flatten(e.messages)}")


def _check_bounds(spec, lo_key, hi_key, ok, what, bad, implied_max=None) -> None:
    lo, hi = spec.get(lo_key), spec.get(hi_key, implied_max)
    for key in (lo_key, hi_key):
        if key in spec and not ok(spec[key]):
            bad(key, f"must be {what}")
    if ok(lo) and ok(hi) and lo > hi:
        bad(lo_key, f"{lo_key} ({lo}) is greater than {hi_key} ({hi})")


def _check_choices(choices: Any, path: str, out: list) -> int:
    """Check a choices list; return how many valid distinct values it has."""
    if not isinstance(choices, list) or not choices:
        out.append(FormProblem(path, "required non-empty list of {value, label}"))
        return 0
    values: set[str] = set()
    for j, choice in enumerate(choices):
        cp = f"{path}[{j}]"
        if not isinstance(choice, dict):
            out.append(FormProblem(cp, "a choice must be an object {value, label}"))
            continue
        for key in choice:
            if key not in ("value", "label"):
                out.append(FormProblem(f"{cp}.{key}", "unknown key"))
        value = choice.get("value")
        # Submissions are stripped and NFC-normalised, so a value that is not
        # could never be chosen.
        if not (_nonempty_str(value) and value == unicodedata.normalize("NFC", value).strip()):
            out.append(FormProblem(f"{cp}.value", "required non-empty string without "
                                                  "surrounding spaces"))
        elif value in values:
            out.append(FormProblem(f"{cp}.value", f"duplicate choice value {value!r}"))
        else:
            values.add(value)
        if not _nonempty_str(choice.get("label")):
            out.append(FormProblem(f"{cp}.label", "required non-empty string"))
    return len(values)


def _nonempty_str(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_count(v: Any) -> bool:
    return _is_int(v) and v >= 0


def _is_number(v: Any) -> bool:
    return (_is_int(v) or isinstance(v, float)) and v == v and abs(v) != float("inf")


def _is_iso_date(v: Any) -> bool:
    return isinstance(v, str) and _ISO_DATE_RE.fullmatch(v) is not None and _parse_date(v) is not None


def _flatten(messages: Any) -> str:
    if isinstance(messages, dict):
        return " ".join(_flatten(m) for m in messages.values())
    if isinstance(messages, list):
        return " ".join(_flatten(m) for m in messages)
    return str(messages)


# --- marshmallow fields with the behaviour described above --------------------------

def _parse_date(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    s = value.strip()
    if m := _ISO_DATE_RE.fullmatch(s):
        y, mo, d = m.groups()
    elif m := _DMY_DATE_RE.fullmatch(s):
        d, mo, y = m.groups()
    else:
        return None
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:          # 31/02/2025 and the like
        return None


class _Text(fields.String):
    default_error_messages = {"invalid": MSG["string"], "one_line": MSG["one_line"],
                              "control": MSG["control"]}

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


class _Integer(fields.Integer):
    default_error_messages = {"invalid": MSG["integer"], "too_large": MSG["too_large"]}

    def __init__(self, **kwargs) -> None:
        # strict: marshmallow would otherwise turn 1.5 into 1 silently.
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            value = int(value.strip())
        n = super()._validated(value)          # refuses bools, floats, other strings
        if abs(n) > MAX_SAFE_INT:
            raise self.make_error("too_large")
        return n


class _Number(fields.Float):
    default_error_messages = {"invalid": MSG["number"], "special": MSG["number"],
                              "too_large": MSG["too_large"]}

    def _validated(self, value):
        # float() alone would also take "1_000", " nan" and bytes.
        if isinstance(value, str):
            value = value.strip()
            if not _NUM_RE.fullmatch(value):
                raise self.make_error("invalid")
        elif not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._validated(value)       # refuses bools, NaN, infinities


class _Boolean(fields.Boolean):
    default_error_messages = {"invalid": MSG["boolean"]}

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if isinstance(value, float):           # 1.0 would pass as 1 otherwise
            raise self.make_error("invalid")
        return super()._deserialize(value.strip() if isinstance(value, str) else value,
                                    attr, data, **kwargs)


class _Date(fields.Field):
    default_error_messages = {"invalid": MSG["date"]}

    def __init__(self, *, min_date: date | None = None, max_date: date | None = None,
                 **kwargs) -> None:
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


_BASE_ERRORS = {"required": MSG["required"], "null": MSG["required"]}


def _make_field(spec: dict) -> fields.Field:
    """The marshmallow field for one checked field spec.

    Raises ValidationError if the spec's ``default`` is not valid for the field.
    """
    kind = spec["type"]
    kw: dict[str, Any] = {"required": bool(spec.get("required")),
                          "error_messages": _BASE_ERRORS}
    if kind in ("string", "text"):
        hi = spec.get("max_length", _DEFAULT_MAX_LENGTH[kind])
        field = _Text(multiline=kind == "text",
                      validate=_length(spec.get("min_length"), hi, "ký tự"), **kw)
    elif kind == "integer":
        field = _Integer(validate=_range(spec.get("min"), spec.get("max")), **kw)
    elif kind == "number":
        field = _Number(validate=_range(spec.get("min"), spec.get("max")), **kw)
    elif kind == "boolean":
        field = _Boolean(**kw)
    elif kind == "date":
        field = _Date(min_date=_parse_date(spec.get("min")),
                      max_date=_parse_date(spec.get("max")), **kw)
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
        inner = fields.Nested(_schema_class(spec["fields"]),
                              error_messages={"null": MSG["object"], "type": MSG["object"]})
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
            return data             # marshmallow reports the wrong type
        return {k: v for k, v in data.items()
                if k not in self.READONLY and not _is_blank(v)}


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (
        isinstance(v, (list, tuple)) and not v)


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
        raise FormError([FormProblem("", "the form must contain only JSON values")]) from None
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
