"""What checking a definition costs: linear in what it holds, with limits on that counted
before anything expensive, and an answer of bounded size however many problems."""

from __future__ import annotations

import json
import time

from engine import definitions
from engine.definitions import bpmn_xml
from engine.sandbox import Sandbox
from tests.support import big_diagrams

from .helpers import make_registry

HEAD, START, TAIL = big_diagrams.HEAD, big_diagrams.START, big_diagrams.TAIL


def timed_check(content: bytes):
    """The check of one file, and the processor time it took: on a machine shared with
    other test workers, wall-clock time measures the machine more than the check."""
    registry = make_registry()
    started = time.process_time()
    checked = definitions.check({"big.bpmn": content}, registry)
    return checked, time.process_time() - started


def answer_bytes(checked) -> int:
    return len(json.dumps([p.as_dict() for p in checked.problems]))


# The bound the issue names: a 1.2 MB upload was checked in 35 s with a 22 MB answer.


def test_a_large_valid_diagram_is_checked_in_under_two_seconds():
    content = big_diagrams.wide()
    assert len(content) >= 1_200_000 - 100
    checked, seconds = timed_check(content)
    assert checked.ok, checked.problems[:3]
    assert seconds < 2


def test_a_large_diagram_full_of_problems_gets_a_short_answer_in_under_two_seconds():
    content = big_diagrams.faulty()
    checked, seconds = timed_check(content)
    assert seconds < 2
    assert checked.found > 13_000
    assert len(checked.problems) == definitions.MAX_PROBLEMS + 1
    more = checked.problems[-1]
    assert more.as_dict()["message"] == f"… và {checked.found - 200} lỗi khác"
    assert answer_bytes(checked) < 64 * 1024


def test_every_problem_of_a_script_is_counted_once():
    problems = Sandbox().check("_\n" * 5_000 + "import os\n_", "exec")
    assert len(problems) == 5_002
    assert len({(p.line, p.message) for p in problems}) == 5_002
    assert Sandbox().check("_ + _ + _", "eval") == Sandbox().check("_", "eval")


def test_a_few_problems_are_all_listed():
    content = HEAD + START + '<bpmn:sequenceFlow id="f" sourceRef="x" targetRef="y"/>' + TAIL
    checked, _ = timed_check(content.encode())
    # Both ends of the flow point nowhere, and so nothing leaves the start event.
    assert checked.found == len(checked.problems) == 3  # no "more" line


# -- limits counted before the expensive passes ----------------------------------------


def tasks(n: int) -> str:
    return "".join(f'<bpmn:task id="t{i}"/>' for i in range(n))


def test_too_many_elements_are_refused_before_anything_is_parsed():
    content = (HEAD + START + tasks(bpmn_xml.MAX_ELEMENTS) + TAIL).encode()
    checked, _ = timed_check(content)
    [problem] = checked.problems
    assert "too many XML elements (more than 20,000)" in problem.message
    root, [problem] = bpmn_xml.parse_secure("big.bpmn", content)
    assert root is None and "too many XML elements" in problem.message


def test_the_element_limit_holds_for_all_files_together():
    files = {
        f"part{k}.bpmn": (HEAD.replace('id="big"', f'id="big{k}"') + tasks(7_000) + TAIL).encode()
        for k in range(3)
    }
    [problem] = definitions.check(files, make_registry()).problems
    assert "the diagrams hold too many XML elements" in problem.message


def test_a_less_than_in_a_script_is_not_taken_for_an_element():
    comment = "# " + "<" * (bpmn_xml.MAX_ELEMENTS + 10)
    script = f"<bpmn:scriptTask id='s'><bpmn:script><![CDATA[{comment}\nx = 1]]></bpmn:script>"
    content = (HEAD + START + script + "</bpmn:scriptTask>" + TAIL).encode()
    assert bpmn_xml.element_count(content) == 5
    assert "too many XML elements" not in str(timed_check(content)[0].problems)


def test_too_many_process_elements_or_too_much_code_is_one_problem():
    many = (HEAD + START + tasks(definitions.MAX_PROCESS_ELEMENTS) + TAIL).encode()
    [problem] = timed_check(many)[0].problems
    assert "the processes hold too many elements (2,001, at most 2,000)" in problem.message
    script = "x = 1\n" * (definitions.MAX_CODE // 6 + 1)
    code = f"<bpmn:scriptTask id='s'><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>"
    [problem] = timed_check((HEAD + START + code + TAIL).encode())[0].problems
    assert "the expressions and scripts are too long (20,003 characters" in problem.message


def test_schema_problems_of_a_large_file_come_from_one_streaming_pass():
    def bad(n: int) -> bytes:
        return (HEAD + START + "".join(f'<bpmn:task id="{i}"/>' for i in range(n)) + TAIL).encode()

    small = bpmn_xml.schema_problems("f", bpmn_xml.parse_secure("f", bad(10))[0], bad(10))
    assert len(small) == 10 and all(p.line for p in small)
    large = bad(bpmn_xml.SCHEMA_LINES_ELEMENTS + 10)
    found = bpmn_xml.schema_problems("f", bpmn_xml.parse_secure("f", large)[0], large)
    assert len(found) == bpmn_xml.MAX_SCHEMA_PROBLEMS
    assert "is not a valid value of the atomic type 'xs:ID'" in found[0].message


def test_a_problem_names_at_most_twenty_main_processes():
    processes = "".join(
        f'<bpmn:process id="p{i}" isExecutable="true"><bpmn:startEvent id="s{i}"/>'
        f'<bpmn:endEvent id="e{i}"/>'
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="s{i}" targetRef="e{i}"/>'
        "</bpmn:process>"
        for i in range(300)
    )
    content = (HEAD.split("<bpmn:process")[0] + processes + "</bpmn:definitions>").encode()
    [problem] = timed_check(content)[0].problems
    assert problem.message.endswith(", … (300 in all)): name the one to deploy")
    assert len(problem.message) < 300


def test_tasks_deep_inside_sub_processes_sit_in_the_lane_of_the_outer_one():
    depth = 200  # libxml2 allows 256 levels
    lanes = (
        '<bpmn:laneSet id="ls"><bpmn:lane id="clerks" name="Văn thư">'
        "<bpmn:flowNodeRef>sp0</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    )
    opened = "".join(f'<bpmn:subProcess id="sp{i}">' for i in range(depth))
    inner = "".join(f'<bpmn:task id="t{i}"/>' for i in range(500))
    content = HEAD + lanes + START + opened + inner + "</bpmn:subProcess>" * depth + TAIL
    root, _ = bpmn_xml.parse_secure("deep.bpmn", content.encode())
    [info] = bpmn_xml.read_processes("deep.bpmn", root)
    assert len(info.nodes) == 1 + depth + 500
    assert {info.nodes[f"t{i}"]["lane"] for i in range(500)} == {"clerks"}
    assert info.nodes["start"]["lane"] is None
