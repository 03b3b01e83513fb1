"""SpiffWorkflow's BPMN parser, with its XPath lookups compiled once.

The library's node parsers look up their children with ``node.xpath(path)``, about a
dozen times per element; lxml compiles the path anew on every call, which was most of
the parse (and of a check's time, for a large diagram). The same parser classes are
used here with each path compiled once per thread, by a mixin in front of each.
"""

from __future__ import annotations

import threading

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.parser.ProcessParser import AdHocParser, ProcessParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.camunda.specs.business_rule_task import BusinessRuleTask
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser

from engine.definitions.bpmn_xml import KETNAP_NS

# A business rule task names the decision (DMN table) it runs by its id.
DECISION = f"{{{KETNAP_NS}}}decision"

_KEPT = 512  # compiled paths per thread; most are fixed strings, a few name an id
_LOCAL = threading.local()


def _compiled(path: str, namespaces: dict) -> etree.XPath:
    found: dict | None = getattr(_LOCAL, "paths", None)
    if found is None or len(found) > _KEPT:
        found = _LOCAL.paths = {}
    key = (path, tuple(sorted(namespaces.items())))
    xpath = found.get(key)
    if xpath is None:
        xpath = found[key] = etree.XPath(path, namespaces=namespaces)
    return xpath


class _CompiledPaths:
    """In front of a SpiffWorkflow node parser: the same lookups, compiled once."""

    def _xpath(self, node, xpath):
        return _compiled(xpath, self.nsmap)(node)


def _with_compiled_paths(cls: type) -> type:
    return type(cls.__name__, (_CompiledPaths, cls), {"__module__": __name__})


class DecisionTaskParser(TaskParser):
    """``<bpmn:businessRuleTask ketnap:decision="id">``: the DMN decision of a .dmn file
    deployed with the diagram (SpiffWorkflow's DMN engine, its expressions evaluated by
    the case's script engine, so in the sandbox)."""

    def create_task(self):
        return BusinessRuleTask(
            self.spec,
            self.bpmn_id,
            dmnEngine=self.process_parser.parser.get_engine(
                self.get_decision_ref(self.node), self.node
            ),
            **self.bpmn_attributes,
        )

    @staticmethod
    def get_decision_ref(node):
        return (node.get(DECISION) or "").strip()


class Parser(BpmnDmnParser):
    """BpmnParser with DMN, its task, event, process and ad hoc parsers with compiled
    paths, and business rule tasks that run DMN decisions."""

    OVERRIDE_PARSER_CLASSES = {
        **{
            tag: (_with_compiled_paths(parser), spec)
            for tag, (parser, spec) in BpmnParser.PARSER_CLASSES.items()
        },
        full_tag("businessRuleTask"): (_with_compiled_paths(DecisionTaskParser), BusinessRuleTask),
    }
    PROCESS_PARSER_CLASS = _with_compiled_paths(ProcessParser)
    AD_HOC_PARSER_CLASS = _with_compiled_paths(AdHocParser)
