"""Process definitions: check a set of BPMN files and forms, deploy it as a version, and
keep parsed specs in memory.

A deployment is immutable and content-hashed. Deploying exactly what the current version
holds changes nothing; anything else, even an older version's content, becomes the next
version. Every problem is reported at once, each with file, element and line.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.none_task import NoneTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.definitions import (
    bpmn_xml,
    constructs,
    loops,
    parsing,
    spiff_scripts,
    start_timers,
)
from engine.errors import DefinitionError, Problem
from engine.forms import FormError, evidence, load_form
from engine.forms.units import unit_kind_problems
from engine.models import DefinitionVersion
from engine.registry import Registry
from engine.registry import registry as default_registry
from engine.sandbox import Sandbox
from engine.workdays import parse_duration

_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
MAX_FILES = 200
# Problems a check reports; the rest are counted in one last line. A file full of
# problems must not make an answer of megabytes (the modeler shows every one).
MAX_PROBLEMS = 200
# What a definition may hold, so that checking it costs at most about a second: the
# XML elements of all its diagrams (counted before they are parsed), the elements of
# its processes (SpiffWorkflow's parser costs a few hundred microseconds each) and the
# characters of its expressions and scripts (checked by the sandbox at some 20 µs per
# character of dense code). The admission definition: 885, 183 and 5,480.
MAX_ELEMENTS = bpmn_xml.MAX_ELEMENTS
MAX_PROCESS_ELEMENTS = 2_000
MAX_CODE = 20_000
_NAMED = 20  # processes a problem names, at most
MORE_PROBLEMS = "… và %(count)s lỗi khác"  # a message id: the web says it in English too
TOO_LONG = (
    "the flow is too long to read in one piece (a chain of thousands of steps): "
    "split it into called processes"
)


@dataclass
class Checked:
    """The outcome of checking a set of files: problems, or what a deployment stores."""

    key: str | None
    problems: list[Problem]  # at most MAX_PROBLEMS, then a MORE_PROBLEMS line
    bpmn: dict[str, str] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    elements: dict = field(default_factory=dict)
    found: int = 0  # problems found, those left out of ``problems`` included
    # What runs but is ignored (other engines' attributes): shown, never refused.
    warnings: list[Problem] = field(default_factory=list)
    # The main process's timer start event: (element, "timeDate"|"timeCycle", expression).
    start_timer: tuple[str, str, str] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _at_most(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The first ``limit`` problems, and a line saying how many more there are."""
    if len(problems) <= limit:
        return problems
    return [*problems[:limit], Problem.translatable(MORE_PROBLEMS, count=len(problems) - limit)]


def collect(paths: list[str | Path]) -> dict[str, bytes]:
    """Read .bpmn and .json files from files and folders, named relative to their folder."""
    files: dict[str, bytes] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for item in sorted(path.rglob("*")):
                if item.is_file() and item.suffix in (".bpmn", ".json"):
                    files[item.relative_to(path).as_posix()] = item.read_bytes()
        else:
            files[path.name] = path.read_bytes()
    return files


def check(
    files: dict[str, bytes], registry: Registry | None = None, key: str | None = None
) -> Checked:
    """Check BPMN files and forms without a database; collect every problem."""
    registry = registry or default_registry
    problems: list[Problem] = []
    too_large = _too_large(files)
    if too_large is not None:
        return Checked(None, [too_large], found=1)
    forms = _check_forms(files, problems)
    problems += _unit_field_problems(files, forms, registry)
    problems += _evidence_problems(files, forms, registry)
    roots: dict[str, Any] = {}
    processes: dict[str, Any] = {}
    for name, content in files.items():
        if not name.endswith(".bpmn"):
            continue
        root, found = bpmn_xml.parse_secure(name, content)
        problems += found
        if root is None:
            continue
        schema = bpmn_xml.schema_problems(name, root, content)
        problems += schema
        roots[name] = root
        for info in bpmn_xml.read_processes(name, root):
            if info.id in processes:
                problems.append(
                    Problem(
                        name,
                        f"process id {info.id} is also defined in {processes[info.id].file}",
                        info.id,
                    )
                )
                continue
            processes[info.id] = info
            problems += bpmn_xml.structure_problems(name, info)
    warnings: list[Problem] = []
    for name, root in roots.items():
        problems += constructs.refusals(name, root)
        warnings += constructs.foreign_attributes(name, root)
    if not roots and not problems:
        problems.append(Problem("", "no .bpmn file given"))
    code = {name: bpmn_xml.expressions(root) for name, root in roots.items()}
    too_much = _too_much(processes, code)
    if too_much is None:
        sandbox = Sandbox(registry.functions, costs=registry.costs)
        for name, root in roots.items():
            problems += _expression_problems(name, code[name], sandbox)
            problems += loops.problems(name, root)
        for info in processes.values():
            problems += bpmn_xml.unconnected_problems(info.file, info.element)
    else:
        problems.append(too_much)
    key = _main_process(processes, key, problems)
    for info in processes.values():
        problems += _element_problems(info, forms, registry)
    start_timer = None
    if key and key in processes:
        start_timer = start_timers.timer_start(processes[key].element)
        problems += start_timers.problems(processes[key].file, processes[key].element)
        problems += start_timers.called_problems(processes, key)
    if key and not problems:
        problems += _spiff_problems(roots, key)
    elements = {pid: info.as_dict() for pid, info in processes.items()}
    bpmn = {name: files[name].decode("utf-8") for name in roots}
    listed = _named(_at_most(problems), processes)
    return Checked(
        key,
        listed,
        bpmn,
        forms,
        elements,
        len(problems),
        _at_most(warnings),
        start_timer,
    )


def _named(problems: list[Problem], processes: dict) -> list[Problem]:
    """The problems with the name of the element each is about, where it has one."""
    names: dict[str, str] = {}
    for info in processes.values():
        names[info.id] = info.name
        names.update((lane, spec["name"]) for lane, spec in info.lanes.items())
        names.update((node, spec["name"]) for node, spec in info.nodes.items())
    return [
        replace(p, name=names[p.element])
        if p.element and names.get(p.element) not in (None, "", p.element)
        else p
        for p in problems
    ]


def _check_forms(files: dict[str, bytes], problems: list[Problem]) -> dict[str, dict]:
    forms = {}
    for name, content in files.items():
        if not name.endswith(".json"):
            continue
        form_name = Path(name).stem
        if form_name in forms:
            problems.append(Problem(name, f"two forms are named {form_name}"))
            continue
        try:
            forms[form_name] = load_form(content)
        except FormError as err:
            problems += [Problem(name, p.message, p.path or None) for p in err.problems]
    return forms


def _unit_field_problems(files: dict, forms: dict[str, dict], registry: Registry) -> list[Problem]:
    """Unit fields that name kinds the domain does not know (or need a domain at all)."""
    names = {Path(name).stem: name for name in files if name.endswith(".json")}
    has_source = registry.unit_options is not None
    return [
        Problem(names[form_name], p.message, p.path or None)
        for form_name, form in forms.items()
        for p in unit_kind_problems(form, registry.unit_kinds, has_source)
    ]


def _evidence_problems(files: dict, forms: dict[str, dict], registry: Registry) -> list[Problem]:
    """Evidence groups naming a form, field or fact the definition does not have."""
    names = {Path(name).stem: name for name in files if name.endswith(".json")}
    return [
        Problem(names[form_name], p.message, p.path or None)
        for form_name, p in evidence.reference_problems(forms, registry.evidence_facts)
    ]


def _too_large(files: dict[str, bytes]) -> Problem | None:
    """Too many files, or XML elements in them, to check: counted before any is parsed."""
    if len(files) > MAX_FILES:
        return Problem("", f"too many files ({len(files)}, at most {MAX_FILES})")
    elements = 0
    for content in (c for name, c in files.items() if name.endswith(".bpmn")):
        if len(content) <= bpmn_xml.MAX_FILE_BYTES:  # else refused as too large, unread
            elements += bpmn_xml.element_count(content, MAX_ELEMENTS - elements)
        if elements > MAX_ELEMENTS:
            return Problem(
                "",
                f"the diagrams hold too many XML elements (more than {MAX_ELEMENTS:,}): "
                "split the procedure into several definitions",
            )
    return None


def _too_much(processes: dict, code: dict[str, list]) -> Problem | None:
    """Too many process elements or too much code to check each: one problem instead."""
    elements = sum(len(info.nodes) for info in processes.values())
    if elements > MAX_PROCESS_ELEMENTS:
        return Problem(
            "",
            f"the processes hold too many elements ({elements:,}, at most "
            f"{MAX_PROCESS_ELEMENTS:,}): split the procedure into several definitions",
        )
    characters = sum(len(source) for found in code.values() for _, source, _, _ in found)
    if characters > MAX_CODE:
        return Problem(
            "",
            f"the expressions and scripts are too long ({characters:,} characters in all, "
            f"at most {MAX_CODE:,}): move the work into registered functions",
        )
    return None


def _expression_problems(name: str, code: list, sandbox: Sandbox) -> list[Problem]:
    problems = []
    for element, source, mode, line in code:
        foreign = constructs.foreign_expression(source, mode)
        if foreign is not None:  # the sandbox would only say "syntax error", or nothing
            where = f"{element}: " if element else ""
            vietnamese, english = foreign
            problems.append(
                Problem(name, constructs.say(where + vietnamese, where + english), element, line)
            )
            continue
        for found in sandbox.check(source, mode):
            at = line + (found.line - 1 if found.line else 0) if line else found.line
            problems.append(Problem(name, found.message, element, at))
    return problems


def _main_process(processes: dict, key: str | None, problems: list[Problem]) -> str | None:
    called = {target for info in processes.values() for _, target in info.calls}
    for info in processes.values():
        for element, target in info.calls:
            if target not in processes:
                problems.append(
                    Problem(
                        info.file,
                        f"calls process {target}, which is not among the files given",
                        element,
                        info.nodes[element]["line"],
                    )
                )
    if key:
        if key not in processes:
            problems.append(Problem("", f"no process with id {key}"))
            return None
        return key
    top = [pid for pid, info in processes.items() if info.executable and pid not in called]
    if len(top) == 1:
        return top[0]
    if processes and not top:
        problems.append(
            Problem("", 'no executable process (isExecutable="true") that is not called by another')
        )
    elif len(top) > 1:
        named = ", ".join(sorted(top)[:_NAMED])
        if len(top) > _NAMED:
            named += f", … ({len(top):,} in all)"
        problems.append(Problem("", f"several main processes ({named}): name the one to deploy"))
    return None


def _element_problems(info, forms: dict, registry: Registry) -> list[Problem]:
    problems = []
    for lane_id, lane in info.lanes.items():
        resolver = lane["resolver"]
        if not resolver:
            problems.append(
                Problem(
                    info.file,
                    f'lane "{lane["name"]}" names no resolver (ketnap:resolver)',
                    lane_id,
                    lane["line"],
                )
            )
        elif resolver not in registry.resolvers:
            known = ", ".join(sorted(registry.resolvers)) or "none"
            problems.append(
                Problem(
                    info.file,
                    f'lane resolver "{resolver}" is not registered (known: {known})',
                    lane_id,
                    lane["line"],
                )
            )
    for element, node in info.nodes.items():

        def problem(message, element=element, line=node["line"]):
            problems.append(Problem(info.file, message, element, line))

        if node["tag"] in bpmn_xml.USER_TASK_TAGS:
            if not node["form"]:
                problem("user task has no form (ketnap:form)")
            elif node["form"] not in forms:
                problem(f'form "{node["form"]}" is not among the files given')
            if not node["lane"]:
                problem("user task lies in no lane, so nobody would be responsible for it")
        if node["due"]:
            try:
                parse_duration(node["due"])
            except ValueError as err:
                problem(f"ketnap:due: {err}")
        if node["due_from"] and not _FIELD_NAME.match(node["due_from"]):
            problem("ketnap:dueFrom must name a data field")
    return problems


def _spiff_problems(roots: dict, key: str) -> list[Problem]:
    try:
        parse_specs(roots, key)
    except SpiffWorkflowException as err:
        file = getattr(err, "file_name", "") or ""
        element = getattr(err, "id", None) or None
        line = getattr(err, "line_number", None)
        # The parser follows each flow recursively and wraps the overflow in its own error.
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        message = TOO_LONG if "RecursionError" in str(err) else constructs.library_message(first)
        if element:
            message = f"{element}: {message}"
        return [Problem(file, message, element, line if isinstance(line, int) else None)]
    except RecursionError:
        return [Problem("", TOO_LONG)]
    except Exception as err:  # noqa: BLE001  any upload must get an answer, not a crash
        text = str(err).splitlines()[0] if str(err) else ""
        return [
            Problem(
                "",
                f"SpiffWorkflow cannot read the diagram: {type(err).__name__}: {text}".rstrip(": "),
            )
        ]
    return []


def parse_specs(roots: dict, key: str):
    parser = parsing.Parser()
    for name, root in roots.items():
        parser.add_bpmn_xml(root, filename=name)
    spec = parser.get_spec(key)
    subprocess_specs = parser.get_subprocess_specs(key)
    processes = {
        process.get("id"): process
        for root in roots.values()
        for process in root.iterfind("bpmn:process", bpmn_xml.NS)
    }
    for process_spec in (spec, *subprocess_specs.values()):
        _connect_loops(process_spec)
        if process_spec.name in processes:
            spiff_scripts.attach(process_spec, spiff_scripts.read(processes[process_spec.name]))
    if key in processes:  # its cases are started on schedule, by the timer worker
        start_timers.plain_start(spec, processes[key])
    return spec, subprocess_specs


def _connect_loops(spec) -> None:
    """Let each multi-instance or loop merge its finished instances from the start, and
    keep to the instance limit (``loops.bound``).

    The parser leaves the merging to the first instance created in the process, and the
    library's own spec deserializer does it on load; with a spec parsed here, a case
    restored in another process (a second worker, a restart, a migration) would never
    merge instances created before, and stay in the multi-instance step for ever.
    """
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, NoneTask):
            # A task without a type (bpmn:task) passes, as BPMN and other engines have
            # it; SpiffWorkflow made it wait for a person, with no form and no lane.
            task_spec.manual = False
        if isinstance(task_spec, LoopTask):
            loops.bound(task_spec)
            child = spec.task_specs.get(task_spec.task_spec)
            if child is not None and not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def file_titles(version: DefinitionVersion) -> list[tuple[str, str]]:
    """(file, what it holds) for each BPMN file of ``version``, by file name: the names
    of its processes, which tell people more than the file's name does."""
    names: dict[str, list[str]] = {}
    for process in version.elements.values():
        names.setdefault(process.get("file") or "", []).append(process.get("name") or "")
    return [
        (file, ", ".join(sorted(n for n in names.get(file, []) if n)) or file)
        for file in sorted(version.files)
    ]


def content_hash(bpmn: dict[str, str], forms: dict[str, dict]) -> str:
    return hashlib.sha256(audit.canonical({"bpmn": bpmn, "forms": forms}).encode()).hexdigest()


def current(session: Session, key: str) -> DefinitionVersion | None:
    return session.execute(
        select(DefinitionVersion)
        .where(DefinitionVersion.key == key)
        .order_by(DefinitionVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def deploy(
    session: Session,
    files: dict[str, bytes],
    actor: str,
    *,
    registry: Registry | None = None,
    key: str | None = None,
) -> tuple[DefinitionVersion, bool]:
    """Deploy files as the next version of their key; (version, True if new). One transaction."""
    checked = check(files, registry, key)
    if not checked.ok:
        raise DefinitionError(checked.problems)
    assert checked.key is not None  # a check without problems always names the key
    digest = content_hash(checked.bpmn, checked.forms)
    latest = current(session, checked.key)
    if latest is not None and latest.content_hash == digest:
        return latest, False
    version = DefinitionVersion(
        key=checked.key,
        version=(latest.version + 1) if latest else 1,
        content_hash=digest,
        files=checked.bpmn,
        forms=checked.forms,
        elements=checked.elements,
        deployed_by=actor,
        deployed_at=clock.now(),
    )
    session.add(version)
    session.flush()
    start_timers.deployed(session, version, checked.start_timer)
    audit.record(
        session,
        "definition_deployed",
        actor=actor,
        data={
            "key": version.key,
            "version": version.version,
            "hash": digest,
            "files": sorted(checked.bpmn),
        },
    )
    return version, True


@dataclass
class Loaded:
    """A deployed version ready to run: parsed specs plus the engine's metadata."""

    version_id: int
    key: str
    spec: object
    subprocess_specs: dict
    nodes: dict  # element id -> metadata (form, due, lane, ...)
    lanes: dict  # lane id -> {name, resolver}
    forms: dict
    start_form: dict | None = None  # the form the main process names on its start event
    start_form_name: str | None = None


class SpecCache:
    """Parsed specs by version id. Parsing costs milliseconds; a cycle must not pay it."""

    def __init__(self, size: int = 64):
        self._items: OrderedDict[tuple[int, str], Loaded] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def for_case(self, session: Session, version_id: int, content_hash: str) -> Loaded:
        """The loaded version of a case, without reading the version row when cached."""
        with self._lock:
            hit = self._items.get((version_id, content_hash))
        if hit is not None:
            return hit
        # A case's version row always exists: cases reference it and versions are never
        # deleted.
        return self.get(session.get_one(DefinitionVersion, version_id))

    def get(self, version: DefinitionVersion) -> Loaded:
        # Keyed by content too: ids repeat across databases (tests, several tenants).
        key = (version.id, version.content_hash)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        loaded = self._load(version)
        with self._lock:
            self._items[key] = loaded
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return loaded

    @staticmethod
    def _load(version: DefinitionVersion) -> Loaded:
        roots = {}
        for name, text in version.files.items():
            root, problems = bpmn_xml.parse_secure(name, text.encode("utf-8"))
            if problems:
                raise DefinitionError(problems)
            roots[name] = root
        spec, subs = parse_specs(roots, version.key)
        nodes, lanes = {}, {}
        for process in version.elements.values():
            nodes.update(process["nodes"])
            lanes.update(process["lanes"])
        main_nodes = version.elements.get(version.key, {}).get("nodes", {})
        start_forms = [
            node["form"]
            for node in main_nodes.values()
            if node["tag"] == "startEvent" and node.get("form")
        ]
        start_name = start_forms[0] if start_forms else None
        start_form = version.forms.get(start_name) if start_name else None
        return Loaded(
            version.id,
            version.key,
            spec,
            subs,
            nodes,
            lanes,
            version.forms,
            start_form,
            start_name,
        )


specs = SpecCache()
