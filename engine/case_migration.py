"""Moving running cases to another version of their definition.

Cases stay on the version they started with until a designer moves them. A move keeps
the case's task tree (what was done, what is open, what waits, with the same task ids,
so inbox rows, claims and due dates stay) and attaches the new version's spec to it:
SpiffWorkflow's serializer restores each task by the *name* of its task spec, so a
stored state can be restored against another spec when every task's spec name exists
there.

What a move needs, checked by ``verdict`` before anything changes:

- every step the case has done, holds open or waits on exists in the new version, by
  element id, in the same process (a called process by its id);
- each such open or waiting step is of the same kind (a user task stays a user task, a
  timer stays a timer of the same sort), keeps the boundary events attached to it, and
  the parallel joins ahead of it (up to the next split) keep their incoming flows: a
  join counts the branches it waits for by the flows that enter it.

Steps not reached yet are not carried over: they are predicted again from the new
version, so the case follows the new drawing from where it stands. Timers keep the
moment computed when they started waiting. Data is not checked: a new step that reads a
field old cases never had will stop such a case when it gets there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, runtime, state, stored
from engine.cases import Actor, committing
from engine.cases import _lock_case as lock_case
from engine.definitions import Loaded, specs
from engine.errors import Conflict, NotFound
from engine.models import Case, DefinitionVersion, WorkItem
from engine.projection import reresolve_open_items, sync
from engine.registry import Registry
from engine.registry import registry as default_registry
from engine.side_tasks import SIDE_PROCESS

_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
# Not reached yet: rebuilt from the new version rather than carried over.
_AHEAD = TaskState.PREDICTED_MASK | TaskState.FUTURE
_SPLITS = UnstructuredJoin  # parallel and inclusive gateways both split and join

REASONS = {
    "closed": "the case is closed",
    "same_version": "the case is already on this version",
    "other_definition": "the version belongs to another definition",
    "missing_process": "process {process} is not in the new version",
    "missing_step": "step {step} ({state}) is not in process {process} of the new version",
    "changed_kind": "step {step} is a {old} here but a {new} in the new version",
    "changed_boundary": "the events attached to open step {step} differ in the new version",
    "changed_join": "parallel join {step} ahead of open step {open} has other incoming "
    "flows in the new version",
    "called_other": "step {step} calls process {old} here but {new} in the new version",
    "restore_failed": "the case cannot be restored on the new version: {error}",
    "not_found": "the case does not exist",
    "busy": "the case is busy or changed meanwhile; try again",
}


@dataclass
class Reason:
    """Why a case cannot move: a code (the web layer words it) and its parameters."""

    code: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return REASONS[self.code].format(**self.params)


@dataclass
class Verdict:
    """A dry run's answer for one case."""

    case_id: int
    from_version: int
    steps: list[str]  # the open and waiting steps, by element id
    reasons: list[Reason]

    @property
    def movable(self) -> bool:
        return not self.reasons


class MigrationRefused(Conflict):
    """A case that cannot move to the new version, with the reasons why."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        super().__init__("; ".join(str(r) for r in verdict.reasons))


# -- checks -------------------------------------------------------------------------


def _workflows(wf):
    """(process spec name, workflow) for the case and each of its running sub-processes."""
    yield wf.spec.name, wf
    for sub in wf.subprocesses.values():
        yield sub.spec.name, sub


def _kind(spec) -> str:
    definition = getattr(spec, "event_definition", None)
    return type(spec).__name__ + (f"/{type(definition).__name__}" if definition else "")


def _attached(spec) -> list[str]:
    split = next((s for s in spec.inputs if isinstance(s, BoundaryEventSplit)), None)
    return sorted(out.name for out in split.outputs) if split is not None else []


def _joins_ahead(spec) -> list:
    """Parallel or inclusive joins a token at ``spec`` reaches before any further split."""
    found, seen, todo = [], set(), list(spec.outputs)
    while todo:
        item = todo.pop()
        if item.name in seen:
            continue
        seen.add(item.name)
        if isinstance(item, _SPLITS):
            found.append(item)
            if len(item.outputs) > 1:
                continue
        todo.extend(item.outputs)
    return found


def _step_reasons(task, new_spec, process: str) -> list[Reason]:
    name = task.task_spec.name
    new = new_spec.task_specs.get(name)
    live = task.has_state(_LIVE)
    if new is None:
        where = "open" if task.state == TaskState.READY else "waiting" if live else "done"
        return [Reason("missing_step", {"step": name, "state": where, "process": process})]
    if not live:
        return []
    reasons = []
    if _kind(task.task_spec) != _kind(new):
        reasons.append(
            Reason("changed_kind", {"step": name, "old": _kind(task.task_spec), "new": _kind(new)})
        )
    if isinstance(new, SubWorkflowTask) and getattr(new, "spec", None) != task.task_spec.spec:
        reasons.append(
            Reason("called_other", {"step": name, "old": task.task_spec.spec, "new": new.spec})
        )
    if _attached(task.task_spec) != _attached(new):
        reasons.append(Reason("changed_boundary", {"step": name}))
    for join in _joins_ahead(task.task_spec):
        other = new_spec.task_specs.get(join.name)
        if other is None or sorted(i.name for i in join.inputs) != sorted(
            i.name for i in other.inputs
        ):
            reasons.append(Reason("changed_join", {"step": join.name, "open": name}))
    return reasons


def check(wf, new: Loaded) -> list[Reason]:
    """Why the workflow ``wf`` (loaded with its own version) cannot take ``new``'s spec."""
    reasons = []
    for process, flow in _workflows(wf):
        new_spec = new.spec if flow is wf else new.subprocess_specs.get(process)
        if new_spec is None:
            reasons.append(Reason("missing_process", {"process": process}))
            continue
        for task in flow.tasks.values():
            if not task.has_state(_AHEAD):
                reasons += _step_reasons(task, new_spec, process)
    unique = []
    for reason in reasons:
        if reason not in unique:
            unique.append(reason)
    return unique


def open_steps(wf) -> list[str]:
    return sorted(
        {
            t.task_spec.bpmn_id or t.task_spec.name
            for t in runtime.all_tasks(wf)
            if t.has_state(_LIVE) and t.task_spec.bpmn_id
        }
    )


# -- the move -----------------------------------------------------------------------


def _prune(flow: dict, spec) -> set[str]:
    """Remove from one serialized workflow the steps not reached yet that the new spec
    would not predict there (another step follows in the new drawing); return the ids
    of the tasks that lost children. Where nothing changed, the tree stays as it was."""
    tasks = flow["tasks"]
    pruned, todo = set(), [flow["root"]]
    while todo:
        task = tasks[todo.pop()]
        task_spec = spec.task_specs.get(task["task_spec"])
        outputs = {out.name for out in task_spec.outputs} if task_spec else set()
        kept = [
            child
            for child in task["children"]
            if not tasks[child]["state"] & _AHEAD or tasks[child]["task_spec"] in outputs
        ]
        for child in set(task["children"]) - set(kept):
            _forget(tasks, child)
            pruned.add(task["id"])
        task["children"] = kept
        todo.extend(kept)
    return pruned


def _forget(tasks: dict, task_id: str) -> None:
    for child in tasks.pop(task_id)["children"]:
        _forget(tasks, child)


def _predict_again(wf, pruned: set[str]) -> None:
    """Predict anew, from the new spec, what follows each task that lost its prediction."""
    for task in list(runtime.all_tasks(wf)):
        if str(task.id) not in pruned:
            continue
        if not any(child.has_state(~_AHEAD & TaskState.ANY_MASK) for child in task.children):
            # Only predictions below it: the spec predicts as it would have.
            task.task_spec._predict(task, mask=_AHEAD | (task.state & _LIVE))
            continue
        # A running multi-instance keeps its instances; add the missing followers.
        have = {child.task_spec.name for child in task.children}
        for spec in task.task_spec.outputs:
            if spec.name not in have:
                child = task._add_child(spec, TaskState.FUTURE)
                child.task_spec._predict(child, mask=_AHEAD)


def reattach(text: str, new: Loaded, registry: Registry):
    """The stored state ``text`` restored on ``new``'s spec, steps ahead predicted anew."""
    document = json.loads(text)
    pruned = _prune(document, new.spec)
    for sub in document.get("subprocesses", {}).values():
        pruned |= _prune(sub, new.subprocess_specs[sub["spec"]])
    wf = runtime.load(json.dumps(document), new, registry)
    missing = [t for t in runtime.all_tasks(wf) if t.task_spec is None]
    if missing:
        raise ValueError(f"{len(missing)} tasks have no spec")
    _predict_again(wf, pruned)
    return wf


def _try(case: Case, text: str, old: Loaded, new: Loaded, registry: Registry):
    """(verdict, the moved workflow or None): the whole move in memory, nothing stored.
    ``text``: every task of the case (``stored.whole_text``), its finished history too,
    which moves with it."""
    wf = runtime.load(text, old, registry)
    verdict = Verdict(case.id, 0, open_steps(wf), check(wf, new))
    if verdict.reasons:
        return verdict, None
    try:
        moved = reattach(text, new, registry)
        state.dumps(moved)
    except Exception as err:  # noqa: BLE001  any failure means: do not move this case
        verdict.reasons.append(Reason("restore_failed", {"error": str(err)[:200]}))
        return verdict, None
    return verdict, moved


def _basic_reasons(case: Case, target: DefinitionVersion) -> list[Reason]:
    if target.key != case.definition_key:
        return [Reason("other_definition")]
    if case.status == "closed":
        return [Reason("closed")]
    if case.definition_id == target.id:
        return [Reason("same_version")]
    return []


def verdict(
    session: Session, case: Case, target: DefinitionVersion, registry: Registry | None = None
) -> tuple[Verdict, object]:
    registry = registry or default_registry
    version = session.get_one(DefinitionVersion, case.definition_id)
    basic = _basic_reasons(case, target)
    if basic:
        return Verdict(case.id, version.version, [], basic), None
    text = stored.whole_text(session, case)
    found, moved = _try(case, text, specs.get(version), specs.get(target), registry)
    found.from_version = version.version
    return found, moved


def dry_run(
    session: Session, target: DefinitionVersion, registry: Registry | None = None
) -> list[Verdict]:
    """For every running case of the key on another version: can it move, and why not."""
    rows = session.execute(
        select(Case)
        .where(
            Case.definition_key == target.key,
            Case.status != "closed",
            Case.definition_id != target.id,
        )
        .order_by(Case.id)
    ).scalars()
    return [verdict(session, case, target, registry)[0] for case in rows]


def migrate_case(
    session: Session,
    case_id: int,
    target_id: int,
    actor: Actor,
    *,
    registry: Registry | None = None,
) -> Verdict:
    """Move one case to version ``target_id`` in the caller's transaction, or refuse."""
    registry = registry or default_registry
    case = lock_case(session, case_id)
    target = session.get(DefinitionVersion, target_id)
    if target is None:
        raise NotFound(f"version {target_id} not found")
    found, wf = verdict(session, case, target, registry)
    if wf is None:
        raise MigrationRefused(found)
    new = specs.get(target)
    case.definition_id, case.definition_hash = target.id, target.content_hash
    sync(session, case, wf, new, registry, actor.name, request=actor.request)
    _describe_items(session, case, new)
    moved = reresolve_open_items(session, case, wf, new, registry)
    audit.record(
        session,
        "case_migrated",
        actor=actor.name,
        case_id=case.id,
        unit=case.unit,
        data={
            "key": target.key,
            "from_version": found.from_version,
            "to_version": target.version,
            "steps": found.steps,
            "moved_tasks": moved,
        },
        **actor.request,
    )
    return found


def _describe_items(session: Session, case: Case, new: Loaded) -> None:
    """Open inbox rows take the new version's name, form and lane of their step (a side
    task is no version's: it keeps its own)."""
    for item in session.execute(
        select(WorkItem).where(
            WorkItem.case_id == case.id,
            WorkItem.status == "open",
            WorkItem.process_id != SIDE_PROCESS,
        )
    ).scalars():
        node = new.nodes.get(item.step) or {}
        item.step_name = node.get("name") or item.step
        item.form = node.get("form")
        item.lane = (new.lanes.get(node.get("lane")) or {}).get("name")


def migrate(
    factory: sessionmaker,
    case_ids: list[int],
    target_id: int,
    actor: Actor,
    *,
    registry: Registry | None = None,
) -> dict[int, Verdict]:
    """Move each chosen case in its own transaction; a case that cannot move is left as
    it was, and the others move all the same."""
    results = {}
    for case_id in case_ids:
        session = factory()
        try:
            with committing(session):
                results[case_id] = migrate_case(
                    session, case_id, target_id, actor, registry=registry
                )
        except MigrationRefused as refused:
            results[case_id] = refused.verdict
        except (NotFound, Conflict) as err:
            code = "not_found" if isinstance(err, NotFound) else "busy"
            results[case_id] = Verdict(case_id, 0, [], [Reason(code)])
        finally:
            session.close()
    return results
