"""Large diagrams for the tests of what a check costs: the worst cases found within the
limits a definition must keep (engine/definitions: MAX_ELEMENTS, MAX_PROCESS_ELEMENTS,
MAX_CODE), padded to a given size with documentation, which costs next to nothing.

- ``wide``: valid; as many flows to end events as the limit on process elements allows,
  as many of them conditions of an exclusive gateway as the limit on code allows, so
  that SpiffWorkflow parses every node and the sandbox checks every condition (before
  the fixes: 2.8 s for 1.2 MB, mostly XPath lookups compiled anew on every call).
- ``faulty``: a problem on every line of a script as long as the code limit allows, and
  a sequence flow to nowhere for every element left (before: the script's problems were
  de-duplicated by list membership, quadratic; and every problem was answered, 22 MB).
"""

from __future__ import annotations

from engine import definitions

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:ketnap="urn:ketnap:bpmn:1" id="defs" targetNamespace="urn:ketnap:test">\n'
    '<bpmn:process id="big" name="Lớn" isExecutable="true">\n'
)
START = '<bpmn:startEvent id="start"/>\n'
TAIL = "</bpmn:process>\n</bpmn:definitions>\n"
FLOWS = (definitions.MAX_PROCESS_ELEMENTS - 10) // 2  # each an end event and its flow


def _padded(body: list[str], size: int) -> bytes:
    """The process's documentation (it comes first), padding the file to about ``size``
    bytes, then its start event and ``body``."""
    used = len((HEAD + START + "".join(body) + TAIL).encode()) + 50
    words = "Hướng dẫn thực hiện bước này theo quy định. "
    filler = words * max(0, (size - used) // len(words.encode()))
    documentation = f"<bpmn:documentation>{filler}</bpmn:documentation>\n"
    return (HEAD + documentation + START + "".join(body) + TAIL).encode()


def wide(size: int = 1_200_000) -> bytes:
    conditions = definitions.MAX_CODE // len("rank < 1000") - 10
    body = [
        '<bpmn:parallelGateway id="fan"/>\n',
        '<bpmn:sequenceFlow id="in" sourceRef="start" targetRef="fan"/>\n',
        '<bpmn:exclusiveGateway id="choose"/>\n',
        '<bpmn:sequenceFlow id="ask" sourceRef="fan" targetRef="choose"/>\n',
    ]
    for i in range(FLOWS):
        condition = (
            f"<bpmn:conditionExpression>rank &lt; {i}</bpmn:conditionExpression>"
            if i < conditions
            else ""
        )
        body.append(
            f'<bpmn:endEvent id="end{i}"/><bpmn:sequenceFlow id="to{i}" '
            f'sourceRef="{"choose" if condition else "fan"}" targetRef="end{i}">{condition}'
            "</bpmn:sequenceFlow>\n"
        )
    return _padded(body, size)


def faulty(size: int = 1_200_000) -> bytes:
    script = "_\n" * (definitions.MAX_CODE // 2 - 10)  # one refused name per line
    body = [f'<bpmn:scriptTask id="script"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>\n']
    for i in range(definitions.MAX_PROCESS_ELEMENTS - 10):
        body.append(f'<bpmn:sequenceFlow id="lost{i}" sourceRef="from{i}" targetRef="to{i}"/>\n')
    return _padded(body, size)
