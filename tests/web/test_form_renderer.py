"""The form renderer (templates/forms.html) and the parser of what it sends back
(web/formdata.py): every field type, row slots of lists, errors, read-only display."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from engine.forms import validate_submission
from web.formdata import initial_values, parse_submission

FORM = {
    "title": "Thử",
    "fields": [
        {"name": "name", "label": "Họ tên", "type": "string", "required": True, "help": "Ghi rõ"},
        {"name": "note", "label": "Ghi chú", "type": "text"},
        {"name": "count", "label": "Số", "type": "integer", "min": 0, "max": 9},
        {"name": "ratio", "label": "Tỉ lệ", "type": "number"},
        {"name": "ok", "label": "Đạt", "type": "boolean"},
        {"name": "day", "label": "Ngày", "type": "date"},
        {
            "name": "size",
            "label": "Cỡ",
            "type": "choice",
            "required": True,
            "choices": [{"value": "s", "label": "Nhỏ"}, {"value": "l", "label": "Lớn"}],
        },
        {
            "name": "town",
            "label": "Phường",
            "type": "choice",
            "choices": [{"value": f"P{i}", "label": f"Phường {i}"} for i in range(1, 4)],
        },
        {
            "name": "tags",
            "label": "Nhãn",
            "type": "multichoice",
            "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        },
        {"name": "shown", "label": "Chỉ xem", "type": "string", "readonly": True},
        {
            "name": "places",
            "label": "Nơi",
            "type": "list",
            "max_items": 4,
            "fields": [
                {"name": "unit", "label": "Đơn vị", "type": "string", "required": True},
                {"name": "member", "label": "Đảng viên", "type": "boolean"},
                {
                    "name": "kinds",
                    "label": "Loại",
                    "type": "multichoice",
                    "choices": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}],
                },
            ],
        },
    ],
}


def render(app, values=None, errors=None, readonly=False) -> str:
    source = (
        '{% from "forms.html" import render_fields %}'
        "{{ render_fields(form.fields, values, errors, readonly=readonly) }}"
    )
    with app.test_request_context():
        return render_template_string(
            source, form=FORM, values=values or {}, errors=errors or {}, readonly=readonly
        )


def test_every_type_has_its_input(app):
    html = render(app, {"places": [{"unit": "P1"}]})
    assert re.search(r'<input id="f-name" name="name" class="form-control"[^>]*required', html)
    assert '<textarea id="f-note" name="note"' in html
    assert re.search(r'name="count"[^>]*type="number" step="1" value="" min="0" max="9"', html)
    assert 'step="any"' in html
    # A date is typed dd/mm/yyyy whatever the browser's language, not a native date picker.
    typed = r'type="text" inputmode="numeric"[^>]*placeholder="dd/mm/yyyy"[^>]*data-date-input'
    assert re.search(typed, html)
    assert 'type="date"' not in html
    assert html.count('name="ok" value=') == 2  # Có / Không radios
    assert len(re.findall(r'type="radio"\s+id="f-size-', html)) == 2  # few choices: radios
    assert '<select id="f-town" name="town"' in html  # optional: a select
    assert '<option value="">' in html  # ... whose answer can be undone
    assert len(re.findall(r'type="checkbox"\s+id="f-tags-', html)) == 2
    assert 'name="shown"' not in html  # read-only: no input
    # one filled row and three blank ones, capped by max_items
    assert 'value="P1"' in html and 'name="places-3-unit"' in html
    assert 'name="places-4-unit"' not in html
    assert 'name="places-1-kinds"' in html and 'id="h-name"' in html


def test_values_and_errors_are_shown(app):
    html = render(
        app,
        {"name": "An", "ok": "false", "size": "l", "tags": ["b"], "day": "2025-01-02"},
        {
            "name": ["Bắt buộc nhập."],
            "places": {1: {"unit": ["Bắt buộc nhập."]}},
            "tags": {0: ["Lựa chọn không hợp lệ."]},
        },
    )
    assert 'value="An"' in html and 'value="02/01/2025"' in html  # a stored ISO date, as read
    assert re.search(r'name="ok" value="false" checked', html)
    assert re.search(r'name="size" value="l" checked', html)
    assert re.search(r'name="tags" value="b" checked', html)
    assert re.search(r'data-testid="error-name"[^>]*>Bắt buộc nhập\.', html)
    assert 'data-testid="error-places-1-unit"' in html
    assert "Lựa chọn không hợp lệ." in html and 'class="form-control is-invalid"' in html


def test_read_only_shows_values_in_words(app):
    html = render(
        app,
        {
            "name": "An",
            "ok": True,
            "day": "2025-01-02",
            "town": "P3",
            "tags": ["a", "b"],
            "places": [{"unit": "P1", "member": True}],
        },
        readonly=True,
    )
    assert "<input" not in html and "<select" not in html
    assert "02/01/2025" in html and "Phường 3" in html and "A, B" in html
    assert 'data-testid="value-ok">Có' in html and "Đơn vị: P1" in html


def test_parse_reads_every_type_and_drops_blank_rows():
    posted = MultiDict(
        [
            ("csrf_token", "x"),
            ("name", "An"),
            ("note", ""),
            ("count", "3"),
            ("ok", "true"),
            ("size", "s"),
            ("tags", "a"),
            ("tags", "b"),
            ("shown", "forged"),
            ("places-0-unit", "P1"),
            ("places-0-kinds", "x"),
            ("places-0-kinds", "y"),
            ("places-1-unit", ""),
            ("places-1-kinds", ""),
            ("places-2-unit", "P2"),
            ("places-2-member", "false"),
            ("places-x-unit", "P9"),
            ("other-0-unit", "P9"),
        ]
    )
    data = parse_submission(FORM, posted)
    assert data == {
        "name": "An",
        "count": "3",
        "ok": "true",
        "size": "s",
        "tags": ["a", "b"],
        "places": [{"unit": "P1", "kinds": ["x", "y"]}, {"unit": "P2", "member": "false"}],
    }
    clean, errors = validate_submission(FORM, data)
    assert errors == {} and clean["places"][1] == {"unit": "P2", "member": False}
    assert clean["count"] == 3 and clean["ok"] is True


@pytest.mark.parametrize("posted", [MultiDict(), MultiDict([("places-0-unit", " ")])])
def test_parse_of_nothing_is_nothing(posted):
    assert parse_submission(FORM, posted) == {}


def test_initial_values_take_task_data_then_defaults():
    form = {
        "fields": [
            {"name": "a", "label": "A", "type": "string", "default": "x"},
            {"name": "b", "label": "B", "type": "string", "default": "y"},
            {"name": "c", "label": "C", "type": "string"},
        ]
    }
    assert initial_values(form, {"a": "from task", "b": None, "z": 1}) == {
        "a": "from task",
        "b": "y",
    }
