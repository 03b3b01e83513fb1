"""Lane resolvers against the demo trees, with a fake context and with a database."""

from __future__ import annotations

import pytest

from engine.assignment import ResolveContext, resolve_unit
from engine.cases import unit_of_work
from engine.errors import ProcessError
from engine.registry import Registry, registry
from workflows.admission import orgs, resolvers
from workflows.admission.orgs import OrgTree, OrgUnit

from .conftest import DEMO

STUDENT = {"branch": "THPT-TL-GV", "proposer_unit": "DT-THPT-TL", "residence_unit": "P2-KP1"}
WORKER = {"residence_unit": "P3", "proposer_unit": "CD-DN-MX", "enterprise": "DN-MX"}


@pytest.fixture
def use_tree(monkeypatch):
    """Make the resolvers see ``tree`` instead of reading a database."""

    def use(tree):
        monkeypatch.setattr(resolvers, "load_tree", lambda session: tree)

    return use


def ctx(case, task=None, session="fake session"):
    return ResolveContext(case=case, task=task or {}, unit=None, session=session)


def resolve(name, case, task=None):
    return resolvers.RESOLVERS[name](ctx(case, task))


def test_registered_under_the_lane_names():
    assert set(resolvers.RESOLVERS) == {
        "branch",
        "grassroots_committee",
        "deciding_committee",
        "authorised_committee",
        "partial_committee",
        "organisation_board",
        "political_centre",
        "proposer",
        "ward_committee",
        "verification_place",
        "handling_unit",
        "sending_committee",
        "province_consent",
    }
    for name, fn in resolvers.RESOLVERS.items():
        assert registry.resolvers[name] is fn
    resolvers.register()
    assert registry.resolvers["branch"] is resolvers.branch


@pytest.mark.parametrize(
    "name, expected",
    [
        ("branch", "THPT-TL-GV"),
        ("handling_unit", "THPT-TL-GV"),
        ("grassroots_committee", "THPT-TL"),
        ("deciding_committee", "BTV-DL"),
        ("organisation_board", "BTC-DL"),
        ("political_centre", "TTCT-DL"),
        ("proposer", "DT-THPT-TL"),
        ("ward_committee", "P2"),
    ],
)
def test_student_case(use_tree, demo_tree, name, expected):
    use_tree(demo_tree)
    assert resolve(name, STUDENT) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("handling_unit", "P3"),
        ("grassroots_committee", "P3"),
        ("deciding_committee", "BTV-DL"),
        ("organisation_board", "BTC-DL"),
        ("political_centre", "TTCT-DL"),
        ("proposer", "CD-DN-MX"),
        ("ward_committee", "P3"),
    ],
)
def test_worker_without_a_party_organisation_is_handled_by_the_ward(
    use_tree, demo_tree, name, expected
):
    use_tree(demo_tree)
    assert resolve(name, WORKER) == expected


def test_worker_once_the_ward_assigned_a_branch(use_tree, demo_tree):
    use_tree(demo_tree)
    case = {**WORKER, "branch": "P3-KP2"}
    assert resolve("handling_unit", case) == "P3-KP2"
    assert resolve("grassroots_committee", case) == "P3"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("grassroots_committee", "THPT-TP"),  # a chi bộ cơ sở under the ward
        ("deciding_committee", "BTV-XH-DL"),
        ("organisation_board", "BXD-XH-DL"),
        ("political_centre", "TCT-LD"),
    ],
)
def test_after_the_2025_reorganisation(use_tree, tree_2025, name, expected):
    use_tree(tree_2025)
    assert resolve(name, {"branch": "THPT-TP"}) == expected


def test_a_residential_branch_after_2025_votes_at_its_ward(use_tree, tree_2025):
    use_tree(tree_2025)
    assert resolve("grassroots_committee", {"branch": "P1-KP1"}) == "XH-DL"


def test_verification_place_is_the_ward_of_the_place(use_tree, demo_tree):
    use_tree(demo_tree)
    assert resolve("verification_place", STUDENT, {"place": {"unit": "P1"}}) == "P1"
    assert resolve("verification_place", STUDENT, {"place": {"unit": "P1-KP2"}}) == "P1"
    with pytest.raises(LookupError, match="no place"):
        resolve("verification_place", STUDENT, {})
    # A place outside the tree (or not under a ward) never stops the case: the sending
    # committee writes to it.
    outside = {"place": {"unit": None, "outside": "abroad", "address": "Paris"}}
    assert resolve("verification_place", STUDENT, outside) == "THPT-TL"
    assert resolve("verification_place", STUDENT, {"place": {"unit": "NOPE"}}) == "THPT-TL"
    assert resolve("sending_committee", STUDENT) == "THPT-TL"


def test_the_province_consent_where_the_tree_has_a_province_and_where_it_stops_below(
    use_tree, demo_tree, tree_2025
):
    use_tree(demo_tree)
    assert resolve("province_consent", STUDENT) == "BTC-DL"  # records the province's letter
    use_tree(tree_2025)
    assert resolve("province_consent", {"branch": "THPT-TP"}) == "BTV-LD"


def test_a_readmission_is_decided_at_province_level(use_tree, demo_tree, tree_2025):
    use_tree(tree_2025)
    case = {"branch": "THPT-TP", "readmission": True}
    assert resolve("deciding_committee", case) == "BTV-LD"
    assert resolve("organisation_board", case) == "BTC-LD"
    assert resolve("deciding_committee", {**case, "readmission": False}) == "BTV-XH-DL"
    # Where the tree stops below the province, the usual committee records its decision.
    use_tree(demo_tree)
    assert resolve("deciding_committee", {**STUDENT, "readmission": True}) == "BTV-DL"


@pytest.mark.parametrize(
    "name, case, words",
    [
        ("branch", {"residence_unit": "P1"}, "no branch"),
        ("branch", {"branch": "  "}, "no branch"),
        ("branch", {"branch": "NOPE"}, "'NOPE' is not in the organisation tree"),
        ("handling_unit", {}, "neither a branch nor a residence_unit"),
        ("proposer", STUDENT | {"proposer_unit": None}, "no proposer_unit"),
        ("ward_committee", {"residence_unit": "TU-DL"}, "no ward committee for unit TU-DL"),
        ("grassroots_committee", {"branch": "TD-DL"}, "no grassroots committee for unit TD-DL"),
    ],
)
def test_clear_errors(use_tree, demo_tree, name, case, words):
    use_tree(demo_tree)
    with pytest.raises(LookupError, match=words):
        resolve(name, case)


def test_a_committee_without_boards(use_tree):
    use_tree(
        OrgTree(
            [
                OrgUnit("W", "Ward", "ward_committee", upper="W"),
                OrgUnit("KP", "Branch", "branch", parent="W"),
            ]
        )
    )
    assert resolve("deciding_committee", {"branch": "KP"}) == "W"
    with pytest.raises(LookupError, match="no organisation board for unit W"):
        resolve("organisation_board", {"branch": "KP"})
    with pytest.raises(LookupError, match="no political centre"):
        resolve("political_centre", {"branch": "KP"})


def test_without_a_session():
    with pytest.raises(LookupError, match="no database session"):
        resolvers.branch(ctx({"branch": "THPT-TP"}, session=None))


def test_the_engine_reports_a_failed_lane_with_the_reason(use_tree, demo_tree):
    use_tree(demo_tree)
    reg = Registry()
    resolvers.register(reg)
    lanes = {"L": {"name": "Chi bộ", "resolver": "branch"}}
    assert resolve_unit(reg, lanes, "L", ctx(STUDENT)) == "THPT-TL-GV"
    with pytest.raises(ProcessError, match="Chi bộ: .*no branch"):
        resolve_unit(reg, lanes, "L", ctx(WORKER))


def test_case_unit():
    assert resolvers.case_unit(STUDENT, None) == "THPT-TL-GV"
    assert resolvers.case_unit(WORKER, "X") == "P3"
    assert resolvers.case_unit({}, "X") is None


def test_resolvers_read_the_stored_tree(factory):
    with unit_of_work(factory) as session:
        orgs.import_tree(session, orgs.read_tree_file(DEMO))
    with unit_of_work(factory) as session:
        context = ctx(STUDENT, session=session)
        assert resolvers.deciding_committee(context) == "BTV-DL"
        assert (
            resolvers.verification_place(
                ctx(STUDENT, {"place": {"unit": "P2-KP2"}}, session=session)
            )
            == "P2"
        )
