"""Sourcing quotas: each mass organisation's yearly quota against the cases it proposed
that year (by the day in Vietnam), worked out here from ``report_data``."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from engine.cases import unit_of_work
from tests.support import report_data as rd
from workflows.admission.reports import quotas
from workflows.admission.tree import load_tree

VIETNAM = timezone(timedelta(hours=7))


def opened_in(row: dict, year: int) -> bool:
    return rd.moment(row["created"]).astimezone(VIETNAM).year == year


@pytest.fixture
def seeded(world):
    ids = rd.seed(world)
    with unit_of_work(world) as session:
        quotas.assign(session, "DT-THPT-TP", 2025, 3, "bdv")
        quotas.assign(session, "CD-DN-LB", 2025, 1, "bdv")
        quotas.assign(session, "TD-DL", 2025, 5, "bdv")
        quotas.assign(session, "TD-DL", 2025, None, "bdv")  # taken back
    return world, ids


def test_progress_counts_the_cases_each_organisation_started(seeded):
    factory, ids = seeded
    with unit_of_work(factory) as session:
        report = quotas.quota_report(session, load_tree(session), "TU-DL", 2025)
    rows = {row.unit: row for row in report.rows}
    assert {"TD-DL", "LDLD-DL", "MTTQ-DL", "DT-THPT-TP", "CD-DN-MX"} <= set(rows)
    assert "BDV-DL" not in rows and "THPT-TP" not in rows
    assert {u: r.quota for u, r in rows.items() if r.quota is not None} == {
        "DT-THPT-TP": 3,
        "CD-DN-LB": 1,
    }
    for unit, row in rows.items():
        mine = {
            r["key"]
            for r in rd.ROWS
            if rd.in_city(r) and opened_in(r, 2025) and r["data"].get("proposer_unit") == unit
        }
        admitted = {k for k in mine if rd.rows(k)[0]["data"].get("decision") == "admit"}
        assert row.proposed.cases == rd.ids_of(ids, mine), unit
        assert row.admitted.cases == rd.ids_of(ids, admitted), unit
    # W1 was opened on 1 January in Vietnam (31 December in UTC): it counts for 2025.
    assert rows["CD-DN-LB"].proposed.cases == (ids["W1"],)
    assert rows["CD-DN-LB"].reached is True
    assert rows["DT-THPT-TP"].proposed.value == 0 and rows["DT-THPT-TP"].reached is False
    assert rows["TD-DL"].reached is None
