"""The check in the designer's language: elements without a way in or out are problems,
named by their names; every problem the check finds in a range of broken diagrams,
forms and scripts has its Vietnamese text (engine/messages.py, engine.po), the
parts that vary kept; and the catalogue's translations use only their templates' parts."""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from engine import cli, definitions, messages
from engine.sandbox import Sandbox

from .helpers import DATA, make_registry, review_files

REVIEW = (DATA / "review" / "review.bpmn").read_text(encoding="utf-8")
LOOSE_TASK = '<bpmn:task id="forgotten" name="Bước bị bỏ quên" />'


def checked(bpmn: str = REVIEW, **forms: str):
    files = review_files()
    files["review.bpmn"] = bpmn.encode()
    files.update({f"forms/{name}.json": text.encode() for name, text in forms.items()})
    return definitions.check(files, make_registry())


def with_loose_task(bpmn: str = REVIEW) -> str:
    return bpmn.replace('<bpmn:startEvent id="start"', LOOSE_TASK + '<bpmn:startEvent id="start"')


def test_an_unconnected_task_is_a_problem_named_by_its_name():
    result = checked(with_loose_task())
    found = [(p.element, p.name, p.message) for p in result.problems]
    assert found == [
        ("forgotten", "Bước bị bỏ quên", "no sequence flow leads to this element"),
        ("forgotten", "Bước bị bỏ quên", "no sequence flow leaves this element"),
    ]
    [into, out] = [messages.problem_text(p, "vi") for p in result.problems]
    assert into.startswith("Không có luồng tuần tự nào dẫn vào phần tử này")
    assert out.startswith("Không có luồng tuần tự nào đi ra từ phần tử này")
    assert "review.bpmn" in str(result.problems[0]) and "«Bước bị bỏ quên»" in str(
        result.problems[0]
    )


def test_start_end_and_boundary_events_need_only_their_own_side():
    assert checked().ok  # its start, end and boundary timer events are connected once each


def test_ketnap_check_speaks_vietnamese_unless_asked_for_english(tmp_path, monkeypatch):
    monkeypatch.setattr(definitions, "default_registry", make_registry())
    for name, content in review_files().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    (tmp_path / "review.bpmn").write_text(with_loose_task(), encoding="utf-8")
    vi = CliRunner().invoke(cli.cli, ["check", str(tmp_path)])
    assert vi.exit_code == 1
    assert "[forgotten] «Bước bị bỏ quên»: Không có luồng tuần tự nào dẫn vào" in vi.output
    en = CliRunner().invoke(cli.cli, ["check", "--lang", "en", str(tmp_path)])
    assert "[forgotten] «Bước bị bỏ quên»: no sequence flow leads to this element" in en.output


SCRIPTS = [
    "import os",
    "lambda: 1",
    "def f(): pass",
    "class A: pass",
    "global x",
    "try:\n    x = 1\nexcept Exception:\n    x = 2",
    "_secret = 1",
    "x = y.__class__",
    "x = y.upper2()",
    "x = y.real",
    "x = unknown(1)",
    "x = f(**y)",
    "x = '%s' % y",
    "x = (y := 1)",
    "x = f'{y!a}'",
    "x = [1][0:1] = 2",
    "double = 1",
    "1 +",
    "x = f'{y:9999999}'",
    "x = 1j",
    "x.y = 1",
    "x = y @ z",
    "del x",
    "with y: pass",
]
FORMS = [
    '{"title": "x", "fields": [{"name": "a", "label": "A", "type": "text",}]}',
    '{"title": "x" "fields": []}',
    '{"title": "x", "fields": []} extra',
    '{"title": "x", "title": "y", "fields": []}',
    '{"title": "x", "fields": [], "colour": NaN}',
    json.dumps(
        {
            "fields": [
                {"name": "Bad Name", "type": "colour"},
                {"name": "d", "label": "D", "type": "date", "min": "2025-13-01", "max": "x"},
                {"name": "c", "label": "C", "type": "choice", "choices": [{"value": " x"}]},
                {"name": "l", "label": "L", "type": "list", "fields": []},
                {"name": "u", "label": "U", "type": "unit", "unit_kinds": ["ward", "ward"]},
                {"name": "n", "label": "N", "type": "integer", "min": 5, "max": 1},
                {"name": "r", "label": "R", "type": "text", "required": True, "readonly": 1},
                {"name": "n", "label": "N", "type": "boolean", "choices": []},
            ],
            "evidence": [{"form": "nowhere", "fields": ["x"]}, {"heading": "", "files": 1}],
        }
    ),
]


def _untranslated(problems) -> list[str]:
    return [
        p.message
        for p in problems
        if not p.params and messages.translate(p.message, "vi") == p.message
    ]


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_problem_has_its_vietnamese(script):
    problems = Sandbox({"double": lambda x: 2 * x}).check(script, "exec")
    assert problems, script
    assert _untranslated(problems) == []


@pytest.mark.parametrize("text", FORMS)
def test_every_form_problem_has_its_vietnamese(text):
    result = checked(decide=text)
    assert not result.ok
    assert _untranslated(result.problems) == []


def test_every_diagram_problem_has_its_vietnamese():
    broken = (
        with_loose_task()
        .replace('ketnap:form="decide"', "")
        .replace('ketnap:due="', 'ketnap:due="abc')
        .replace('ketnap:resolver="board"', 'ketnap:resolver="nobody"')
    )
    found = [*checked(broken).problems]
    for name in ("malformed.bpmn", "entity.bpmn", "xxe.bpmn"):
        found += definitions.check({name: (DATA / "bad" / name).read_bytes()}).problems
    assert len(found) > 6
    assert _untranslated(found) == []


def test_the_varying_parts_are_kept_and_translated_in_turn():
    text = messages.translate("ketnap:due: duration 'P99Y': more than 1200 months", "vi")
    assert text == "Thời hạn (ketnap:due): Thời hạn 'P99Y': quá 1200 tháng."
    assert messages.translate("unknown function 'foo'", "en") == "unknown function 'foo'"
    assert messages.translate("a text nobody wrote down", "vi") == "a text nobody wrote down"


def test_each_translation_uses_only_the_parts_of_its_template():
    with open(messages.CATALOGUES / "vi" / "LC_MESSAGES" / "engine.po", "rb") as file:
        catalogue = read_po(file)
    for message in catalogue:
        if message.id:
            params = set(re.findall(r"%\((\w+)\)s", message.id))
            assert set(re.findall(r"%\((\w+)\)s", message.string)) <= params, message.id
