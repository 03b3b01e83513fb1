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

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError

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
DEFAULT_MAX_LENGTH = {"string": 200, "text": 5000}
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
                      bad, implied_max=DEFAULT_MAX_LENGTH[ftype])
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
        # Imported here: building fields is the schema module's job, and it imports us.
        from .forms import _make_field
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
