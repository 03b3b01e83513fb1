"""Concurrent operations with real threads on real databases (PostgreSQL included).

Each thread has its own session and connection, as web workers do.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from engine import audit, cases, clock, definitions, timers
from engine.cases import Actor, unit_of_work
from engine.errors import Conflict
from engine.models import Case, Event, WorkItem

from .helpers import DATA, SUBMIT_OK, deploy_review, make_registry


def run_together(jobs):
    """Run callables at the same moment; return (results, errors) in order."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), [None] * len(jobs)

    def worker(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except Exception as err:  # collected and asserted on by the caller
            errors[i] = err

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


@pytest.fixture
def reg():
    return make_registry()


def test_same_task_completed_twice_at_once_one_wins(factory, reg):
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        case_id = cases.start_case(s, "review", {"full_name": "A"}, Actor("a"), registry=reg).id
        item_id = s.execute(select(WorkItem.id).where(WorkItem.case_id == case_id)).scalar()

    def complete(name):
        def job():
            with unit_of_work(factory) as s:
                cases.complete_task(s, item_id, SUBMIT_OK, Actor(name), registry=reg)
            return name

        return job

    results, errors = run_together([complete("u1"), complete("u2")])
    assert sum(r is not None for r in results) == 1
    assert sum(isinstance(e, Conflict) for e in errors) == 1
    with unit_of_work(factory) as s:
        assert (
            s.execute(
                select(func.count()).select_from(Event).where(Event.kind == "task_completed")
            ).scalar()
            == 1
        )
        assert s.get(WorkItem, item_id).completed_by in ("u1", "u2")
        assert audit.verify(s) is None


def test_parallel_branches_completed_at_once_lose_nothing(factory, reg):
    with unit_of_work(factory) as s:
        definitions.deploy(s, definitions.collect([DATA / "parallel"]), "d", registry=reg)
        case_id = cases.start_case(s, "parallel", {}, Actor("a"), registry=reg).id
    with unit_of_work(factory) as s:
        items = (
            s.execute(select(WorkItem).where(WorkItem.case_id == case_id).order_by(WorkItem.step))
            .scalars()
            .all()
        )
    assert [i.step for i in items] == ["t1", "t2", "t3", "t4"]

    def complete(item):
        def job():
            with unit_of_work(factory) as s:
                cases.complete_task(s, item.id, {"note": item.step}, Actor(item.step), registry=reg)

        return job

    _, errors = run_together([complete(i) for i in items])
    assert errors == [None] * 4
    with unit_of_work(factory) as s:
        case = s.get(Case, case_id)
        assert case.status == "closed"
        assert (
            s.execute(
                select(func.count())
                .select_from(WorkItem)
                .where(WorkItem.case_id == case_id, WorkItem.status == "completed")
            ).scalar()
            == 4
        )
        assert audit.verify(s) is None


def test_two_timer_workers_fire_each_timer_once(factory, reg):
    deploy_review(factory, reg)
    count = 60
    with unit_of_work(factory) as s:
        for n in range(count):
            case = cases.start_case(s, "review", {"full_name": f"C{n}"}, Actor("a"), registry=reg)
            s.flush()
            item = s.execute(select(WorkItem).where(WorkItem.case_id == case.id)).scalar_one()
            cases.complete_task(s, item.id, SUBMIT_OK, Actor("a"), registry=reg)
    clock.advance(datetime(2030, 1, 1, 1, tzinfo=UTC) - clock.now())
    worker = Actor("timer")
    results, errors = run_together([lambda: timers.run_due(factory, worker, registry=reg)] * 2)
    assert errors == [None, None]
    assert sum(results) == count
    with unit_of_work(factory) as s:
        fired = s.execute(
            select(Event.case_id, func.count())
            .where(Event.kind == "timer_fired")
            .group_by(Event.case_id)
        ).all()
        assert len(fired) == count and all(n == 1 for _, n in fired)
        assert (
            s.execute(
                select(func.count())
                .select_from(Case)
                .where(Case.next_due_at.is_not(None), Case.next_due_at <= clock.now())
            ).scalar()
            == 0
        )
        assert audit.verify(s) is None
