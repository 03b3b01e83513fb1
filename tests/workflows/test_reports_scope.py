"""Targets on any tree: the schools, enterprises, target owners and quota boards are
what the tree file says (``institution``, ``duties``), wherever the units sit.

The expected units are read here from the YAML files with nothing of ketnap's, so the
tree reader and the reports are checked against the files themselves."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from engine.cases import unit_of_work
from tests.support import report_data as rd
from workflows.admission import orgs
from workflows.admission.reports import quotas, scope
from workflows.admission.reports.targets import targets_report
from workflows.admission.tree import load_tree

from .conftest import DEMO, TREE_2025

SCHOOLS_2025 = {"THPT-TP", "THPT-BTX", "THPT-TL"}
ENTERPRISES_2025 = {"DN-MX", "DN-RS", "DN-DT", "DN-LB"}


def _yaml_units(path: Path) -> list[dict]:
    """Every unit of the file, with the code of its parent and the codes above it."""
    found: list[dict] = []

    def walk(items: list[dict], above: tuple[dict, ...]) -> None:
        for item in items:
            found.append({**item, "above": above})
            walk(item.get("children") or [], (*above, item))

    walk(yaml.safe_load(path.read_text(encoding="utf-8"))["units"], ())
    return found


def marked(path: Path) -> dict[str, set[str]]:
    """institution -> the codes of the outermost units the file marks with it."""
    found = defaultdict(set)
    for unit in _yaml_units(path):
        mine = unit.get("institution")
        if mine and all(up.get("institution") != mine for up in unit["above"]):
            found[mine].add(unit["code"])
    return found


def below(path: Path, code: str) -> set[str]:
    """``code`` and the codes of every unit under it in the file."""
    return {code} | {
        u["code"] for u in _yaml_units(path) if code in {a["code"] for a in u["above"]}
    }


def test_the_files_mark_schools_and_enterprises_under_wards_in_2025():
    found = marked(TREE_2025)
    assert found == {"high_school": SCHOOLS_2025, "non_state_enterprise": ENTERPRISES_2025}
    parents = {u["code"]: u["above"][-1] for u in _yaml_units(TREE_2025) if u["above"]}
    assert {parents[code]["kind"] for code in SCHOOLS_2025 | ENTERPRISES_2025} == {"ward_committee"}
    # The demo tree (the plan's structure) marks the same units, under the city.
    assert marked(DEMO) == found


@pytest.fixture
def reorganised(world):
    """The report data set, then the 2025 tree imported over the demo one."""
    ids = rd.seed(world)
    with unit_of_work(world) as session:
        orgs.import_tree(session, orgs.read_tree_file(TREE_2025))
    return world, ids


def test_the_2025_dashboard_finds_every_school_and_enterprise(reorganised):
    factory, ids = reorganised
    with unit_of_work(factory) as session:
        tree = load_tree(session)
        assert scope.target_committees(tree) == ["TU-LD"]  # TU-DL is inactive now
        report = targets_report(session, tree, "TU-LD", 2025, rd.TODAY)
    found = marked(TREE_2025)
    assert {t.unit for t in report.schools} == found["high_school"] == SCHOOLS_2025
    assert {t.unit for t in report.enterprises} == found["non_state_enterprise"]
    assert {t.unit for t in report.enterprises} == ENTERPRISES_2025

    # The province counts the cases of every unit under it in the file: not D1, whose
    # ward P1 was dissolved into Xuân Hương and stays under the inactive city.
    province = below(TREE_2025, "TU-LD")
    admitted = {
        r["key"]
        for r in rd.ROWS
        if r["unit"] in province and r["data"].get("decision_date", "").startswith("2025")
        if r["data"].get("decision", "admit") == "admit"
    }
    assert admitted == {"S1", "S2", "W1", "W2", "O2"}
    assert report.share.admissions.cases == rd.ids_of(ids, admitted)
    schools = {t.unit: (t.count.cases, t.pipeline.cases) for t in report.schools}
    assert schools == {
        "THPT-TP": ((ids["S1"],), ()),
        "THPT-TL": ((ids["S2"],), ()),
        "THPT-BTX": ((), (ids["S4"],)),
    }
    workers = {t.unit: (t.workers.cases, t.pipeline.cases) for t in report.enterprises}
    assert workers == {
        "DN-LB": ((ids["W1"],), ()),
        "DN-MX": ((ids["W2"],), ()),  # a residential branch of Xuân Hương names it
        "DN-DT": ((), (ids["W3"],)),
        "DN-RS": ((), ()),
    }
    assert report.share.workers.cases == rd.ids_of(ids, {"W1", "W2"})


def test_a_worker_of_no_enterprise_in_the_tree_has_a_row_of_their_own(reorganised):
    factory, ids = reorganised
    with unit_of_work(factory) as session:
        # W2's enterprise leaves the tree: W2 still counts, in the last row.
        units = [u for u in orgs.read_tree_file(TREE_2025) if u.code not in {"DN-MX", "CD-DN-MX"}]
        orgs.import_tree(session, units)
        report = targets_report(session, load_tree(session), "TU-LD", 2025, rd.TODAY)
    assert [t.unit for t in report.enterprises][-1] is None
    rest = report.enterprises[-1]
    assert (rest.workers.cases, rest.party_organisation) == ((ids["W2"],), None)
    assert sum(t.workers.value for t in report.enterprises) == report.share.workers.value


def test_quotas_are_set_by_the_board_the_tree_names():
    demo, tree_2025 = (orgs.OrgTree(orgs.read_tree_file(path)) for path in (DEMO, TREE_2025))
    assert scope.quota_body(demo, "TU-DL").code == "BDV-DL"
    # 2025: the province's combined propaganda and mass mobilisation board, also for
    # the mass organisations of a ward, which has no such board of its own.
    body = scope.quota_body(tree_2025, "TU-LD")
    assert (body.code, body.kind) == ("BTGDV-LD", "propaganda_board")
    assert scope.quota_body(tree_2025, "XH-DL").code == "BTGDV-LD"
    assert scope.own_quota_body(tree_2025, "XH-DL") is None
    assert scope.target_committees(demo) == ["TU-DL"]
    assert scope.target_committees(tree_2025) == ["TU-LD"]


def test_the_quota_report_names_its_board(reorganised):
    factory, _ids = reorganised
    with unit_of_work(factory) as session:
        report = quotas.quota_report(session, load_tree(session), "TU-LD", 2025)
    assert report.body == "BTGDV-LD"
    rows = {row.unit for row in report.rows}
    assert {"TD-LD", "LDLD-LD", "DT-XH-DL", "DT-THPT-TP", "CD-DN-MX"} <= rows


YAML_HEAD = """
units:
  - code: C
    name: Committee
    kind: committee
    duties: [owns_plan_targets]
    children:
"""


def problems(children: str) -> list[str]:
    return orgs.validate(orgs.parse_tree(YAML_HEAD + children, "yaml"))


def test_the_import_checks_the_attributes():
    assert problems("      - {code: S, name: School, kind: branch, institution: high_school}") == []
    assert problems("      - {code: S, name: S, kind: branch, institution: school}") == [
        "line 8 (S): unknown institution 'school'; known: high_school, non_state_enterprise"
    ]
    assert problems("      - {code: S, name: S, kind: youth_union, institution: high_school}") == [
        "line 8 (S): institution 'high_school' is for units of kind branch, "
        "grassroots_committee, not youth_union"
    ]
    assert problems("      - {code: E, name: E, kind: enterprise, institution: high_school}")
    assert problems("      - {code: B, name: B, kind: standing_board, duties: [quotas]}") == [
        "line 8 (B): unknown duty 'quotas'; known: owns_plan_targets, sets_sourcing_quotas, "
        "grassroots_organisation, province_level"
    ]
    assert problems("      - {code: B, name: B, kind: branch, duties: [owns_plan_targets]}") == [
        "line 8 (B): duty 'owns_plan_targets' is for units of kind committee, "
        "grassroots_committee, ward_committee, not branch"
    ]
    board = "      - {code: %s, name: B, kind: %s, duties: [sets_sourcing_quotas]}"
    two = "\n".join([board % ("B1", "mass_mobilisation_board"), board % ("B2", "propaganda_board")])
    assert problems(two) == ["line 9 (B2): C's sourcing quotas are already set by B1"]


def test_csv_carries_the_attributes_too():
    text = (
        "code,name,kind,parent,institution,duties\n"
        "C,Committee,committee,,,owns_plan_targets\n"
        "Q,Board,propaganda_board,C,,sets_sourcing_quotas\n"
        "E,Enterprise,enterprise,C,non_state_enterprise,\n"
    )
    units = orgs.parse_tree(text, "csv")
    assert orgs.validate(units) == []
    tree = orgs.OrgTree(units)
    assert [u.code for u in scope.enterprises(tree, "C")] == ["E"]
    assert scope.quota_body(tree, "C").code == "Q"


def test_a_reimport_of_the_same_file_changes_nothing(world):
    with unit_of_work(world) as session:
        plan = orgs.plan_import(session, orgs.read_tree_file(DEMO))
    assert (plan.created, plan.updated, plan.deactivated) == ((), (), ())
