"""Every value the diagrams' scripts set on a case has a label for the histories: a form
asks for it, or workflows/admission/derived.py names it, with each code a script
assigns among its choices."""

from __future__ import annotations

import json
import re
from pathlib import Path

from workflows.admission.derived import DERIVED

ROOT = Path(__file__).resolve().parents[2]

ASSIGNMENT = re.compile(r'^\s*([a-z_][a-z0-9_]*)\s*=\s*(?:"([^"\\]*)")?', re.M)


def _form_fields() -> set[str]:
    return {
        spec["name"]
        for path in (ROOT / "bpmn" / "forms").glob("*.json")
        for spec in json.loads(path.read_text(encoding="utf-8"))["fields"]
    }


def _assignments() -> dict[str, set[str]]:
    """{name: the string literals assigned to it} over every script of bpmn/."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "bpmn").glob("*.bpmn"):
        for script in re.findall(r"<bpmn:script>(.*?)</bpmn:script>", path.read_text(), re.S):
            for name, literal in ASSIGNMENT.findall(script):
                found.setdefault(name, set())
                if literal:
                    found[name].add(literal)
    return found


def test_every_scripted_value_has_a_label():
    assigned = _assignments()
    assert assigned, "no scripts found"
    unnamed = set(assigned) - _form_fields() - set(DERIVED)
    assert not unnamed, f"add these to workflows/admission/derived.py: {sorted(unnamed)}"


def test_every_scripted_code_is_a_choice():
    for name, literals in _assignments().items():
        spec = DERIVED.get(name)
        if spec is None or spec["type"] != "choice":
            continue
        choices = {choice["value"] for choice in spec["choices"]}
        assert literals <= choices, (name, literals - choices)


def test_the_list_fields_describe_their_rows():
    for spec in DERIVED.values():
        assert spec["label"]
        if spec["type"] == "list":
            assert spec["fields"], spec["name"]
