#!/usr/bin/env python3
"""Regenerate the generated parts of docs/bpmn-conventions.md from the code.

    .venv/bin/python scripts/gen-functions-doc.py           # rewrite the sections
    .venv/bin/python scripts/gen-functions-doc.py --check   # exit 1 if out of date

The registered functions, the lane resolvers and the user tasks of bpmn/ are listed
from what the plugin registers and what the diagrams say, between marker comments
(<!-- generated:NAME --> ... <!-- /generated:NAME -->), so the document cannot drift
from the code; everything else in the file is written by hand.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import click  # noqa: E402

from engine import definitions  # noqa: E402
from engine.registry import registry  # noqa: E402
from workflows.admission import intake, plugin  # noqa: E402

DOC = ROOT / "docs" / "bpmn-conventions.md"


def _functions() -> str:
    lines = []
    for name in sorted(registry.functions):
        # Annotations are strings under "from __future__ import annotations".
        signature = str(inspect.signature(registry.functions[name])).replace("'", "")
        doc = registry.docs.get(name) or "(no docstring)"
        lines.append(f"- **`{name}{signature}`**")
        lines.extend(f"  {line}".rstrip() for line in inspect.cleandoc(doc).splitlines())
        lines.append("")
    return "\n".join(lines).rstrip()


def _resolvers() -> str:
    lines = ["| resolver | unit it returns |", "|---|---|"]
    for name in sorted(registry.resolvers):
        doc = inspect.getdoc(registry.resolvers[name]) or ""
        lines.append(f"| `{name}` | {' '.join(doc.split())} |")
    return "\n".join(lines)


def _tasks() -> str:
    checked = definitions.check(definitions.collect([intake.BPMN_DIR]))
    if not checked.ok:
        raise SystemExit("bpmn/ has problems; run: ketnap check bpmn/")
    lines = [
        "| process | user task (id) | name | lane → resolver | form | due |",
        "|---|---|---|---|---|---|",
    ]
    for pid, process in checked.elements.items():
        for node_id, node in process["nodes"].items():
            if node["tag"] != "userTask":
                continue
            lane = process["lanes"][node["lane"]]
            due = node["due"] or ""
            if node["due_from"]:
                due += f" from `{node['due_from']}`"
            lines.append(
                f"| `{pid}` | `{node_id}` | {node['name']} | {lane['name']} → "
                f"`{lane['resolver']}` | `{node['form']}` | {due} |"
            )
    return "\n".join(lines)


SECTIONS = {"functions": _functions, "resolvers": _resolvers, "tasks": _tasks}


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(
            rf"(<!-- generated:{name} -->).*?(<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"{DOC}: no markers for section {name}")
        body = make()
        text = pattern.sub(lambda m, body=body: f"{m.group(1)}\n{body}\n{m.group(2)}", text)
    return text


def main(argv: list[str]) -> int:
    plugin(click.Group())
    text = DOC.read_text(encoding="utf-8")
    fresh = render(text)
    if "--check" in argv:
        if fresh != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run scripts/gen-functions-doc.py")
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    print(f"{DOC.relative_to(ROOT)}: regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
