"""BPMN constructs the engine does not run correctly, refused when a diagram is checked,
and other engines' attributes, listed as warnings.

Each refusal was found by running a diagram of the construct end to end
(tests/engine/data/constructs): SpiffWorkflow 3.2 parses many elements it does not
execute as BPMN says (link events close the case without the step behind the link,
event sub-processes never interrupt or never finish, a conditional event never waits, a
service task waits for ever). A designer must be able to trust a clean check, so these
are refused with the element named and the reason, in Vietnamese then English
(``say``). docs/bpmn-conventions.md has the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

from engine.definitions.bpmn_xml import BPMN_NS, KETNAP_NS, SPIFF_NS, local
from engine.errors import Problem

# SpiffArena's extensions the engine runs (engine.definitions.spiff_scripts) or keeps.
SPIFF_SUPPORTED = frozenset({"preScript", "postScript", "instructionsForEndUser"})
# Namespaces of other engines, by the prefix a designer knows them by.
FOREIGN_NAMESPACES = {
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    "http://camunda.org/schema/zeebe/1.0": "zeebe",
    "http://activiti.org/bpmn": "activiti",
    "http://flowable.org/bpmn": "flowable",
    SPIFF_NS: "spiffworkflow",
}


def say(vietnamese: str, english: str) -> str:
    """One message in both languages: Vietnamese first, then English after " / "."""
    return f"{vietnamese} / {english}"


def _def(node: etree._Element, kind: str) -> etree._Element | None:
    return node.find(f"{{{BPMN_NS}}}{kind}EventDefinition")


def _timer_part(node: etree._Element, part: str) -> etree._Element | None:
    timer = _def(node, "timer")
    return timer.find(f"{{{BPMN_NS}}}{part}") if timer is not None else None


def _in_main(node: etree._Element) -> bool:
    """Whether ``node`` sits directly in a process (not in a sub-process)."""
    parent = node.getparent()
    return parent is not None and local(parent.tag) == "process"


# (test, Vietnamese, English): the first test that holds refuses the element.
Rule = tuple[Callable[[etree._Element], bool], str, str]

_RULES: dict[str, list[Rule]] = {
    "serviceTask": [
        (
            lambda n: not (n.get(f"{{{KETNAP_NS}}}connector") or "").strip(),
            "tác vụ dịch vụ (service task) chưa gắn với gì chạy được, hồ sơ sẽ chờ mãi: "
            'gắn nó với một connector đã đăng ký (ketnap:connector="tên")',
            "a service task is bound to nothing that runs, so the case would wait for "
            'ever: bind it to a registered connector (ketnap:connector="name")',
        )
    ],
    "businessRuleTask": [
        (
            lambda n: not (n.get(f"{{{KETNAP_NS}}}decision") or "").strip(),
            "tác vụ quy tắc (business rule task) phải nêu bảng quyết định DMN nó chạy "
            '(ketnap:decision="mã quyết định", tệp .dmn triển khai cùng sơ đồ)',
            "a business rule task must name the DMN decision it runs "
            '(ketnap:decision="decision id", in a .dmn file deployed with the diagram)',
        )
    ],
    "complexGateway": [
        (
            lambda n: True,
            "cổng phức hợp (complex gateway) không được hỗ trợ: dùng cổng bao hàm "
            "(inclusive) hoặc song song",
            "complex gateways are not supported: use an inclusive or a parallel gateway",
        )
    ],
    "transaction": [
        (
            lambda n: True,
            "giao dịch (transaction) không được hỗ trợ (không có hủy và bù trừ): "
            "dùng quy trình con thường",
            "transactions are not supported (no cancel or compensation): use a plain sub-process",
        )
    ],
    "adHocSubProcess": [
        (
            lambda n: True,
            "quy trình con tùy biến (ad-hoc sub-process) không được hỗ trợ",
            "ad-hoc sub-processes are not supported",
        )
    ],
    "subProcess": [
        (
            lambda n: n.get("triggeredByEvent") == "true",
            "quy trình con sự kiện (event sub-process) không chạy đúng trong engine này "
            "(không ngắt luồng chính, hoặc không kết thúc): dùng sự kiện biên (boundary "
            "event) gắn vào tác vụ hoặc quy trình con",
            "event sub-processes do not run correctly here (they do not interrupt the "
            "main flow, or never finish): use a boundary event on a task or sub-process",
        )
    ],
    "dataStoreReference": [
        (
            lambda n: True,
            "kho dữ liệu (data store) không được hỗ trợ: dùng đối tượng dữ liệu (data "
            "object) hoặc dữ liệu của hồ sơ",
            "data stores are not supported: use a data object or the case's data",
        )
    ],
    "eventBasedGateway": [
        (
            lambda n: n.get("eventGatewayType") == "Parallel" or n.get("instantiate") == "true",
            "cổng sự kiện song song hoặc cổng khởi tạo (instantiate) không được hỗ trợ",
            "parallel or instantiating event-based gateways are not supported",
        ),
        (
            lambda n: len(_gateway_timers(n)) > 1,
            "cổng sự kiện chỉ được chờ tối đa một bộ hẹn giờ",
            "an event-based gateway may wait for at most one timer",
        ),
    ],
    "startEvent": [
        (
            lambda n: _in_main(n) and (_def(n, "signal") is not None),
            "sự kiện bắt đầu bằng tín hiệu chưa được hỗ trợ",
            "signal start events are not supported yet",
        ),
        (
            lambda n: not _in_main(n) and _def(n, "timer") is not None,
            "chỉ sự kiện bắt đầu của một quy trình mới được hẹn giờ",
            "only the start event of a process may be a timer",
        ),
        (
            lambda n: (
                _def(n, "timer") is not None
                and len(n.getparent().findall(f"{{{BPMN_NS}}}startEvent")) > 1
            ),
            "quy trình có sự kiện bắt đầu hẹn giờ thì chỉ được có một sự kiện bắt đầu",
            "a process with a timer start event must have no other start event",
        ),
        (
            lambda n: _in_main(n) and _timer_part(n, "timeDuration") is not None,
            "sự kiện bắt đầu hẹn giờ phải dùng ngày giờ (timeDate) hoặc chu kỳ "
            '(timeCycle, như "R3/PT1H"), không dùng khoảng thời gian',
            "a timer start event takes a date (timeDate) or a cycle (timeCycle, such as "
            '"R3/PT1H"), not a duration',
        ),
    ],
    "intermediateCatchEvent": [
        (
            lambda n: _timer_part(n, "timeCycle") is not None,
            "bộ hẹn giờ trung gian không được lặp theo chu kỳ (nó nhân bản luồng): dùng "
            "timeDuration/timeDate, hoặc sự kiện biên hẹn giờ không ngắt có chu kỳ",
            "an intermediate timer cannot repeat on a cycle (it multiplies the flow): "
            "use timeDuration/timeDate, or a non-interrupting boundary timer with a cycle",
        ),
    ],
    "boundaryEvent": [
        (
            lambda n: (
                _timer_part(n, "timeCycle") is not None
                and n.get("cancelActivity", "true") != "false"
            ),
            'sự kiện biên hẹn giờ có chu kỳ phải là loại không ngắt (cancelActivity="false")',
            'a boundary timer with a cycle must be non-interrupting (cancelActivity="false")',
        ),
    ],
}

# Event definitions refused wherever they appear.
_EVENT_RULES: dict[str, tuple[str, str]] = {
    "compensateEventDefinition": (
        "sự kiện bù trừ (compensation) không được hỗ trợ",
        "compensation events are not supported",
    ),
    "conditionalEventDefinition": (
        "sự kiện điều kiện (conditional event) không bao giờ được kích hoạt trong engine "
        "này: dùng cổng rẽ nhánh có điều kiện",
        "conditional events never fire here: use an exclusive gateway with a condition",
    ),
    "linkEventDefinition": (
        "sự kiện liên kết (link event) làm hồ sơ kết thúc mà không chạy bước sau liên "
        "kết: nối trực tiếp bằng luồng tuần tự",
        "link events close the case without running the step behind the link: draw a "
        "sequence flow instead",
    ),
    "cancelEventDefinition": (
        "sự kiện hủy (cancel) chỉ dùng với giao dịch, không được hỗ trợ",
        "cancel events belong to transactions, which are not supported",
    ),
}


def _gateway_timers(gateway: etree._Element) -> list[etree._Element]:
    """The timer events an event-based gateway leads to."""
    process = gateway.getparent()
    targets = {
        flow.get("targetRef")
        for flow in process.iterfind(f"{{{BPMN_NS}}}sequenceFlow")
        if flow.get("sourceRef") == gateway.get("id")
    }
    return [
        node
        for node in process.iterfind(f"{{{BPMN_NS}}}intermediateCatchEvent")
        if node.get("id") in targets and _def(node, "timer") is not None
    ]


def _named(node: etree._Element) -> str:
    """How a message names an element: "its name" (its id), or its id alone."""
    name = (node.get("name") or "").strip()
    element = node.get("id") or local(node.tag)
    return f'"{name}" ({element})' if name else element


def _problem(file: str, node: etree._Element, vietnamese: str, english: str) -> Problem:
    text = say(f"{_named(node)}: {vietnamese}", f"{_named(node)}: {english}")
    return Problem(file, text, node.get("id"), node.sourceline)


def _flow_elements(root: etree._Element) -> Iterator[etree._Element]:
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        for node in process.iter():
            if isinstance(node.tag, str) and node.tag.startswith(f"{{{BPMN_NS}}}"):
                yield node


def refusals(file: str, root: etree._Element) -> list[Problem]:
    """Every element of ``root``'s processes the engine would not run correctly."""
    problems = []
    for node in _flow_elements(root):
        tag = local(node.tag)
        if node.get("isForCompensation") == "true":
            problems.append(_problem(file, node, *_EVENT_RULES["compensateEventDefinition"]))
            continue
        for test, vietnamese, english in _RULES.get(tag, ()):
            if test(node):
                problems.append(_problem(file, node, vietnamese, english))
                break
        if len([c for c in node if local(c.tag).endswith("EventDefinition")]) > 1:
            problems.append(
                _problem(
                    file,
                    node,
                    "sự kiện có nhiều kích hoạt (multiple) không được hỗ trợ: tách thành "
                    "nhiều sự kiện sau một cổng sự kiện",
                    "an event with several triggers (multiple) is not supported: draw one "
                    "event per trigger behind an event-based gateway",
                )
            )
            continue
        for child in node:
            refused = _EVENT_RULES.get(local(child.tag))
            if refused and child.tag.startswith(f"{{{BPMN_NS}}}"):
                problems.append(_problem(file, node, *refused))
    return problems


# Expressions written for Camunda's JUEL, or ISO 8601 text left without quotes.
_JUEL = re.compile(r"^\s*[$#]\{.*\}\s*$", re.DOTALL)
_BARE_ISO = re.compile(
    r"^\s*(R\d*/)?(P(?=\d|T\d)[\dYMWD.]*(T[\dHMS.]+)?|\d{4}-\d\d-\d\d(T[\d:.]+)?"
    r"(Z|[+-]\d\d:?\d\d)?)(/\S*)?\s*$"
)


def foreign_expression(source: str, mode: str) -> tuple[str, str] | None:
    """(Vietnamese, English) when ``source`` is written for another engine, else None."""
    if _JUEL.match(source):
        return (
            f"biểu thức viết theo kiểu Camunda ({source.strip()[:40]}): ở đây biểu thức là "
            f"Python, viết {source.strip()[2:-1].strip()[:40]} không có ${{…}}",
            f"an expression in Camunda's style ({source.strip()[:40]}): expressions here "
            f"are Python; write {source.strip()[2:-1].strip()[:40]} without ${{…}}",
        )
    if mode == "eval" and _BARE_ISO.match(source):
        return (
            f"biểu thức (như của bộ hẹn giờ) là Python: viết chuỗi trong ngoặc kép, "
            f'"{source.strip()}", không viết {source.strip()}',
            f"expressions (a timer's too) are Python: write the text in quotes, "
            f'"{source.strip()}", not {source.strip()}',
        )
    return None


def foreign_attributes(file: str, root: etree._Element) -> list[Problem]:
    """Attributes and extension elements of other engines that this one ignores: one
    warning per element, naming them."""
    warnings = []
    for node in _flow_elements(root):
        if local(node.tag) == "extensionElements":
            continue
        found = [_prefixed(name) for name in node.attrib if _foreign(name)]
        extensions = node.find(f"{{{BPMN_NS}}}extensionElements")
        if extensions is not None:
            found += [_prefixed(child.tag) for child in extensions.iter() if _foreign(child.tag)]
        if found:
            names = ", ".join(sorted(set(found)))
            warnings.append(
                Problem(
                    file,
                    say(
                        f"{_named(node)}: bỏ qua {names} (của engine khác, không chạy ở đây)",
                        f"{_named(node)}: {names} ignored (another engine's, not run here)",
                    ),
                    node.get("id"),
                    node.sourceline,
                )
            )
    return warnings


def _foreign(name) -> bool:
    if not isinstance(name, str) or not name.startswith("{"):
        return False
    namespace, _, tag = name[1:].partition("}")
    if namespace == SPIFF_NS and tag in SPIFF_SUPPORTED:
        return False
    return namespace in FOREIGN_NAMESPACES


def _prefixed(name: str) -> str:
    namespace, _, tag = name[1:].partition("}")
    return f"{FOREIGN_NAMESPACES[namespace]}:{tag}"


_DUMP = re.compile(r"\s*(b?['\"]?<[A-Za-z{][^\n]*)$")


def library_message(text: str) -> str:
    """SpiffWorkflow's words for an element it cannot read, without the XML or the
    Python objects it puts in them, in both languages."""
    cleaned = _DUMP.sub("", text).strip().rstrip(":(,") or text[:80]
    if len(cleaned) > 200:
        cleaned = cleaned[:200] + "…"
    return say(
        f"SpiffWorkflow không đọc được phần tử này ({cleaned})",
        f"SpiffWorkflow cannot read this element ({cleaned})",
    )
