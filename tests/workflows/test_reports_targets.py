"""The plan's two targets and the workers by enterprise, on the known data set of
``report_data`` plus one case driven through the real diagrams to its admission
decision. Every expected figure is worked out here from the seeded facts."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from engine.cases import unit_of_work
from tests.support import report_data as rd
from workflows.admission.orgs import OrgTree, read_tree_file
from workflows.admission.reports import scope, targets
from workflows.admission.reports.targets import Settings, share_target, targets_report
from workflows.admission.tree import load_tree

from .conftest import DEMO
from .scenario import AFTER_BRANCH_VOTE, STUDENT, TO_BRANCH_VOTE, Case, today

YEAR = 2025
# Usual days from the open step to the decision (the demo's schedule: decision on day
# 110, branch vote on day 75, class on day 25).
LEAD = {"branch_vote": 110 - 75, "attend_class": 110 - 25}


def admitted_in(row: dict, year: int) -> bool:
    data = row["data"]
    if "decision" in data:
        said_yes = data["decision"] == "admit"
    else:
        said_yes = data.get("outcome") in ("admitted", "recognised", "removed")
    return said_yes and data.get("decision_date", "")[:4] == str(year)


def can_still_be_decided(row: dict, on: date) -> bool:
    """Open, undecided, and its usual lead time (after any birthday) ends this year."""
    if row["status"] not in ("active", "waiting") or "decision_date" in row["data"]:
        return False
    steps = [item[1] for item in rd.ITEMS if item[0] == row["key"] and item[4] == "open"]
    earliest = on + timedelta(days=min((LEAD[s] for s in steps), default=0))
    if row["data"].get("waiting_reason"):
        birthday = date.fromisoformat(row["data"]["waiting_until"])
        earliest = max(earliest, max(birthday, on) + timedelta(days=LEAD["branch_vote"]))
    return on <= earliest <= date(YEAR, 12, 31)


@pytest.fixture
def seeded(world):
    """The data set, and a student admitted through the engine today (8/9/2025)."""
    ids = rd.seed(world)
    student = Case(world, STUDENT)
    student.walk(*TO_BRANCH_VOTE, "branch_vote", *AFTER_BRANCH_VOTE[:2])
    assert student.row.data["decision_date"] == today().isoformat() == "2025-09-08"
    ids["R1"] = student.id
    return world, ids


def report(factory, on: date = rd.TODAY, year: int = YEAR):
    with unit_of_work(factory) as session:
        return targets_report(session, load_tree(session), "TU-DL", year, on)


def expected_admissions(ids) -> set[str]:
    return {row["key"] for row in rd.ROWS if rd.in_city(row) and admitted_in(row, YEAR)} | {"R1"}


def test_each_target_counts_the_stored_cases(seeded):
    factory, ids = seeded
    result = report(factory)
    admitted = expected_admissions(ids)
    assert admitted == {"S1", "S2", "W1", "W2", "O2", "D1", "R1"}
    rows = {row["key"]: row for row in rd.ROWS}
    rows["R1"] = {"unit": "THPT-TP", "category": "student"}
    coming = {
        row["key"] for row in rd.ROWS if rd.in_city(row) and can_still_be_decided(row, rd.TODAY)
    }
    assert coming == {"S4", "W3"}

    # Target 1: students per high-school party organisation.
    by_school = {t.unit: t for t in result.schools}
    assert set(by_school) == set(rd.SCHOOLS)
    for school, units in rd.SCHOOLS.items():
        mine = {
            k for k in admitted if rows[k]["unit"] in units and rows[k]["category"] == "student"
        }
        ahead = {k for k in coming if rows[k]["unit"] in units and rows[k]["category"] == "student"}
        assert by_school[school].count.cases == rd.ids_of(ids, mine), school
        assert by_school[school].pipeline.cases == rd.ids_of(ids, ahead), school
        assert by_school[school].target == 1
        expected = (
            "met" if len(mine) >= 1 else ("on_track" if len(mine | ahead) >= 1 else "at_risk")
        )
        assert by_school[school].status == expected, school
    assert by_school["THPT-BTX"].status == "on_track"
    assert result.overall["schools"] == "on_track"

    # Target 2: enterprise workers among all new members (no outside admissions yet).
    workers = {k for k in admitted if rows[k]["category"] == "enterprise_worker"}
    assert result.share.workers.cases == rd.ids_of(ids, workers)
    assert result.share.admissions.value == len(admitted)
    assert result.share.target == max(1, math.ceil(len(admitted) * 2 / 100))
    assert result.share.pipeline.cases == rd.ids_of(ids, {"W3"})
    assert result.share.status == "met"

    # The workers of target 2 by enterprise: where the case is handled, or (without a
    # party organisation in the enterprise) the enterprise the case names. No target.
    assert "enterprises" not in result.overall
    by_enterprise = {t.unit: t for t in result.enterprises}
    assert set(by_enterprise) == set(rd.ENTERPRISES)  # and no row of "other" workers

    def at(key: str, units: set[str]) -> bool:
        row = rows[key]
        return row["category"] == "enterprise_worker" and (
            row["unit"] in units or row.get("data", {}).get("enterprise") in units
        )

    for enterprise, units in rd.ENTERPRISES.items():
        mine = {k for k in admitted if at(k, units)}
        ahead = {k for k in coming if at(k, units)}
        assert by_enterprise[enterprise].workers.cases == rd.ids_of(ids, mine), enterprise
        assert by_enterprise[enterprise].pipeline.cases == rd.ids_of(ids, ahead), enterprise
    assert by_enterprise["DN-MX"].workers.cases == (ids["W2"],)  # in a residential branch
    assert by_enterprise["DN-DT"].pipeline.cases == (ids["W3"],)
    assert {t.unit: t.party_organisation for t in result.enterprises} == {
        "DN-LB": True,
        "DN-DT": True,
        "DN-MX": False,
        "DN-RS": False,
    }


def test_outside_admissions_raise_the_worker_target(seeded):
    """191 new members in the year, as in the plan's footnote: at least 4 workers."""
    factory, ids = seeded
    admitted = expected_admissions(ids)
    with unit_of_work(factory) as session:
        targets.save(
            session, Settings("TU-DL", YEAR, outside_admissions=191 - len(admitted)), "btc"
        )
    result = report(factory)
    assert result.share.admissions.value == 191
    assert result.share.admissions.extra == 191 - len(admitted)
    assert result.share.target == 4
    # Two workers admitted and one that can still be decided: 3 < 4.
    assert result.share.workers.value == 2 and result.share.pipeline.value == 1
    assert result.share.status == "at_risk"
    assert result.overall["share"] == "at_risk"


def test_statuses_follow_the_calendar(seeded):
    factory, ids = seeded
    # 20 December: the branch vote of S4 cannot reach a decision before the new year.
    late = report(factory, date(2025, 12, 20))
    assert {t.unit: t.status for t in late.schools}["THPT-BTX"] == "at_risk"
    assert late.schools[0].pipeline.cases == ()
    # The year is over: what was short is missed; what was reached stays met.
    after = report(factory, date(2026, 1, 5))
    statuses = {t.unit: t.status for t in after.schools}
    assert statuses == {"THPT-TP": "met", "THPT-TL": "met", "THPT-BTX": "missed"}
    assert after.overall["schools"] == "missed"
    assert {t.unit: t.pipeline.cases for t in after.enterprises} == dict.fromkeys(
        rd.ENTERPRISES, ()
    )


def test_the_board_chooses_targets_and_units(seeded):
    factory, ids = seeded
    with unit_of_work(factory) as session:
        targets.save(
            session,
            Settings(
                "TU-DL", YEAR, students_per_school=2, worker_share_bp=50, schools=("THPT-TP",)
            ),
            "btc",
        )
    result = report(factory)
    assert [(t.unit, t.target, t.count.value, t.status) for t in result.schools] == [
        ("THPT-TP", 2, 2, "met")
    ]
    assert result.share.target == 1  # 0.5 % of 7, rounded up
    # Leaving schools out leaves the enterprises as they are: the tree's.
    assert {t.unit for t in result.enterprises} == set(rd.ENTERPRISES)
    # Another year keeps the plan's defaults.
    assert report(factory, year=2026).settings.students_per_school == 1


def test_share_target_rounds_up_as_the_plan_does():
    assert share_target(200, 191) == 4
    assert share_target(200, 150) == 3
    assert share_target(200, 0) == 1
    assert share_target(250, 200) == 5
    assert share_target(0, 191) == 0


def test_schools_and_enterprises_of_the_demo_tree_are_those_it_marks():
    tree = OrgTree(read_tree_file(DEMO))
    assert {u.code for u in scope.schools(tree, "TU-DL")} == set(rd.SCHOOLS)
    assert {u.code for u in scope.enterprises(tree, "TU-DL")} == set(rd.ENTERPRISES)
