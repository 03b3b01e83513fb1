"""``ketnap demo --cases N``: the stories, then copies of them written in bulk, which
must be what the engine would have produced (chain, inbox, states agree)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from engine import clock
from engine.cases import Actor, unit_of_work
from engine.models import Case, WorkItem
from tests.support.consistency import check_consistent
from workflows.admission import bulk, demo, rules, steps

from .conftest import plugin_runner


@pytest.fixture
def run(factory, monkeypatch):
    invoke = plugin_runner(factory, monkeypatch)
    with clock.frozen_at(datetime(2025, 9, 8, 2, tzinfo=UTC)):
        yield invoke


def test_demo_cases_seeds_copies_consistent_with_the_engine(run, factory):
    result = run("demo", "--cases", "40")
    assert result.exit_code == 0, result.output
    assert "Đã tạo thêm 28 hồ sơ" in result.stdout
    with factory() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar() == 40
        titles = list(s.execute(select(Case.title)).scalars())
        # Each copy is somebody else: no template name left in a copy's title.
        assert len(set(titles)) == 40
        copy_id = (
            s.execute(
                select(WorkItem.case_id)
                .where(WorkItem.status == "open", WorkItem.case_id > len(demo.STORIES))
                .order_by(WorkItem.id)
            )
            .scalars()
            .first()
        )
    check_consistent(factory)
    # A copy is a live case: the engine moves it on like any other.
    with unit_of_work(factory) as s:
        [item, *_] = steps.open_items(s, copy_id)
        case = s.get(Case, copy_id)
        steps.complete_step(
            s,
            copy_id,
            item.step,
            steps.step_data(item.step, rules.today(), case.data),
            Actor("clerk"),
            unit=item.unit,
        )
    check_consistent(factory)


def test_copy_names_are_distinct():
    names = [bulk.person_name(n) for n in range(10_000)]
    assert len(set(names)) == len(names)
