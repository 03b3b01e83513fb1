"""BPMN 2.0 files from other tools (tests/engine/data/thirdparty) and very large generated
ones: each either deploys or is refused with a clear list of problems, never a crash."""

from __future__ import annotations

import time

import pytest

from engine import definitions
from engine.cases import unit_of_work
from engine.errors import DefinitionError
from tests.support.thirdparty import EXPECTED, FILES, THIRDPARTY, wide_process

from .helpers import make_registry


def test_every_file_has_an_expectation():
    assert len(FILES) >= 12 and set(FILES) == set(EXPECTED)


@pytest.mark.parametrize("name", FILES)
def test_third_party_file_is_checked_without_crashing(name):
    result = definitions.check({name: (THIRDPARTY / name).read_bytes()}, make_registry())
    expected = EXPECTED[name]
    if expected == "deploys":
        assert result.ok, [str(p) for p in result.problems]
        return
    text = "\n".join(str(p) for p in result.problems)
    for words in expected:
        assert words in text, text
    for problem in result.problems:
        assert problem.file in (name, "") and problem.message
        if problem.element:
            assert problem.line or problem.message


@pytest.mark.parametrize("name", FILES)
def test_third_party_file_deploys_or_raises_its_problems(factory, name):
    with unit_of_work(factory) as session:
        try:
            version, created = definitions.deploy(
                session,
                {name: (THIRDPARTY / name).read_bytes()},
                "designer",
                registry=make_registry(),
            )
        except DefinitionError as err:
            assert EXPECTED[name] != "deploys" and err.problems
        else:
            assert EXPECTED[name] == "deploys" and created and version.version == 1


def long_chain(length: int) -> bytes:
    steps = "".join(
        f'<bpmn:task id="t{i}"/><bpmn:sequenceFlow id="f{i}" '
        f'sourceRef="{"start" if i == 0 else f"t{i - 1}"}" targetRef="t{i}"/>'
        for i in range(length)
    )
    return (
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="d" targetNamespace="urn:test:long"><bpmn:process id="long" '
        'isExecutable="true"><bpmn:startEvent id="start"/>'
        + steps
        + f'<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f_end" sourceRef="t{length - 1}"'
        ' targetRef="end"/></bpmn:process></bpmn:definitions>'
    ).encode("utf-8")


def test_a_file_of_several_thousand_elements_deploys(factory):
    content = wide_process(branches=75, length=12)  # 900 tasks, 977 flows, their DI
    started = time.monotonic()
    with unit_of_work(factory) as session:
        version, created = definitions.deploy(
            session, {"wide.bpmn": content}, "designer", registry=make_registry()
        )
    assert created and len(version.elements["wide"]["nodes"]) > 1800
    assert time.monotonic() - started < 60


def test_a_file_of_more_process_elements_than_the_limit_is_refused_by_size():
    content = wide_process(branches=150, length=12)  # 3,754 elements in the process
    [problem] = definitions.check({"wide.bpmn": content}, make_registry()).problems
    assert "the processes hold too many elements (3,75" in problem.message


def test_a_chain_of_thousands_of_steps_is_refused_with_a_reason():
    result = definitions.check({"long.bpmn": long_chain(900)}, make_registry())
    assert not result.ok
    assert any("too long" in p.message for p in result.problems)
    result = definitions.check({"long.bpmn": long_chain(3000)}, make_registry())
    assert any("too many elements" in p.message for p in result.problems)


def test_a_file_over_the_size_limit_is_refused_by_name():
    content = wide_process(branches=400, length=40)
    assert len(content) > 5 * 1024 * 1024
    [problem] = definitions.check({"huge.bpmn": content}, make_registry()).problems
    assert problem.file == "huge.bpmn" and "too large" in problem.message
