"""User-task forms: a JSON form file -> checked definition -> marshmallow schema.

Form file format
----------------
::

    {"title": "Chi bộ biểu quyết",            # required, non-empty string
     "description": "Hướng dẫn ...",          # optional string
     "fields": [ field, ... ],                 # required list (may be empty)
     "evidence": [ group, ... ]}               # optional: see engine.forms.evidence

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
unit_kinds     unit only: non-empty list of distinct kinds of unit the field accepts
               (the kinds are the domain's; ``ketnap check`` refuses one it does not know)
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
* ``unit``: the code of a unit of one of ``unit_kinds``, one line. The form holds no
  list of units: the domain registers where the codes come from
  (``Registry.unit_options``), the engine refuses a code that is not among them, or
  not of those kinds (``engine.forms.units``), and pages and the API offer them as the
  field's choices.

Submissions: ``null``, blank strings and empty lists count as "not given", so an
optional field is then absent from the clean data (or gets its ``default``), and a
required one reports "Bắt buộc nhập." (so min_items only bites on a list that
is given; make the list required to demand at least one entry). Readonly keys in a
submission are dropped silently (HTML submits readonly inputs). Any other unknown key is an error.
Messages for people filling in forms are Vietnamese; problems in form files are
for their authors and are English.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from engine.errors import Problem, ProblemList
from engine.forms import evidence

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
    "unit": "Hãy chọn một đơn vị trong danh sách.",
}

TYPES = (
    "string",
    "text",
    "integer",
    "number",
    "boolean",
    "date",
    "choice",
    "multichoice",
    "list",
    "unit",
)
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
    "unit": {"unit_kinds"},
}
_ALL_KEYS = _COMMON_KEYS.union(*_TYPE_KEYS.values())
DEFAULT_MAX_LENGTH = {"string": 200, "text": 5000}
_NAME_RE = re.compile(r"[a-z_][a-z0-9_]*")
_INT_RE = re.compile(r"[+-]?[0-9]{1,18}")
_NUM_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DMY_DATE_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FormError(ProblemList):
    """A form file with problems; each names its place (``path``) in the file."""

    fallback = "invalid form"


# --- reading and checking form files -------------------------------------------

#: Tries a field's default on the field as it would be built; returns what is wrong
#: with the default, or None. The schema module supplies it: this module only knows the
#: file format, so that the dependency runs one way (schema -> format).
DefaultCheck = Callable[[dict], "str | None"]


def load_form(text: str | bytes, check_default: DefaultCheck | None = None) -> dict:
    """Parse and check a form file; raise FormError listing every problem."""
    if len(text) > MAX_FORM_BYTES or (
        isinstance(text, str) and len(text.encode("utf-8")) > MAX_FORM_BYTES
    ):
        raise FormError([Problem.at("", f"form file is larger than {MAX_FORM_BYTES} bytes")])
    if not isinstance(text, str):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise FormError([Problem.at("", f"form file is not UTF-8: {e}")]) from None
    try:
        form = json.loads(
            text.lstrip("\ufeff"), object_pairs_hook=_unique_keys, parse_constant=_refuse_constant
        )
    except RecursionError:
        raise FormError([Problem.at("", "invalid JSON: nested too deeply")]) from None
    except ValueError as e:
        raise FormError([Problem.at("", f"invalid JSON: {e}")]) from None
    problems = check_form(form, check_default)
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


def check_form(form: Any, check_default: DefaultCheck | None = None) -> list[Problem]:
    """Every problem in a parsed form definition, in file order.

    Defaults are tried only when ``check_default`` is given (``engine.forms`` gives it).
    """
    out: list[Problem] = []
    if not isinstance(form, dict):
        return [Problem.at("", "the form must be a JSON object")]
    for key in form:
        if key not in ("title", "description", "fields", "evidence"):
            out.append(Problem.at(str(key), "unknown key"))
    if not _nonempty_str(form.get("title")):
        out.append(Problem.at("title", "required non-empty string"))
    if "description" in form and not isinstance(form["description"], str):
        out.append(Problem.at("description", "must be a string"))
    if "fields" not in form:
        out.append(Problem.at("fields", "required"))
    else:
        _FieldCheck(out, check_default).fields(form["fields"], "fields", 1)
    if "evidence" in form:
        out += evidence.shape_problems(form["evidence"])
    return out


class _FieldCheck:
    """Walks the fields of a form, appending each problem found to ``out``."""

    def __init__(self, out: list[Problem], check_default: DefaultCheck | None) -> None:
        self.out = out
        self.check_default = check_default

    def fields(self, specs: Any, path: str, depth: int) -> None:
        if not isinstance(specs, list):
            self.out.append(Problem.at(path, "must be a list of fields"))
            return
        if depth > 1 and not specs:
            self.out.append(Problem.at(path, "a list needs at least one field"))
        seen: dict[str, str] = {}
        for i, spec in enumerate(specs):
            p = f"{path}[{i}]"
            if not isinstance(spec, dict):
                self.out.append(Problem.at(p, "a field must be an object"))
                continue
            name = spec.get("name")
            if isinstance(name, str) and name in seen:
                self.out.append(
                    Problem.at(f"{p}.name", f"duplicate name {name!r} (also {seen[name]})")
                )
            elif isinstance(name, str):
                seen[name] = p
            self.field(spec, p, depth)

    def field(self, spec: dict, p: str, depth: int) -> None:
        start = len(self.out)

        def bad(key: str, message: str) -> None:
            self.out.append(Problem.at(f"{p}.{key}", message))

        ftype = _check_common(spec, bad)
        if ftype in _TYPE_CHECKS:
            _TYPE_CHECKS[ftype](spec, bad)
        elif ftype in ("choice", "multichoice"):
            self.choices(spec, p, ftype, bad)
        elif ftype == "list":
            self.list_field(spec, p, depth, bad)
        # Only a field that is otherwise sound can be built to try its default on.
        if (
            "default" in spec
            and ftype
            and ftype != "list"
            and len(self.out) == start
            and self.check_default is not None
        ):
            problem = self.check_default({**spec, "required": False})
            if problem:
                bad("default", f"invalid default: {problem}")

    def choices(self, spec: dict, p: str, ftype: str, bad: Callable[[str, str], None]) -> None:
        n_choices = _check_choices(spec.get("choices"), f"{p}.choices", self.out)
        if ftype == "multichoice":
            _check_bounds(spec, "min_items", "max_items", _is_count, "a non-negative integer", bad)
            if n_choices and _is_count(spec.get("min_items")) and spec["min_items"] > n_choices:
                bad("min_items", "is more than the number of choices")

    def list_field(self, spec: dict, p: str, depth: int, bad: Callable[[str, str], None]) -> None:
        _check_bounds(spec, "min_items", "max_items", _is_count, "a non-negative integer", bad)
        if depth >= 2:
            bad("type", "a list cannot contain a list (at most 2 levels)")
        elif "fields" not in spec:
            bad("fields", "required for a list")
        else:
            self.fields(spec["fields"], f"{p}.fields", depth + 1)


def _check_common(spec: dict, bad: Callable[[str, str], None]) -> str | None:
    """The keys every field has; returns the field's type when it is a known one."""
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
    return ftype


def _check_text(spec: dict, bad: Callable[[str, str], None]) -> None:
    _check_bounds(
        spec,
        "min_length",
        "max_length",
        _is_count,
        "a non-negative integer",
        bad,
        implied_max=DEFAULT_MAX_LENGTH[spec["type"]],
    )


def _check_integer(spec: dict, bad: Callable[[str, str], None]) -> None:
    _check_bounds(spec, "min", "max", _is_int, "an integer", bad)


def _check_number(spec: dict, bad: Callable[[str, str], None]) -> None:
    _check_bounds(spec, "min", "max", _is_number, "a number", bad)


def _check_date(spec: dict, bad: Callable[[str, str], None]) -> None:
    _check_bounds(spec, "min", "max", _is_iso_date, "an ISO date YYYY-MM-DD", bad)


def _check_boolean(spec: dict, bad: Callable[[str, str], None]) -> None:
    """A boolean has nothing of its own to check."""


def _check_unit(spec: dict, bad: Callable[[str, str], None]) -> None:
    kinds = spec.get("unit_kinds")
    if not (isinstance(kinds, list) and kinds and all(_nonempty_str(k) for k in kinds)):
        bad("unit_kinds", "required non-empty list of unit kinds (strings)")
    elif len(set(kinds)) != len(kinds):
        bad("unit_kinds", "a kind is listed twice")


#: The checker of each simple type's own keys; choices and lists walk further.
_TYPE_CHECKS: dict[str, Callable[[dict, Callable[[str, str], None]], None]] = {
    "string": _check_text,
    "text": _check_text,
    "integer": _check_integer,
    "number": _check_number,
    "date": _check_date,
    "boolean": _check_boolean,
    "unit": _check_unit,
}


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
        out.append(Problem.at(path, "required non-empty list of {value, label}"))
        return 0
    values: set[str] = set()
    for j, choice in enumerate(choices):
        cp = f"{path}[{j}]"
        if not isinstance(choice, dict):
            out.append(Problem.at(cp, "a choice must be an object {value, label}"))
            continue
        for key in choice:
            if key not in ("value", "label"):
                out.append(Problem.at(f"{cp}.{key}", "unknown key"))
        value = choice.get("value")
        # Submissions are stripped and NFC-normalised, so a value that is not
        # could never be chosen.
        if not (
            isinstance(value, str)
            and value
            and value == unicodedata.normalize("NFC", value).strip()
        ):
            out.append(
                Problem.at(f"{cp}.value", "required non-empty string without surrounding spaces")
            )
        elif value in values:
            out.append(Problem.at(f"{cp}.value", f"duplicate choice value {value!r}"))
        else:
            values.add(value)
        if not _nonempty_str(choice.get("label")):
            out.append(Problem.at(f"{cp}.label", "required non-empty string"))
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
    return (
        isinstance(v, str) and _ISO_DATE_RE.fullmatch(v) is not None and _parse_date(v) is not None
    )


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
    except ValueError:  # 31/02/2025 and the like
        return None
