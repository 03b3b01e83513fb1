"""The pipeline: cases per step, unit and category; time per step and per body (median
and nearest-rank 90th percentile); overdue tasks; cases waiting on a date. Expected
figures are worked out here from ``report_data``'s rows and tasks."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from engine.cases import unit_of_work
from tests.support import report_data as rd
from workflows.admission.reports import facts
from workflows.admission.reports.pipeline import pipeline_report
from workflows.admission.tree import load_tree


@pytest.fixture
def report(world):
    ids = rd.seed(world)
    with unit_of_work(world) as session:
        units = facts.committee_units(load_tree(session), "TU-DL")
        result = pipeline_report(session, units, rd.NOW, rd.TODAY)
    return result, ids


def _days(item) -> float:
    return (
        datetime.fromisoformat(item[6]) - datetime.fromisoformat(item[5])
    ).total_seconds() / 86400


def _median_and_p90(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return median, ordered[math.ceil(len(ordered) * 9 / 10) - 1]


def test_cases_at_each_step(report):
    result, ids = report
    rows = {row["key"]: row for row in rd.ROWS}
    open_items = [i for i in rd.ITEMS if i[4] == "open" and rd.in_city(rows[i[0]])]
    steps = {row.step: row for row in result.steps}
    assert set(steps) == {i[1] for i in open_items}
    for step, row in steps.items():
        keys = {i[0] for i in open_items if i[1] == step}
        assert row.total.cases == rd.ids_of(ids, keys)
        for category in {rows[k]["category"] for k in keys}:
            assert row.by_category[category].cases == rd.ids_of(
                ids, {k for k in keys if rows[k]["category"] == category}
            )
        for unit in {rows[k]["unit"] for k in keys}:
            assert row.by_unit[unit].cases == rd.ids_of(
                ids, {k for k in keys if rows[k]["unit"] == unit}
            )
    # Steps in the order of the procedure: the class comes before the branch vote.
    assert [row.step for row in result.steps] == ["attend_class", "branch_vote"]
    assert steps["attend_class"].total.value == 2


def test_time_per_step_and_per_body(report):
    result, _ids = report
    done = [i for i in rd.ITEMS if i[4] == "completed" and i[3] != "ELSEWHERE"]
    for timing in result.step_times:
        spans = [_days(i) for i in done if i[1] == timing.key]
        median, p90 = _median_and_p90(spans)
        assert (timing.count, timing.median, timing.p90) == (len(spans), median, p90)
    assert {t.key for t in result.step_times} == {"application", "introduction"}
    # application: 1, 2, 3, 4 and 10 days; introduction: 2 and 6.5 days.
    assert [(t.key, t.median, t.p90) for t in result.step_times] == [
        ("application", 3.0, 10.0),
        ("introduction", 4.25, 6.5),
    ]
    for timing in result.body_times:
        spans = [_days(i) for i in done if i[3] == timing.key]
        assert (timing.count, timing.median, timing.p90) == (len(spans), *_median_and_p90(spans))
    assert {t.key for t in result.body_times} == {i[3] for i in done}


def test_overdue_and_waiting(report):
    result, ids = report
    late = [i for i in rd.ITEMS if i[4] == "open" and datetime.fromisoformat(i[6]) < rd.NOW]
    assert {unit: figure.cases for unit, figure in result.overdue.items()} == {
        unit: rd.ids_of(ids, {i[0] for i in late if i[3] == unit}) for unit in {i[3] for i in late}
    }
    assert set(result.overdue) == {"THPT-BTX", "TTCT-DL"}
    waiting = [row for row in rd.ROWS if row["data"].get("waiting_reason")]
    assert [(w.case_id, w.until.isoformat()) for w in result.birthday] == [
        (ids[row["key"]], row["data"]["waiting_until"]) for row in waiting
    ]
    on_probation = [
        row
        for row in rd.ROWS
        if row["status"] in ("active", "waiting")
        and row["data"].get("probation_end", "") > rd.TODAY.isoformat()
    ]
    assert sorted(w.case_id for w in result.probation) == sorted(
        ids[row["key"]] for row in on_probation
    )
    assert {w.case_id for w in result.probation} == {ids["S2"], ids["O2"]}
