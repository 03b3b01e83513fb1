"""A form's evidence groups (engine/forms/evidence.py): their shape is checked with the
form file, and what they name (a form, its fields, a registered fact) with the
definition, each problem on the form that holds the group."""

from __future__ import annotations

import json

import pytest

from engine import definitions

from .helpers import make_registry, review_files

DECIDE = {
    "title": "Quyết định",
    "fields": [{"name": "decision", "label": "Quyết định", "type": "string"}],
}


def checked(evidence, facts=("score_share",)):
    registry = make_registry()
    for fact in facts:
        registry.evidence_fact(fact)(lambda session, data: [])
    files = review_files()
    files["forms/decide.json"] = json.dumps({**DECIDE, "evidence": evidence}).encode()
    return definitions.check(files, registry)


def test_a_sound_panel_passes_and_stays_in_the_form():
    evidence = [
        {"form": "submit", "fields": ["score", "submitted_on"], "facts": ["score_share"]},
        {"heading": "Tệp", "files": True},
    ]
    result = checked(evidence)
    assert result.ok, result.problems
    assert result.forms["decide"]["evidence"] == evidence


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({"form": "submit"}, "must be a list of groups"),
        ([{"form": "submit"}], "a group shows fields, facts or files"),
        ([{"fields": ["score"], "heading": "x"}], "fields need the form they come from"),
        ([{"facts": ["score_share"]}], "a group needs a heading or a form"),
        ([{"form": "submit", "fields": ["score", "score"]}], "non-empty list of distinct names"),
        ([{"form": "submit", "fields": ["score"], "colour": "red"}], "unknown key"),
        ([{"heading": "x", "files": 1}], "must be true"),
    ],
)
def test_a_misshapen_group_is_a_problem_of_its_form(evidence, message):
    result = checked(evidence)
    assert any(p.file == "forms/decide.json" and message in str(p) for p in result.problems), (
        result.problems
    )


def test_a_group_naming_what_is_not_there_is_a_problem():
    result = checked(
        [
            {"form": "nowhere", "fields": ["x"]},
            {"form": "submit", "fields": ["score", "grade"], "facts": ["luck"]},
        ]
    )
    found = {(p.file, p.element, p.message) for p in result.problems}
    assert found == {
        ("forms/decide.json", "evidence[0].form", "no form nowhere"),
        ("forms/decide.json", "evidence[1].fields", "submit has no field grade"),
        ("forms/decide.json", "evidence[1].facts", "no fact luck is registered"),
    }
