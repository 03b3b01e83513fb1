"""Benchmark: ketnap's start and submit against the bare SpiffWorkflow cycle, two ways.

For each back end (SQLite, and PostgreSQL with KETNAP_BENCH_PG_URL), each of two
diagrams and each size of a case (completed user tasks), it times in one run:

  - ketnap's operation: ``cases.start_case`` or ``cases.complete_task`` (lock, load,
    validate the form, run, engine steps, save the state, inbox rows, audit, commit);
  - the bare cycle with the spec in the JSON, as the library stores a workflow by
    default: deserialize_json, run the task, do_engine_steps, serialize_json;
  - the bare cycle without the spec, as ketnap stores state: the workflow's own
    dictionary without its spec, the parsed spec attached from a cache on load
    (``state.dumps`` / ``state.loads``), same run, steps and serialisation.

A start is ``start_case`` against a new workflow + do_engine_steps + serialisation.
The three are interleaved (one of each per round) so that machine noise hits all of
them; every submit of a round starts from the same case at the same size (the case's
rows are put back after each one, untimed), so "at 300" means 300 completed tasks.

Diagrams: ``loop30``, a chain of 30 user tasks in three lanes with gateways and script
tasks that loops; ``small``, a typical case of 5 user tasks with a message thrown and
caught, a signal thrown and caught and a signal boundary event, that loops to grow.

    make bench     # or: .venv/bin/python bench/engine.py [--rounds 50] [--sizes 5,30,100,300]
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
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# A benchmark measures how long operations take: on a loaded machine, one of 300 tasks
# may pass the 10 s ceiling that stops an operation in production, and end the run.
os.environ.setdefault("KETNAP_OPERATION_SECONDS", "300")

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser  # noqa: E402
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.task import TaskState  # noqa: E402
from sqlalchemy import create_engine, delete, func, insert, select, text, update  # noqa: E402

from engine import cases, db, definitions, schema, state, stored  # noqa: E402
from engine.cases import Actor, unit_of_work  # noqa: E402
from engine.models import Base, Case, DefinitionVersion, WorkItem  # noqa: E402
from engine.registry import Registry  # noqa: E402

SIZES = (5, 30, 100, 300)
ACTOR = Actor("bench")
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


def _definitions(process: str, body: str, head: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:ketnap="urn:ketnap:bpmn:1" id="D" targetNamespace="urn:bench">{head}
 <bpmn:process id="{process}" isExecutable="true">{body}
 </bpmn:process>
</bpmn:definitions>""".encode()


def _flows(line: list[str]) -> list[str]:
    return [
        f'<bpmn:sequenceFlow id="{source}_ok" sourceRef="{source}" targetRef="{target}" />'
        if source.startswith("g")
        else f'<bpmn:sequenceFlow id="{source}_to_{target}" sourceRef="{source}" '
        f'targetRef="{target}" />'
        for source, target in zip(line, line[1:], strict=False)
    ]


_LOOP = """
  <bpmn:exclusiveGateway id="again" default="to_end" /><bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="loop" sourceRef="again" targetRef="merge">
   <bpmn:conditionExpression>s0_score &lt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="to_end" sourceRef="again" targetRef="end" />"""


def loop30() -> bytes:
    """A chain of 30 user tasks in three lanes that loops; after every fifth task an
    exclusive gateway checks a rule, and after every tenth a script task derives data,
    as the admission process does."""
    line, extra, refs = ["start", "merge"], [], {0: [], 1: [], 2: []}
    for i in range(30):
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
    lanes = "".join(
        f'<bpmn:lane id="L{n}" name="Đơn vị {n}" ketnap:resolver="fixed">{"".join(r)}</bpmn:lane>'
        for n, r in refs.items()
    )
    return _definitions(
        "loop30",
        f"""
  <bpmn:laneSet id="ls">{lanes}</bpmn:laneSet>
  <bpmn:startEvent id="start" /><bpmn:exclusiveGateway id="merge" />{_LOOP}
  {"".join(extra + _flows(line))}""",
    )


def small() -> bytes:
    """A typical case: 5 user tasks. A parallel split runs them on one branch while the
    other waits for a message the first branch throws after t0 and then for a signal it
    throws after t2; t1 has a signal boundary event (a withdrawal that never comes);
    both branches join before t4, and the case loops to grow."""
    main = ["merge", "fork", "t0", "send", "t1", "t2", "shout", "t3", "join"]
    side = ["fork", "hear", "wait", "join", "t4", "again"]
    tasks = "".join(
        f'<bpmn:userTask id="t{i}" name="Bước {i}" ketnap:form="step{i}" />' for i in range(5)
    )
    refs = "".join(f"<bpmn:flowNodeRef>t{i}</bpmn:flowNodeRef>" for i in range(5))
    return _definitions(
        "small",
        f"""
  <bpmn:laneSet id="ls"><bpmn:lane id="L0" name="Chi bộ" ketnap:resolver="fixed">{refs}
  </bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="start" /><bpmn:exclusiveGateway id="merge" />{_LOOP}
  <bpmn:parallelGateway id="fork" /><bpmn:parallelGateway id="join" />{tasks}
  <bpmn:intermediateThrowEvent id="send"><bpmn:messageEventDefinition messageRef="m_file" />
  </bpmn:intermediateThrowEvent>
  <bpmn:intermediateCatchEvent id="hear"><bpmn:messageEventDefinition messageRef="m_file" />
  </bpmn:intermediateCatchEvent>
  <bpmn:intermediateThrowEvent id="shout"><bpmn:signalEventDefinition signalRef="s_done" />
  </bpmn:intermediateThrowEvent>
  <bpmn:intermediateCatchEvent id="wait"><bpmn:signalEventDefinition signalRef="s_done" />
  </bpmn:intermediateCatchEvent>
  <bpmn:boundaryEvent id="withdrawn" attachedToRef="t1">
   <bpmn:signalEventDefinition signalRef="s_withdraw" /></bpmn:boundaryEvent>
  <bpmn:endEvent id="gone" />
  <bpmn:sequenceFlow id="start_to_merge" sourceRef="start" targetRef="merge" />
  <bpmn:sequenceFlow id="withdrawn_to_gone" sourceRef="withdrawn" targetRef="gone" />
  {"".join(_flows(main) + _flows(side))}""",
        head='<bpmn:message id="m_file" name="ho_so" />'
        '<bpmn:signal id="s_done" name="xong" /><bpmn:signal id="s_withdraw" name="rut" />',
    )


DIAGRAMS = {"small": (small, 5), "loop30": (loop30, 30)}


def registry() -> Registry:
    reg = Registry()
    reg.resolver("fixed")(lambda ctx: "UNIT-1")
    return reg


def _step_data(task) -> dict:
    return data(int(task.task_spec.bpmn_id[1:]))


class Bare:
    """The library's own cycles on one diagram, with and without the spec in the JSON."""

    def __init__(self, name: str, bpmn: bytes):
        parser = BpmnParser()
        parser.add_bpmn_str(bpmn, f"{name}.bpmn")
        self.spec = parser.get_spec(name)
        self.subprocess_specs = parser.get_subprocess_specs(name)
        self.engine = PythonScriptEngine()
        self.serializer = BpmnWorkflowSerializer()

    def new(self) -> BpmnWorkflow:
        wf = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.engine)
        wf.do_engine_steps()
        return wf

    def start_with_spec(self) -> None:
        self.serializer.serialize_json(self.new())

    def start_without_spec(self) -> None:
        state.dumps(self.new())

    def submit_with_spec(self, json_state: str) -> None:
        wf = self.serializer.deserialize_json(json_state)
        _submit(wf)
        self.serializer.serialize_json(wf)

    def submit_without_spec(self, document: str) -> None:
        wf = state.loads(document, self.spec, self.subprocess_specs, self.engine)
        _submit(wf)
        state.dumps(wf)


def _submit(wf: BpmnWorkflow) -> None:
    task = next(t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.manual)
    task.data.update(_step_data(task))
    task.run()
    wf.do_engine_steps()


def timed(fn: Callable[..., object], *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


class Snapshot:
    """A case's rows (the case and its inbox rows), to put back after an operation, so
    that every timed submit starts from the same case. Tables added later that hang off
    a case by ``case_id`` are found in the models and put back too."""

    def __init__(self, factory, case_id: int):
        self.factory, self.case_id = factory, case_id
        self.children = [
            t
            for t in Base.metadata.sorted_tables
            if "case_id" in t.c
            and any(fk.column.table.name == "cases" for fk in t.c.case_id.foreign_keys)
        ]
        with factory() as s:
            self.case = dict(
                s.execute(select(Case.__table__).where(Case.id == case_id)).mappings().one()
            )
            self.rows = {
                t: [dict(r) for r in s.execute(select(t).where(t.c.case_id == case_id)).mappings()]
                for t in self.children
            }

    def restore(self) -> None:
        with unit_of_work(self.factory) as s:
            for table in reversed(self.children):
                s.execute(delete(table).where(table.c.case_id == self.case_id))
            s.execute(update(Case.__table__).where(Case.id == self.case_id).values(self.case))
            for table in self.children:
                if self.rows[table]:
                    s.execute(insert(table), self.rows[table])


def ketnap_submit(factory, reg, case_id: int) -> float:
    with factory() as s:
        item_id, step = s.execute(
            select(WorkItem.id, WorkItem.step).where(
                WorkItem.case_id == case_id, WorkItem.status == "open"
            )
        ).one()
    t0 = time.perf_counter()
    with unit_of_work(factory) as s:
        cases.complete_task(s, item_id, data(int(step[1:])), ACTOR, registry=reg)
    return time.perf_counter() - t0


def ketnap_start(factory, reg, key: str) -> float:
    t0 = time.perf_counter()
    with unit_of_work(factory) as s:
        cases.start_case(s, key, {"title": "bench"}, ACTOR, registry=reg)
    return time.perf_counter() - t0


def completed(factory, case_id: int) -> int:
    with factory() as s:
        return s.scalar(
            select(func.count()).where(WorkItem.case_id == case_id, WorkItem.status == "completed")
        )


def bare_states(factory, reg, bare: Bare, case_id: int) -> tuple[str, str]:
    """The case's workflow as it is now, in the library's JSON (spec inside) and in the
    full document without the spec."""
    with factory() as s:
        case = s.get_one(Case, case_id)
        loaded = definitions.specs.get(s.get_one(DefinitionVersion, case.definition_id))
        wf = stored.load_whole(s, case, loaded, reg)
    wf.script_engine = bare.engine
    document = state.dumps(wf)
    wf = state.loads(document, bare.spec, bare.subprocess_specs, bare.engine)
    return bare.serializer.serialize_json(wf), document


Row = tuple[str, str, str, str, list[float], list[float], list[float]]


def measure(backend: str, url: str, rounds: int, sizes: tuple[int, ...]) -> list[Row]:
    engine = db.make_engine(url)
    schema.upgrade(engine)
    factory = db.make_session_factory(engine)
    reg, rows = registry(), []
    for name, (make, steps) in DIAGRAMS.items():
        bpmn = make()
        files = {f"{name}.bpmn": bpmn, **{f"forms/step{i}.json": form(i) for i in range(steps)}}
        with unit_of_work(factory) as s:
            definitions.deploy(s, files, name, registry=reg)
        bare = Bare(name, bpmn)
        times: list[list[float]] = [[], [], []]
        for _ in range(rounds):
            times[0].append(ketnap_start(factory, reg, name))
            times[1].append(timed(bare.start_with_spec))
            times[2].append(timed(bare.start_without_spec))
        rows.append(("start", name, backend, "-", *times))
        with unit_of_work(factory) as s:
            case_id = cases.start_case(s, name, {"title": "bench"}, ACTOR, registry=reg).id
        done = 0
        for size in sizes:
            while done < size:
                ketnap_submit(factory, reg, case_id)
                done += 1
            assert completed(factory, case_id) == size
            with_spec, without_spec = bare_states(factory, reg, bare, case_id)
            snapshot = Snapshot(factory, case_id)
            times = [[], [], []]
            for _ in range(rounds):
                times[0].append(ketnap_submit(factory, reg, case_id))
                snapshot.restore()
                times[1].append(timed(bare.submit_with_spec, with_spec))
                times[2].append(timed(bare.submit_without_spec, without_spec))
            rows.append(("submit", name, backend, str(size), *times))
    engine.dispose()
    return rows


def _p(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'op':<7}{'diagram':<8}{'back end':<11}{'size':>5}"
        f"{'ketnap p50/p90':>17}{'bare+spec p50/p90':>20}{'bare-spec p50/p90':>20}"
        f"{'ratio +spec':>12}{'ratio -spec':>12}"
    )
    print(head)
    print("-" * len(head))
    for op, diagram, backend, size, ours, with_spec, without in rows:
        cells = [
            f"{statistics.median(v) * 1000:.2f}/{_p(v, 90) * 1000:.2f}ms"
            for v in (ours, with_spec, without)
        ]
        ratio_with = statistics.median(ours) / statistics.median(with_spec)
        ratio_without = statistics.median(ours) / statistics.median(without)
        print(
            f"{op:<7}{diagram:<8}{backend:<11}{size:>5}{cells[0]:>17}{cells[1]:>20}"
            f"{cells[2]:>20}{ratio_with:>12.2f}{ratio_without:>12.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument(
        "--pg-database",
        default="ketnap_bench_engine",
        help="scratch PostgreSQL database, dropped and created again (default: %(default)s)",
    )
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    print(f"{args.rounds} operations per figure, interleaved; size = completed user tasks")
    started, rows = time.perf_counter(), []
    with tempfile.TemporaryDirectory() as tmp:
        backends = {"SQLite": f"sqlite:///{tmp}/bench.sqlite3"}
        pg = os.environ.get("KETNAP_BENCH_PG_URL")
        if pg:
            backends["PostgreSQL"] = _fresh_pg(pg, args.pg_database)
        for backend, url in backends.items():
            rows += measure(backend, url, args.rounds, sizes)
    print_table(rows)
    print(f"whole run: {time.perf_counter() - started:.0f} s")


def _fresh_pg(url: str, name: str) -> str:
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


if __name__ == "__main__":
    main()
