"""Benchmark: one complete-task operation against the bare SpiffWorkflow cycle.

For a case of a ~30-task diagram (a chain of 30 user tasks that loops), at 30, 100 and
300 completed tasks, it measures the median cost of
  - ketnap's full operation: lock, load, validate the form, run, engine steps, save the
    state, update the inbox, append the audit events, commit (SQLite and PostgreSQL);
  - the bare library cycle as SpiffWorkflow does it by default, on the same diagram at the
    same point: deserialize_json (spec inside the JSON), run, do_engine_steps,
    serialize_json.
It prints each figure and the ratio, and the machine it ran on.

    make bench             # or: .venv/bin/python bench/engine.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.task import TaskState  # noqa: E402
from sqlalchemy import create_engine, event, select, text  # noqa: E402

from engine import cases, db, definitions, runtime, schema  # noqa: E402
from engine.cases import Actor, unit_of_work  # noqa: E402
from engine.models import WorkItem  # noqa: E402
from engine.registry import Registry  # noqa: E402

TASKS = 30
SIZES = (30, 100, 300)
# Each step's form: eight fields of the kinds the admission forms use.
FIELDS = [
    ("note", "string"),
    ("detail", "text"),
    ("score", "integer"),
    ("ok", "boolean"),
    ("on", "date"),
    ("amount", "number"),
    ("choice", "choice"),
    ("who", "string"),
]


def form(step: int) -> bytes:
    fields = []
    for name, kind in FIELDS:
        field = {"name": f"s{step}_{name}", "label": f"{name} {step}", "type": kind}
        if kind == "choice":
            field["choices"] = [{"value": v, "label": v} for v in ("yes", "no", "later")]
        if kind == "integer":
            field.update(min=0, max=100)
        fields.append(field)
    return json.dumps({"title": f"Step {step}", "fields": fields}).encode()


def data(step: int) -> dict:
    return {
        f"s{step}_note": "Nguyễn Văn An, lớp 12A1",
        f"s{step}_detail": "Ý kiến: " + "đạt " * 40,
        f"s{step}_score": 7,
        f"s{step}_ok": True,
        f"s{step}_on": "2025-03-14",
        f"s{step}_amount": 12.5,
        f"s{step}_choice": "yes",
        f"s{step}_who": "Trần Thị Bình",
    }


def diagram() -> bytes:
    """A chain of 30 user tasks in three lanes that loops; after every fifth task an
    exclusive gateway checks a rule, and after every tenth a script task derives data,
    as the admission process does."""
    line, extra, refs = ["merge"], [], {0: [], 1: [], 2: []}
    for i in range(TASKS):
        extra.append(f'<bpmn:userTask id="t{i}" name="Bước {i}" ketnap:form="step{i}" />')
        refs[i % 3].append(f"<bpmn:flowNodeRef>t{i}</bpmn:flowNodeRef>")
        line.append(f"t{i}")
        if i % 5 == 4:
            extra.append(
                f'<bpmn:exclusiveGateway id="g{i}" default="g{i}_ok" />'
                f'<bpmn:endEvent id="x{i}" />'
                f'<bpmn:sequenceFlow id="g{i}_no" sourceRef="g{i}" targetRef="x{i}">'
                f"<bpmn:conditionExpression>s{i}_score * 3 &lt; 2 and not s{i}_ok"
                f"</bpmn:conditionExpression></bpmn:sequenceFlow>"
            )
            line.append(f"g{i}")
        if i % 10 == 9:
            extra.append(
                f'<bpmn:scriptTask id="sc{i}"><bpmn:script>'
                f"total_{i} = sum([s{i}_score, s{i - 5}_score])\n"
                f"passed_{i} = total_{i} &gt;= 10</bpmn:script></bpmn:scriptTask>"
            )
            line.append(f"sc{i}")
    line.append("again")
    for source, target in zip(line, line[1:], strict=False):
        flow_id = f"{source}_ok" if source.startswith("g") else f"{source}_to_{target}"
        extra.append(
            f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" />'
        )
    lanes = "".join(
        f'<bpmn:lane id="L{n}" name="Đơn vị {n}" ketnap:resolver="fixed">{"".join(r)}</bpmn:lane>'
        for n, r in refs.items()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:ketnap="urn:ketnap:bpmn:1" id="D" targetNamespace="urn:bench">
 <bpmn:process id="bench" isExecutable="true">
  <bpmn:laneSet id="ls">{lanes}</bpmn:laneSet>
  <bpmn:startEvent id="start" /><bpmn:exclusiveGateway id="merge" />
  <bpmn:exclusiveGateway id="again" default="to_end" /><bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="s0" sourceRef="start" targetRef="merge" />
  {"".join(extra)}
  <bpmn:sequenceFlow id="loop" sourceRef="again" targetRef="merge">
   <bpmn:conditionExpression>s0_score &lt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="to_end" sourceRef="again" targetRef="end" />
 </bpmn:process>
</bpmn:definitions>""".encode()


def registry() -> Registry:
    reg = Registry()
    reg.resolver("fixed")(lambda ctx: "UNIT-1")
    return reg


def ketnap_cycle(factory, reg, case_id, holds: list | None = None) -> float:
    with unit_of_work(factory) as s:
        item_id, step = s.execute(
            select(WorkItem.id, WorkItem.step).where(
                WorkItem.case_id == case_id, WorkItem.status == "open"
            )
        ).one()
    t0 = time.perf_counter()
    with unit_of_work(factory) as s:
        cases.complete_task(s, item_id, data(int(step[1:])), Actor("bench"), registry=reg)
    end = time.perf_counter()
    if holds is not None and _head_locked_at:
        holds.append(end - _head_locked_at.pop())  # the head stays locked until COMMIT ends
    return end - t0


def bare_cycle(serializer, json_state) -> tuple[float, str]:
    t0 = time.perf_counter()
    wf = serializer.deserialize_json(json_state)
    task = next(t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.manual)
    task.data.update(data(int(task.task_spec.bpmn_id[1:])))
    task.run()
    wf.do_engine_steps()
    out = serializer.serialize_json(wf)
    return time.perf_counter() - t0, out


_head_locked_at: list[float] = []


def _watch_chain_head(engine) -> None:
    """Note when a transaction locks the audit chain head (its SELECT … FOR UPDATE)."""

    def on_execute(conn, cursor, statement, params, context, executemany):
        if "FROM chain_head" in statement:
            _head_locked_at.append(time.perf_counter())

    event.listen(engine, "before_cursor_execute", on_execute)


def measure(url: str, rounds: int) -> dict[int, tuple[float, float, float]]:
    engine = db.make_engine(url)
    schema.upgrade(engine)
    _watch_chain_head(engine)
    factory = db.make_session_factory(engine)
    reg = registry()
    files = {"bench.bpmn": diagram(), **{f"forms/step{i}.json": form(i) for i in range(TASKS)}}
    with unit_of_work(factory) as s:
        definitions.deploy(s, files, "bench", registry=reg)
        case_id = cases.start_case(s, "bench", {"title": "bench"}, Actor("bench"), registry=reg).id
    parser = BpmnParser()
    parser.add_bpmn_str(files["bench.bpmn"], "bench.bpmn")
    serializer = BpmnWorkflowSerializer()
    done, figures = 0, {}
    for size in SIZES:
        while done < size:
            ketnap_cycle(factory, reg, case_id)
            done += 1
        holds: list[float] = []
        ours = [ketnap_cycle(factory, reg, case_id, holds) for _ in range(rounds)]
        done += rounds
        # The same case, as the library would store it by default (spec inside).
        with unit_of_work(factory) as s:
            from engine.models import Case, DefinitionVersion

            case = s.get(Case, case_id)
            loaded = definitions.specs.get(s.get(DefinitionVersion, case.definition_id))
            wf = runtime.load(case.state, loaded, reg)
        wf.script_engine = BpmnWorkflow(parser.get_spec("bench")).script_engine
        json_state = serializer.serialize_json(wf)
        bare = []
        for _ in range(rounds):
            spent, json_state = bare_cycle(serializer, json_state)
            bare.append(spent)
        figures[size] = (statistics.median(ours), statistics.median(bare), statistics.median(holds))
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    backends = {}
    with tempfile.TemporaryDirectory() as tmp:
        backends["SQLite"] = f"sqlite:///{tmp}/bench.sqlite3"
        pg = os.environ.get("KETNAP_BENCH_PG_URL")
        if pg:
            backends["PostgreSQL"] = _fresh_pg(pg)
        print(
            f"{'back end':<11}{'completed':>10}{'ketnap op':>12}{'bare cycle':>12}"
            f"{'ratio':>8}{'chain-head lock':>17}"
        )
        for name, url in backends.items():
            for size, (ours, bare, hold) in measure(url, args.rounds).items():
                print(
                    f"{name:<11}{size:>10}{ours * 1000:>10.2f}ms{bare * 1000:>10.2f}ms"
                    f"{ours / bare:>8.2f}{hold * 1000:>15.2f}ms"
                )


def _fresh_pg(url: str) -> str:
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS ketnap_bench WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE ketnap_bench"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/ketnap_bench"


if __name__ == "__main__":
    main()
