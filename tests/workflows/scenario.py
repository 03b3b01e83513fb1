"""Shared helpers of the scenario tests: a database with the demo tree and the deployed
admission diagrams, a clock frozen on a known Monday, and a ``Case`` handle that walks
one case through the real engine operations and reads what its inbox shows.

Units are the codes of ``workflows/admission/data/org_demo.yaml``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from sqlalchemy import select

from engine import clock, definitions, runtime, stuck, timers
from engine.cases import Actor, unit_of_work
from engine.definitions import specs
from engine.models import Base, WorkItem
from engine.models import Case as CaseRow
from engine.registry import registry
from tests.support.seeding import Snapshot, holds_nothing
from workflows.admission import demo, form_checks, intake, orgs, resolvers, rules, steps
from workflows.admission.reports import stored

# Monday 8 September 2025, 09:00 in Vietnam.
T0 = datetime(2025, 9, 8, 2, 0, tzinfo=UTC)
CLERK = Actor("os:vanthu", client="test")
DESIGNER = Actor("designer")
TIMER = Actor("timer")

STUDENT = {
    "full_name": "Nguyễn Thị Minh Anh",
    "birth_date": "2007-03-15",
    "gender": "female",
    "youth_union_member": True,
    "category": "student",
    "branch": "THPT-TP",
    "residence_unit": "P1-KP1",
    "proposer_unit": "DT-THPT-TP",
}
WORKER = {
    "full_name": "Đặng Văn Hùng",
    "birth_date": "1996-11-02",
    "gender": "male",
    "youth_union_member": True,
    "trade_union_member": True,
    "category": "enterprise_worker",
    "enterprise_has_party_org": True,
    "branch": "DN-LB",
    "residence_unit": "P2",
    "proposer_unit": "CD-DN-LB",
}
# An enterprise without a party organisation: no branch yet, the ward of residence acts.
LONE_WORKER = {
    "full_name": "Ngô Thị Hồng",
    "birth_date": "1999-06-20",
    "gender": "female",
    "ethnicity": "Tày",
    "trade_union_member": True,
    "category": "enterprise_worker",
    "enterprise_has_party_org": False,
    "enterprise": "DN-MX",
    "residence_unit": "P3",
    "proposer_unit": "CD-DN-MX",
}


# back end -> what the world's seeding left in an empty database, put back by the
# next tests of this process instead of seeding again (the same rows, 6-10 times faster)
_seeded: dict[str, Snapshot] = {}


def _seed_world(factory) -> None:
    engine = factory.kw["bind"]
    tables = Base.metadata.sorted_tables
    empty = holds_nothing(engine, tables)
    if empty and engine.dialect.name in _seeded:
        _seeded[engine.dialect.name].restore(engine)
        return
    with unit_of_work(factory) as session:
        orgs.import_tree(session, orgs.read_tree_file(demo.DEMO_TREE))
        intake.deploy(session, CLERK)
    if empty:
        _seeded[engine.dialect.name] = Snapshot(engine, tables)


@pytest.fixture
def world(factory, monkeypatch):
    """The demo tree and the diagrams, on a clock frozen at T0; yields the factory."""
    monkeypatch.setattr(registry, "case_unit", resolvers.case_unit)
    monkeypatch.setattr(registry, "case_stored", [stored.store])
    form_checks.register()  # another test may have given the registry other units
    with clock.frozen_at(T0):
        _seed_world(factory)
        yield factory


@pytest.fixture
def no_stuck_case_after(world):
    """The scenario's end check: whatever it did, no case is left with nothing to do and
    no end (engine/stuck.py, ``ketnap cases stuck``). Not for tests that write case rows
    past the engine (the reports' made-up cases)."""
    yield
    with unit_of_work(world) as session:
        assert stuck.stuck_cases(session) == [], "the scenario left a stuck case"


def deploy_changed(factory, edit) -> int:
    """Deploy the admission diagrams with ``edit(files)`` applied; return the version id."""
    files = definitions.collect([intake.BPMN_DIR])
    files = {
        name: content.decode("utf-8") if name.endswith(".bpmn") else content
        for name, content in files.items()
    }
    edit(files)
    files = {name: c.encode("utf-8") if isinstance(c, str) else c for name, c in files.items()}
    with unit_of_work(factory) as session:
        version, created = definitions.deploy(session, files, DESIGNER.name, key="admission")
        assert created
        return version.id


def today() -> date:
    return date.fromisoformat(rules.today())


def workdays_after(day: date | str, n: int) -> date:
    return date.fromisoformat(rules.add_workdays(day, n))


def advance_to(factory, day: date) -> int:
    """Move the clock to 09:00 in Vietnam on ``day``; fire due timers; return how many."""
    moment = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    clock.advance(moment - clock.now())
    return timers.run_due(factory, TIMER)


class Case:
    """One admission case, driven through the engine like the inbox would."""

    def __init__(self, factory, person: dict):
        self.factory, self.person = factory, dict(person)
        with unit_of_work(factory) as session:
            self.id = intake.start_admission(session, self.person, CLERK).id

    def do(self, step: str, unit: str | None = None, **overrides) -> None:
        """Complete the open task ``step`` with its usual form, dated today."""
        data = steps.step_data(step, today(), self.person, **overrides)
        with unit_of_work(self.factory) as session:
            steps.complete_step(session, self.id, step, data, CLERK, unit=unit)

    def walk(self, *names: str) -> None:
        for name in names:
            self.do(name)

    def open(self) -> list[tuple[str, str]]:
        """(step, unit) of every open task, sorted."""
        return sorted((item.step, item.unit) for item in self._items())

    def due(self, step: str) -> date | None:
        [item] = [item for item in self._items() if item.step == step]
        return item.due_at.date() if item.due_at else None

    def task_data(self, step: str, unit: str | None = None) -> dict:
        """What the open task holds, as its form shows it (readonly fields included).

        Inside a called process this differs from the case data, which shows only the
        top-level process (and, for parallel instances, only one of them).
        """
        [item] = [i for i in self._items() if i.step == step and unit in (None, i.unit)]
        with unit_of_work(self.factory) as session:
            row = session.get(CaseRow, self.id)
            loaded = specs.for_case(session, row.definition_id, row.definition_hash)
            workflow = runtime.load(row.state, loaded, registry)
            return dict(runtime.find_task(workflow, UUID(item.task_uuid)).data)

    def items(self, status: str | None = None) -> list[WorkItem]:
        with unit_of_work(self.factory) as session:
            query = select(WorkItem).where(WorkItem.case_id == self.id).order_by(WorkItem.id)
            if status:
                query = query.where(WorkItem.status == status)
            return list(session.execute(query).scalars())

    def _items(self) -> list[WorkItem]:
        return self.items("open")

    @property
    def row(self) -> CaseRow:
        with unit_of_work(self.factory) as session:
            return session.get(CaseRow, self.id)


# The steps every case takes from the sympathiser list to the branch vote, in an order
# the parallel part allows (verification at the one place where the family lives).
TO_BRANCH_VOTE = (
    "accept_sympathiser",
    "attend_class",
    "application",
    "send_verification",
    "verify_place",
    "certify_history",
    "introduction",
    "mass_org_opinion",
    "residence_opinion",
)
# STUDENT's and WORKER's branches are chi bộ cơ sở (directly under the city committee):
# their resolutions go straight to the upper committee, with no grassroots vote.
AFTER_BRANCH_VOTE = ("appraisal", "decide", "ceremony")
TO_RECOGNITION = ("member_record",)
RECOGNITION = ("recognition_file", "recognition_vote", "recognition_decide")
# A residential branch of a ward committee (not authorised): the ward votes too.
RESIDENT = {
    "full_name": "Phan Thị Thảo",
    "birth_date": "1994-04-12",
    "gender": "female",
    "category": "other",
    "branch": "P1-KP1",
    "residence_unit": "P1-KP1",
    "proposer_unit": None,
}


def through_probation(case: Case) -> None:
    """From the ceremony (done today) to the open recognition file, 12 months on."""
    ceremony = today()
    case.walk(*TO_RECOGNITION)
    row = case.row
    assert row.status == "waiting" and row.data["probation_end"] == rules.add_months(ceremony, 12)
    assert advance_to(case.factory, date.fromisoformat(row.data["probation_end"])) == 1
    assert [step for step, _ in case.open()] == ["recognition_file"]
