"""Helpers for page tests: start admission cases and move them on through the engine
(not through pages), then look at what the pages show."""

from __future__ import annotations

from sqlalchemy import select, update

from engine.cases import Actor, unit_of_work
from engine.models import Event, WorkItem
from workflows.admission import intake, rules, steps

# 17 years and 3 months old today: a student who must wait for the 18th birthday.
STUDENT = {
    "full_name": "Nguyễn Văn An",
    "gender": "male",
    "ethnicity": "Kinh",
    "youth_union_member": True,
    "category": "student",
    "branch": "THPT-TP",
    "residence_unit": "P1",
    "proposer_unit": "DT-THPT-TP",
    "birth_date": rules.add_months(rules.today(), -(17 * 12 + 3)),
}
# The student's steps up to the branch vote (one verification place: P1).
DOSSIER = (
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


def factory(app):
    return app.extensions["ketnap_db"]


def start(app, who: str = "dt_tp", **person) -> int:
    with unit_of_work(factory(app)) as s:
        return intake.start_admission(s, {**STUDENT, **person}, Actor(who)).id


def open_items(app, case_id: int | None = None) -> list[WorkItem]:
    with unit_of_work(factory(app)) as s:
        query = select(WorkItem).where(WorkItem.status == "open").order_by(WorkItem.id)
        if case_id is not None:
            query = query.where(WorkItem.case_id == case_id)
        return list(s.execute(query).scalars())


def item_id(app, case_id: int, step: str) -> int:
    [found] = [item.id for item in open_items(app, case_id) if item.step == step]
    return found


def get_item(app, item: int) -> WorkItem:
    with unit_of_work(factory(app)) as s:
        return s.get(WorkItem, item)


def do(app, case_id: int, *names: str, who: str = "clerk") -> None:
    """Complete the case's open tasks ``names`` in turn, with the usual form data."""
    for name in names:
        data = steps.step_data(name, rules.today(), STUDENT)
        with unit_of_work(factory(app)) as s:
            steps.complete_step(s, case_id, name, data, Actor(who))


def set_item(app, item: int, **values) -> None:
    """Change a task's inbox row directly (a deadline, say) to test how pages show it."""
    with unit_of_work(factory(app)) as s:
        s.execute(update(WorkItem).where(WorkItem.id == item).values(**values))


def event_count(app, case_id: int) -> int:
    """How many audit events the case has (sign-ins and the like are not counted)."""
    with unit_of_work(factory(app)) as s:
        return len(s.execute(select(Event.seq).where(Event.case_id == case_id)).all())
