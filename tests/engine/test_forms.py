"""Form files: checking their definition and validating submissions against them."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from marshmallow import Schema

from engine.errors import Problem
from engine.forms import (
    MAX_FORM_BYTES,
    FormError,
    build_schema,
    check_form,
    load_form,
    validate_submission,
)

REQUIRED = "Bắt buộc nhập."
UNKNOWN = "Trường này không có trong biểu mẫu."
CHOICE = "Lựa chọn không hợp lệ."

VOTE_FORM = {
    "title": "Chi bộ biểu quyết",
    "description": "Hướng dẫn: nhập kết quả biểu quyết của chi bộ.",
    "fields": [
        {
            "name": "meeting_date",
            "label": "Ngày họp chi bộ",
            "type": "date",
            "required": True,
            "help": "Ngày ghi trong biên bản.",
        },
        {
            "name": "official_members",
            "label": "Số đảng viên chính thức",
            "type": "integer",
            "required": True,
            "min": 1,
            "max": 1000,
        },
        {
            "name": "decision",
            "label": "Kết luận",
            "type": "choice",
            "required": True,
            "choices": [
                {"value": "approve", "label": "Đồng ý"},
                {"value": "reject", "label": "Không đồng ý"},
            ],
        },
        {"name": "note", "label": "Ghi chú", "type": "text", "max_length": 2000},
        {
            "name": "places",
            "label": "Nơi thẩm tra",
            "type": "list",
            "min_items": 1,
            "max_items": 3,
            "fields": [
                {"name": "unit", "label": "Đơn vị", "type": "string", "required": True},
                {"name": "visited_on", "label": "Ngày thẩm tra", "type": "date"},
            ],
        },
    ],
}
GOOD_VOTE = {"meeting_date": "2025-03-05", "official_members": 12, "decision": "approve"}


def one_field_form(**spec) -> dict:
    spec = {"name": "x", "label": "X", **spec}
    return {"title": "T", "fields": [spec]}


def submit(spec: dict, value) -> tuple[dict, dict]:
    return validate_submission(one_field_form(**spec), {"x": value})


def accepts(spec: dict, value, expected) -> None:
    clean, errors = submit(spec, value)
    assert errors == {}, errors
    assert clean == {"x": expected}
    json.dumps(clean)  # always ready for JSON


def refuses(spec: dict, value, message: str | None = None) -> list:
    clean, errors = submit(spec, value)
    assert clean == {}
    assert list(errors) == ["x"], errors
    if message is not None:
        assert errors["x"] == [message]
    return errors["x"]


# --- the example form end to end ---------------------------------------------------


def test_example_form_is_valid_and_accepts_good_data():
    assert check_form(VOTE_FORM) == []
    clean, errors = validate_submission(
        VOTE_FORM,
        {
            **GOOD_VOTE,
            "note": "  Họp đủ.  ",
            "places": [{"unit": "Chi bộ thôn 3", "visited_on": "10/03/2025"}],
        },
    )
    assert errors == {}
    assert clean == {
        **GOOD_VOTE,
        "note": "Họp đủ.",
        "places": [{"unit": "Chi bộ thôn 3", "visited_on": "2025-03-10"}],
    }


def test_all_field_errors_are_reported_together():
    clean, errors = validate_submission(
        VOTE_FORM, {"meeting_date": "31/02/2025", "official_members": 0, "decision": "maybe"}
    )
    assert clean == {}
    assert errors == {
        "meeting_date": ["Ngày không hợp lệ (dd/mm/yyyy)."],
        "official_members": ["Giá trị phải từ 1 đến 1000."],
        "decision": [CHOICE],
    }


def test_required_fields_missing_blank_or_null():
    _, errors = validate_submission(
        VOTE_FORM, {"meeting_date": "", "official_members": None, "decision": "   "}
    )
    assert errors == {
        "meeting_date": [REQUIRED],
        "official_members": [REQUIRED],
        "decision": [REQUIRED],
    }
    _, errors = validate_submission(VOTE_FORM, {})
    assert set(errors) == {"meeting_date", "official_members", "decision"}


def test_blank_optional_field_is_absent():
    clean, errors = validate_submission(VOTE_FORM, {**GOOD_VOTE, "note": "  ", "places": []})
    assert errors == {}
    assert clean == GOOD_VOTE


def test_unknown_fields_are_refused():
    _, errors = validate_submission(VOTE_FORM, {**GOOD_VOTE, "hacked": True})
    assert errors == {"hacked": [UNKNOWN]}


def test_non_object_submission_is_refused():
    clean, errors = validate_submission(VOTE_FORM, ["not", "an", "object"])
    assert clean == {} and errors == {"_schema": ["Dữ liệu không hợp lệ."]}


def test_submission_is_not_modified():
    data = {**GOOD_VOTE, "places": [{"unit": " A "}]}
    before = copy.deepcopy(data)
    validate_submission(VOTE_FORM, data)
    assert data == before


# --- string and text ---------------------------------------------------------------


def test_string_accepts_and_strips():
    accepts({"type": "string"}, "  Nguyễn Văn A  ", "Nguyễn Văn A")


def test_string_normalises_to_nfc():
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" typed as base letters + marks
    accepts({"type": "string"}, decomposed, "Nguyễn")


@pytest.mark.parametrize(
    "value, message",
    [
        (12, "Phải là chuỗi ký tự."),
        (["a"], "Phải là chuỗi ký tự."),
        ("dòng 1\ndòng 2", "Không được xuống dòng."),
        ("a\x00b", "Có ký tự không hợp lệ."),
    ],
)
def test_string_refuses(value, message):
    refuses({"type": "string"}, value, message)


def test_string_default_max_length_is_200():
    accepts({"type": "string"}, "a" * 200, "a" * 200)
    refuses({"type": "string"}, "a" * 201, "Không được quá 200 ký tự.")


def test_string_length_bounds():
    spec = {"type": "string", "min_length": 3, "max_length": 5}
    accepts(spec, "abc", "abc")
    refuses(spec, "ab", "Phải có từ 3 đến 5 ký tự.")
    refuses(spec, "abcdef", "Phải có từ 3 đến 5 ký tự.")
    refuses(spec, "  ab  ", "Phải có từ 3 đến 5 ký tự.")  # counted after stripping


def test_text_keeps_lines_and_normalises_newlines():
    accepts({"type": "text"}, " dòng 1\r\ndòng 2\tcột \n", "dòng 1\ndòng 2\tcột")


def test_text_default_max_length_is_5000():
    accepts({"type": "text"}, "a" * 5000, "a" * 5000)
    refuses({"type": "text"}, "a" * 5001, "Không được quá 5000 ký tự.")
    refuses({"type": "text", "min_length": 10}, "ngắn", "Phải có từ 10 đến 5000 ký tự.")


# --- integer and number ------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(12, 12), ("12", 12), (" -3 ", -3), (0, 0)])
def test_integer_accepts(value, expected):
    accepts({"type": "integer"}, value, expected)


@pytest.mark.parametrize("value", [1.5, "1.5", "abc", True, False, "12a", [1], 1.0, "1_000"])
def test_integer_refuses(value):
    refuses({"type": "integer"}, value, "Phải là số nguyên.")


def test_integer_too_large_for_json_readers():
    refuses({"type": "integer"}, 2**53, "Số quá lớn.")


def test_integer_range():
    spec = {"type": "integer", "min": 1, "max": 1000}
    accepts(spec, 1, 1)
    accepts(spec, 1000, 1000)
    refuses(spec, 0, "Giá trị phải từ 1 đến 1000.")
    refuses(spec, 1001, "Giá trị phải từ 1 đến 1000.")
    refuses({"type": "integer", "min": 1}, 0, "Giá trị phải từ 1 trở lên.")
    refuses({"type": "integer", "max": 9}, 10, "Giá trị không được lớn hơn 9.")


@pytest.mark.parametrize(
    "value, expected",
    [(1.5, 1.5), (2, 2.0), ("2.25", 2.25), (" -0.5 ", -0.5), ("1e3", 1000.0), (".5", 0.5)],
)
def test_number_accepts(value, expected):
    accepts({"type": "number"}, value, expected)


@pytest.mark.parametrize(
    "value", ["abc", True, "nan", "inf", float("nan"), float("inf"), "1_000", "1,5", [1.0], "1e999"]
)
def test_number_refuses(value):
    refuses({"type": "number"}, value, "Phải là số.")


def test_number_range():
    spec = {"type": "number", "min": 0, "max": 2.5}
    accepts(spec, 2.5, 2.5)
    refuses(spec, 2.51, "Giá trị phải từ 0 đến 2.5.")
    refuses(spec, -0.1, "Giá trị phải từ 0 đến 2.5.")


# --- boolean -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (True, True),
        (False, False),
        ("true", True),
        ("on", True),
        ("1", True),
        (" yes ", True),
        ("false", False),
        ("0", False),
        (1, True),
        (0, False),
    ],
)
def test_boolean_accepts(value, expected):
    accepts({"type": "boolean"}, value, expected)


@pytest.mark.parametrize("value", ["maybe", 2, 1.0, [True], "có lẽ"])
def test_boolean_refuses(value):
    refuses({"type": "boolean"}, value, "Phải là Có hoặc Không.")


def test_required_boolean_accepts_false():
    accepts({"type": "boolean", "required": True}, False, False)
    clean, errors = validate_submission(one_field_form(type="boolean", required=True), {})
    assert errors == {"x": [REQUIRED]}


# --- date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-03-05", "2025-03-05"),
        ("05/03/2025", "2025-03-05"),
        ("5/3/2025", "2025-03-05"),
        (" 29/02/2024 ", "2024-02-29"),
        (date(2025, 1, 2), "2025-01-02"),
    ],
)
def test_date_accepts_iso_and_dd_mm_yyyy(value, expected):
    accepts({"type": "date"}, value, expected)


@pytest.mark.parametrize(
    "value",
    [
        "29/02/2025",
        "2025-02-30",
        "03/13/2025",
        "2025/03/05",
        "05-03-2025",
        "20250305",
        "5/3/25",
        "hôm nay",
        20250305,
        "2025-3-5",
    ],
)
def test_date_refuses(value):
    refuses({"type": "date"}, value, "Ngày không hợp lệ (dd/mm/yyyy).")


def test_date_range():
    spec = {"type": "date", "min": "2025-01-01", "max": "2025-12-31"}
    accepts(spec, "31/12/2025", "2025-12-31")
    refuses(spec, "31/12/2024", "Ngày phải từ 01/01/2025 đến 31/12/2025.")
    refuses(
        {"type": "date", "min": "2025-01-01"}, "2024-12-31", "Ngày không được trước 01/01/2025."
    )
    refuses({"type": "date", "max": "2025-01-01"}, "2025-01-02", "Ngày không được sau 01/01/2025.")


# --- choice and multichoice ---------------------------------------------------------

CHOICES = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]


def test_choice():
    spec = {"type": "choice", "choices": CHOICES}
    accepts(spec, "a", "a")
    accepts(spec, " b ", "b")
    refuses(spec, "d", CHOICE)
    refuses(spec, "A", CHOICE)
    refuses(spec, 1, CHOICE)
    refuses(spec, ["a"], CHOICE)


def test_multichoice():
    spec = {"type": "multichoice", "choices": CHOICES, "min_items": 1, "max_items": 2}
    accepts(spec, ["a", "c"], ["a", "c"])
    refuses(spec, "a", "Phải là danh sách.")
    refuses(spec, ["a", "b", "c"], "Phải có từ 1 đến 2 lựa chọn.")
    refuses(spec, ["a", "a"], "Lựa chọn bị trùng.")
    assert refuses(spec, ["a", "z"]) == {1: [CHOICE]}
    assert refuses(spec, ["a", None]) == {1: [CHOICE]}


def test_required_multichoice_needs_a_choice():
    refuses({"type": "multichoice", "choices": CHOICES, "required": True}, [], REQUIRED)


# --- list ---------------------------------------------------------------------------------


def test_list_nesting_and_errors_per_entry():
    clean, errors = validate_submission(
        VOTE_FORM,
        {
            **GOOD_VOTE,
            "places": [{"unit": "A"}, {"unit": " ", "visited_on": "x"}, {"unit": "B", "extra": 1}],
        },
    )
    assert clean == {}
    assert errors == {
        "places": {
            1: {"unit": [REQUIRED], "visited_on": ["Ngày không hợp lệ (dd/mm/yyyy)."]},
            2: {"extra": [UNKNOWN]},
        }
    }


def test_list_item_count_and_shape():
    four = [{"unit": str(i)} for i in range(4)]
    _, errors = validate_submission(VOTE_FORM, {**GOOD_VOTE, "places": four})
    assert errors == {"places": ["Phải có từ 1 đến 3 mục."]}
    _, errors = validate_submission(VOTE_FORM, {**GOOD_VOTE, "places": {"unit": "A"}})
    assert errors == {"places": ["Phải là danh sách."]}
    _, errors = validate_submission(VOTE_FORM, {**GOOD_VOTE, "places": ["A", None]})
    assert errors == {
        "places": {0: {"_schema": ["Dữ liệu không hợp lệ."]}, 1: ["Dữ liệu không hợp lệ."]}
    }


# --- defaults and readonly ------------------------------------------------------------------


def test_default_fills_an_absent_optional_field():
    form = {
        "title": "T",
        "fields": [
            {"name": "agree", "label": "A", "type": "boolean", "default": False},
            {"name": "on", "label": "O", "type": "date", "default": "01/02/2025"},
            {
                "name": "tags",
                "label": "T",
                "type": "multichoice",
                "choices": CHOICES,
                "default": ["a"],
            },
        ],
    }
    clean, errors = validate_submission(form, {})
    assert errors == {}
    assert clean == {"agree": False, "on": "2025-02-01", "tags": ["a"]}
    clean["tags"].append("b")  # defaults are not shared
    assert validate_submission(form, {})[0]["tags"] == ["a"]


def test_readonly_field_is_never_taken_from_a_submission():
    form = {
        "title": "T",
        "fields": [
            {
                "name": "code",
                "label": "Mã hồ sơ",
                "type": "string",
                "readonly": True,
                "default": "HS-1",
            },
            {"name": "note", "label": "Ghi chú", "type": "string"},
        ],
    }
    assert "code" not in build_schema(form).fields
    clean, errors = validate_submission(form, {"code": "HS-999", "note": "x"})
    assert errors == {} and clean == {"note": "x"}


def test_field_names_that_clash_with_schema_methods():
    form = {
        "title": "T",
        "fields": [
            {"name": name, "label": name, "type": "string"}
            for name in (
                "load",
                "fields",
                "validate",
                "opts",
                "error_messages",
                "_drop_blank_and_readonly",
            )
        ],
    }
    data = {f["name"]: f["name"] for f in form["fields"]}
    assert validate_submission(form, data) == (data, {})


# --- schema building and caching ---------------------------------------------------------


def test_build_schema_is_cached_by_content():
    schema = build_schema(VOTE_FORM)
    assert isinstance(schema, Schema)
    assert build_schema(json.loads(json.dumps(VOTE_FORM))) is schema
    assert build_schema(one_field_form(type="string")) is not schema


def test_build_schema_refuses_an_invalid_form():
    with pytest.raises(FormError) as exc:
        build_schema(one_field_form(type="fancy"))
    assert exc.value.problems[0].path == "fields[0].type"
    with pytest.raises(FormError):
        validate_submission({"title": "T", "fields": [{"name": "x"}]}, {})
    with pytest.raises(FormError):
        build_schema({"title": "T", "fields": [], "x": date(2025, 1, 1)})


# --- checking form files ---------------------------------------------------------------------


def paths(problems: list[Problem]) -> list[str]:
    return [p.path for p in problems]


def test_every_problem_is_listed_with_its_path():
    bad = {
        "title": "",
        "colour": "đỏ",
        "fields": [
            {
                "name": "Bad-Name",
                "label": "",
                "type": "integer",
                "min": 5,
                "max": 1,
                "choices": CHOICES,
                "wat": 1,
            },
            {
                "name": "a",
                "label": "A",
                "type": "choice",
                "choices": [
                    {"value": "x", "label": "X"},
                    {"value": "x", "label": ""},
                    {"value": " y", "label": "Y", "z": 1},
                    3,
                ],
            },
            {"name": "a", "label": "A2", "type": "fancy"},
            {
                "name": "l",
                "label": "L",
                "type": "list",
                "fields": [{"name": "inner", "label": "I", "type": "list", "fields": []}],
            },
            {"label": "No name", "type": "string"},
            "not a field",
        ],
    }
    problems = check_form(bad)
    assert paths(problems) == [
        "colour",
        "title",
        "fields[0].choices",
        "fields[0].wat",
        "fields[0].name",
        "fields[0].label",
        "fields[0].min",
        "fields[1].choices[1].value",
        "fields[1].choices[1].label",
        "fields[1].choices[2].z",
        "fields[1].choices[2].value",
        "fields[1].choices[3]",
        "fields[2].name",
        "fields[2].type",
        "fields[3].fields[0].type",
        "fields[4].name",
        "fields[5]",
    ]
    by_path = {p.path: p.message for p in problems}
    assert by_path["colour"] == "unknown key"
    assert by_path["fields[0].choices"] == "does not apply to type 'integer'"
    assert "duplicate name 'a'" in by_path["fields[2].name"]
    assert "cannot contain a list" in by_path["fields[3].fields[0].type"]


@pytest.mark.parametrize(
    "spec, path, words",
    [
        ({"type": "string", "min_length": 300}, "fields[0].min_length", "greater than"),
        ({"type": "string", "max_length": -1}, "fields[0].max_length", "non-negative"),
        ({"type": "text", "max_length": True}, "fields[0].max_length", "non-negative"),
        ({"type": "integer", "min": 1.5}, "fields[0].min", "an integer"),
        ({"type": "number", "max": "10"}, "fields[0].max", "a number"),
        ({"type": "date", "min": "01/01/2025"}, "fields[0].min", "ISO date"),
        ({"type": "date", "max": "2025-02-30"}, "fields[0].max", "ISO date"),
        ({"type": "choice"}, "fields[0].choices", "non-empty list"),
        ({"type": "choice", "choices": []}, "fields[0].choices", "non-empty list"),
        (
            {"type": "multichoice", "choices": CHOICES, "min_items": 4},
            "fields[0].min_items",
            "number of choices",
        ),
        ({"type": "list"}, "fields[0].fields", "required"),
        ({"type": "list", "fields": []}, "fields[0].fields", "at least one"),
        (
            {
                "type": "list",
                "fields": [{"name": "a", "label": "A", "type": "string"}],
                "default": [],
            },
            "fields[0].default",
            "does not apply",
        ),
        (
            {
                "type": "list",
                "min_items": 3,
                "max_items": 2,
                "fields": [{"name": "a", "label": "A", "type": "string"}],
            },
            "fields[0].min_items",
            "greater than",
        ),
        ({"type": "boolean", "min": 1}, "fields[0].min", "does not apply"),
        ({"type": "string", "required": "yes"}, "fields[0].required", "true or false"),
        (
            {"type": "string", "readonly": True, "required": True},
            "fields[0].readonly",
            "cannot be required",
        ),
        ({"type": "string", "help": 3}, "fields[0].help", "string"),
        ({"type": "integer", "min": 1, "default": 0}, "fields[0].default", "invalid default"),
        ({"type": "date", "default": "tomorrow"}, "fields[0].default", "invalid default"),
        (
            {"type": "choice", "choices": CHOICES, "default": "z"},
            "fields[0].default",
            "invalid default",
        ),
    ],
)
def test_field_problems(spec, path, words):
    problems = check_form(one_field_form(**spec))
    assert paths(problems) == [path], problems
    assert words in problems[0].message


def test_form_level_problems():
    assert paths(check_form([])) == [""]
    assert paths(check_form({"title": "T"})) == ["fields"]
    assert paths(check_form({"title": "T", "fields": {}})) == ["fields"]
    assert paths(check_form({"title": 3, "description": 4, "fields": []})) == [
        "title",
        "description",
    ]
    assert check_form({"title": "Xác nhận", "fields": []}) == []


# --- load_form ----------------------------------------------------------------------------------


def test_load_form_accepts_text_and_bytes():
    text = json.dumps(VOTE_FORM, ensure_ascii=False)
    assert load_form(text) == VOTE_FORM
    assert load_form(text.encode("utf-8")) == VOTE_FORM
    assert load_form(text.encode("utf-8-sig")) == VOTE_FORM  # BOM from Windows editors


def test_load_form_raises_all_problems_at_once():
    with pytest.raises(FormError) as exc:
        load_form(json.dumps({"title": "", "fields": [{"name": "x", "type": "integer"}]}))
    assert paths(exc.value.problems) == ["title", "fields[0].label"]
    assert "fields[0].label" in str(exc.value)


@pytest.mark.parametrize(
    "text, words",
    [
        ('{"title": "T", "fields": [}', "invalid JSON"),
        ('{"title": "T", "title": "U", "fields": []}', "duplicate key 'title'"),
        ('{"title": "T", "fields": [], "x": NaN}', "NaN is not allowed"),
        (b"\xff\xfe{}", "not UTF-8"),
        ("[" * 100_000, "invalid JSON"),
    ],
)
def test_load_form_refuses_bad_json(text, words):
    with pytest.raises(FormError) as exc:
        load_form(text)
    assert paths(exc.value.problems) == [""]
    assert words in exc.value.problems[0].message


def test_load_form_refuses_oversize_files():
    padding = "a" * MAX_FORM_BYTES
    big = json.dumps({"title": "T", "description": padding, "fields": []})
    for text in (big, big.encode()):
        with pytest.raises(FormError) as exc:
            load_form(text)
        assert "larger than" in exc.value.problems[0].message
    # the limit is in bytes: 100k Vietnamese characters are ~300 KiB of UTF-8
    wide = json.dumps(
        {"title": "T", "description": "ễ" * 100_000, "fields": []}, ensure_ascii=False
    )
    assert len(wide) < MAX_FORM_BYTES
    with pytest.raises(FormError, match="larger than"):
        load_form(wide)


def test_load_form_just_under_the_limit():
    text = json.dumps({"title": "T", "description": "", "fields": []})
    text = text.replace('""', '"' + "a" * (MAX_FORM_BYTES - len(text)) + '"')
    assert len(text.encode()) == MAX_FORM_BYTES
    assert load_form(text)["title"] == "T"
