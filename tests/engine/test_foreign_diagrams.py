"""Diagrams drawn for Camunda or SpiffArena: their expressions get a message that says
expressions are Python, their engines' attributes are listed as warnings (the check
still passes), and an event-based gateway's timer is in the timer index."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from engine import cases, cli, clock, definitions
from engine.cases import unit_of_work
from engine.models import Case

from .helpers import ALICE, make_registry
from .test_constructs import files_of

HEAD = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="d" targetNamespace="urn:t"><bpmn:process id="p" isExecutable="true">'
)
TAIL = "</bpmn:process></bpmn:definitions>"


def _diagram(middle: str) -> dict[str, bytes]:
    body = (
        '<bpmn:startEvent id="start"/>' + middle + '<bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="x"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="x" targetRef="end"/>'
    )
    return {"p.bpmn": (HEAD + body + TAIL).encode()}


def _timer(kind: str, text: str) -> dict[str, bytes]:
    return _diagram(
        f'<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:{kind}>{text}'
        f"</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


@pytest.mark.parametrize(
    ("kind", "text"),
    [("timeDuration", "PT5M"), ("timeCycle", "R3/PT1H"), ("timeDate", "2030-01-01T08:00:00Z")],
)
def test_an_unquoted_iso_timer_is_told_to_be_quoted(kind, text):
    result = definitions.check(_timer(kind, text), make_registry())
    # (an intermediate cycle is refused as well, for itself)
    (problem,) = [p for p in result.problems if "Python" in p.message]
    assert problem.element == "x" and f'"{text}"' in problem.message
    assert "Python" in problem.message and "là Python" in problem.message


@pytest.mark.parametrize("juel", ["${amount &gt; 100}", "#{approved}"])
def test_a_camunda_expression_is_told_expressions_are_python(juel):
    files = _diagram(
        '<bpmn:scriptTask id="x"><bpmn:script>amount = 1</bpmn:script></bpmn:scriptTask>'
        '<bpmn:exclusiveGateway id="gw" default="f3"/>'
        f'<bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="end"><bpmn:conditionExpression>'
        f"{juel}</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"/>'
    )
    problems = definitions.check(files, make_registry()).problems
    named = [p for p in problems if p.element == "f2"]
    assert named and "expressions here are Python" in named[0].message
    assert "syntax error" not in " ".join(p.message for p in problems)


ATTRIBUTES = (
    '<bpmn:scriptTask id="x" name="Tính" camunda:asyncBefore="true">'
    "<bpmn:extensionElements><spiffworkflow:properties/>"
    "<spiffworkflow:preScript>a = 1</spiffworkflow:preScript></bpmn:extensionElements>"
    "<bpmn:script>b = a + 1</bpmn:script></bpmn:scriptTask>"
)


def test_other_engines_attributes_are_warnings_and_the_check_passes():
    result = definitions.check(_diagram(ATTRIBUTES), make_registry())
    assert result.ok, [str(p) for p in result.problems]
    (warning,) = result.warnings
    assert warning.element == "x" and '"Tính" (x)' in warning.message
    assert "camunda:asyncBefore" in warning.message
    assert "spiffworkflow:properties" in warning.message
    assert "preScript" not in warning.message  # that one runs


def test_the_cli_prints_the_warnings_and_succeeds(tmp_path):
    (tmp_path / "p.bpmn").write_bytes(_diagram(ATTRIBUTES)["p.bpmn"])
    result = CliRunner().invoke(cli.cli, ["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "camunda:asyncBefore" in result.output


def test_an_event_based_gateways_timer_is_in_the_timer_index(factory):
    reg = make_registry()
    with unit_of_work(factory) as s:
        definitions.deploy(s, files_of("event_gateway_timer"), "designer", registry=reg)
        before = clock.now()
        case = cases.start_case(s, "event_gateway_timer", {"steps": 0}, ALICE, registry=reg)
        # What the timer worker reads (it used to be empty: the gateway holds the timer).
        assert case.next_due_at is not None
        assert timedelta(minutes=59) < case.next_due_at - before <= timedelta(hours=1, minutes=1)
        case_id = case.id
    with unit_of_work(factory) as s:
        assert s.get_one(Case, case_id).status == "waiting"


def test_a_spiffarena_pre_script_is_checked_in_the_sandbox_like_any_script():
    pre_script = ATTRIBUTES.replace(">a = 1</spiffworkflow", ">import os</spiffworkflow")
    files = _diagram(pre_script)
    (problem,) = definitions.check(files, make_registry()).problems
    assert problem.element == "x" and "import is not allowed" in problem.message
