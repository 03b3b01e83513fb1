"""Half-year and year figures by group, worked out here from ``report_data``'s facts."""

from __future__ import annotations

import pytest

from engine.cases import unit_of_work
from tests.support import report_data as rd
from workflows.admission.reports import facts
from workflows.admission.reports.periods import Period, period_report
from workflows.admission.tree import load_tree

YEAR = 2025
HALVES = {
    "2025-H1": ("2025-01-01", "2025-06-30"),
    "2025-H2": ("2025-07-01", "2025-12-31"),
    "2025": ("2025-01-01", "2025-12-31"),
}
# Who is in each group, read off the facts as a person filling in the report would.
GROUPS = {
    "all": lambda row: True,
    "student": lambda row: row["category"] == "student",
    "enterprise_worker": lambda row: row["category"] == "enterprise_worker",
    "enterprise_manager": lambda row: row["category"] == "enterprise_manager",
    "women": lambda row: row["data"].get("gender") == "female",
    "ethnic_minority": lambda row: row["data"].get("ethnicity", "Kinh").strip().lower() != "kinh",
    "youth_union": lambda row: row["data"].get("youth_union_member") is True,
}


def _day(row: dict, measure: str) -> str | None:
    data = row["data"]
    if measure == "admissions":
        yes = (
            data.get("decision") == "admit"
            if "decision" in data
            else data.get("outcome") in ("admitted", "recognised", "removed")
        )
        return data["decision_date"] if yes else None
    wanted = {"recognitions": "recognise", "removals": "remove"}[measure]
    return data["recognition_decision_date"] if data.get("recognition_decision") == wanted else None


def expected(period: str, group: str, measure: str) -> set[str]:
    first, last = HALVES[period]
    return {
        row["key"]
        for row in rd.ROWS
        if rd.in_city(row)
        and GROUPS[group](row)
        and (_day(row, measure) or "")
        and first <= _day(row, measure) <= last
    }


@pytest.fixture
def seeded(world):
    return world, rd.seed(world)


def test_every_cell_counts_the_cases_of_its_period_and_group(seeded):
    factory, ids = seeded
    with unit_of_work(factory) as session:
        report = period_report(session, facts.committee_units(load_tree(session), "TU-DL"), YEAR)
    assert [p.key for p in report.periods] == list(HALVES)
    for period in report.periods:
        for group in GROUPS:
            for measure in ("admissions", "recognitions", "removals"):
                want = expected(period.key, group, measure)
                assert report.cell(period, group, measure).cases == rd.ids_of(ids, want), (
                    period.key,
                    group,
                    measure,
                )
    # The boundaries: a removal on 30 June is in the first half, an admission on 1 July
    # in the second; the year holds both halves.
    assert report.cell(Period(YEAR, 1), "all", "removals").cases == rd.ids_of(ids, {"O1"})
    assert ids["O2"] in report.cell(Period(YEAR, 2), "all", "admissions").cases
    assert report.cell(Period(YEAR), "all", "admissions").value == 6
    assert report.cell(Period(YEAR), "ethnic_minority", "admissions").cases == rd.ids_of(
        ids, {"S2", "W2"}
    )
    assert report.cell(Period(YEAR, 2), "student", "recognitions").cases == rd.ids_of(ids, {"S3"})


def test_one_unit_below_the_committee(seeded):
    factory, ids = seeded
    with unit_of_work(factory) as session:
        units = facts.committee_units(load_tree(session), "THPT-TL")
        report = period_report(session, units, YEAR)
    assert report.cell(Period(YEAR), "all", "admissions").cases == rd.ids_of(ids, {"S2"})
