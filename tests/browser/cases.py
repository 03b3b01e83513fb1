"""Cases made for a browser test through the engine, in the live server's database:
the pages of the steps they skip are tested elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select

from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from engine.models import WorkItem
from tests.support.webapp import DB_FILE
from workflows.admission import intake, rules, steps

# A student of age, at Trần Phú high school, living in ward 1.
PERSON = {
    "full_name": "Lê Thị Thu Hà",
    "birth_date": "2005-02-20",
    "gender": "female",
    "ethnicity": "Kinh",
    "youth_union_member": True,
    "category": "student",
    "branch": "THPT-TP",
    "residence_unit": "P1",
    "proposer_unit": "DT-THPT-TP",
}


@contextmanager
def live_database(tmp_path) -> Iterator:
    """A session factory on the live server's database (tests/browser/conftest.py)."""
    engine = engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    try:
        yield engine_db.make_session_factory(engine)
    finally:
        engine.dispose()


def walked(tmp_path, through: tuple[str, ...] = (), person: dict | None = None) -> int:
    """A case started and walked through the steps ``through``; its open task's id
    (the first, when there are several)."""
    person = person or PERSON
    with live_database(tmp_path) as factory:
        with unit_of_work(factory) as s:
            case_id = intake.start_admission(s, person, Actor("dt_tp")).id
        for step in through:
            with unit_of_work(factory) as s:
                data = steps.step_data(step, rules.today(), person)
                steps.complete_step(s, case_id, step, data, Actor("clerk"))
        with unit_of_work(factory) as s:
            return s.execute(
                select(WorkItem.id)
                .where(WorkItem.case_id == case_id, WorkItem.status == "open")
                .order_by(WorkItem.id)
                .limit(1)
            ).scalar_one()
