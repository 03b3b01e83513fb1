"""Business rule tasks run DMN decision tables deployed with the diagram
(``ketnap:decision``, engine/definitions/parsing.py): the table's output chooses the
path; its expressions run in the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import cases, definitions
from engine.cases import unit_of_work
from engine.definitions import specs
from engine.errors import ProcessError
from engine.models import Case, DefinitionVersion

from .helpers import ALICE, make_registry

EVENTS = Path(__file__).parent / "data" / "events"


def _files(table: bytes | None = None) -> dict[str, bytes]:
    return {
        "decide.bpmn": (EVENTS / "decide.bpmn").read_bytes(),
        "route.dmn": table or (EVENTS / "route.dmn").read_bytes(),
    }


@pytest.mark.parametrize(("score", "route"), [(9, "fast"), (8, "fast"), (3, "slow")])
def test_the_table_chooses_the_path(factory, score, route):
    reg = make_registry()
    with unit_of_work(factory) as s:
        version, _ = definitions.deploy(s, _files(), "designer", registry=reg)
        assert "route.dmn" in version.files
    with unit_of_work(factory) as s:
        case_id = cases.start_case(s, "decide", {"score": score}, ALICE, registry=reg).id
    with unit_of_work(factory) as s:
        case = s.get_one(Case, case_id)
        assert (case.status, case.data["route"], case.data["done"]) == ("closed", route, route)


def test_a_stored_version_is_loaded_again_with_its_table(factory):
    reg = make_registry()
    with unit_of_work(factory) as s:
        version, _ = definitions.deploy(s, _files(), "designer", registry=reg)
        stored = s.get_one(DefinitionVersion, version.id)
        assert specs._load(stored).spec.task_specs["t_rule"].dmnEngine is not None


def test_the_table_expressions_run_in_the_sandbox(factory):
    reg = make_registry()
    escape = b"<text>__import__('os')</text>"
    table = (EVENTS / "route.dmn").read_bytes().replace(b"<text>score</text>", escape)
    with unit_of_work(factory) as s:
        definitions.deploy(s, _files(table), "designer", registry=reg)
    with unit_of_work(factory) as s, pytest.raises(ProcessError, match="__import__"):
        cases.start_case(s, "decide", {"score": 1}, ALICE, registry=reg)


def test_the_check_refuses_a_rule_task_without_its_table():
    reg = make_registry()
    unnamed = {"decide.bpmn": _files()["decide.bpmn"].replace(b' ketnap:decision="route"', b"")}
    result = definitions.check(unnamed, reg)
    assert [p.element for p in result.problems] == ["t_rule"]
    missing = definitions.check({"decide.bpmn": _files()["decide.bpmn"]}, reg)
    assert not missing.ok and "route" in str(missing.problems[0])
