"""The vocabulary names every code the start form offers and the diagrams set, by the
names the start form shows."""

from __future__ import annotations

import ast
import json

import pytest
from lxml import etree

from workflows.admission import intake
from workflows.admission.vocabulary import (
    CATEGORIES,
    EDUCATION_EXCEPTIONS,
    EDUCATION_LEVELS,
    GENDERS,
    OUTCOMES,
    RELIGIONS,
)

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _start_choices(name: str, form_name: str = "start") -> list[tuple[str, str]]:
    path = intake.BPMN_DIR / "forms" / f"{form_name}.json"
    form = json.loads(path.read_text(encoding="utf-8"))
    (field,) = (f for f in form["fields"] if f["name"] == name)
    return [(choice["value"], choice["label"]) for choice in field["choices"]]


def _outcomes_set_by_diagrams() -> set[str]:
    """Every constant the diagrams' scripts assign to ``outcome``."""
    found = set()
    for path in intake.BPMN_DIR.glob("*.bpmn"):
        for script in etree.parse(str(path)).iter(f"{BPMN}script"):
            for node in ast.walk(ast.parse(script.text or "")):
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Constant)
                    and any(isinstance(t, ast.Name) and t.id == "outcome" for t in node.targets)
                ):
                    found.add(node.value.value)
    return found


def test_start_form_offers_the_categories_by_their_names():
    assert _start_choices("category") == list(CATEGORIES.items())


def test_start_form_offers_the_genders_by_their_names():
    assert _start_choices("gender") == list(GENDERS.items())


@pytest.mark.parametrize("form_name", ["start", "application"])
@pytest.mark.parametrize(
    "field, names",
    [
        ("education_level", EDUCATION_LEVELS),
        ("education_exception", EDUCATION_EXCEPTIONS),
        ("religion", RELIGIONS),
    ],
)
def test_candidate_data_is_offered_by_the_vocabulary_names(form_name, field, names):
    assert _start_choices(field, form_name) == list(names.items())


def test_every_outcome_the_diagrams_set_has_a_name():
    set_by_diagrams = _outcomes_set_by_diagrams()
    # The four outcomes of procedure.md that the diagrams decide: the search sees them.
    assert {"admitted", "not_admitted", "recognised", "removed"} <= set_by_diagrams
    assert set_by_diagrams - OUTCOMES.keys() == set()
