"""Lookups on the demo trees: before and after the 7/2025 reorganisation."""

from __future__ import annotations

import pytest

from workflows.admission.orgs import OrgTree, OrgUnit, UnknownUnit, parse_tree, validate


def codes(units):
    return [u.code for u in units]


def test_unit_and_unknown_codes(demo_tree):
    assert demo_tree.unit("THPT-TP").name == "Chi bộ Trường THPT Trần Phú"
    assert "THPT-TP" in demo_tree and "NOPE" not in demo_tree
    assert demo_tree.get("NOPE") is None and demo_tree.get(None) is None
    with pytest.raises(UnknownUnit, match="NOPE"):
        demo_tree.unit("NOPE")
    with pytest.raises(LookupError):
        demo_tree.ancestors("NOPE")


def test_ancestors_and_descendants(demo_tree):
    assert codes(demo_tree.ancestors("THPT-TL-GV")) == ["THPT-TL", "TU-DL"]
    assert demo_tree.ancestors("TU-DL") == []
    assert codes(demo_tree.descendants("P1")) == ["P1-KP1", "P1-KP2"]
    assert codes(demo_tree.descendants("THPT-TL")) == ["DT-THPT-TL", "THPT-TL-GV"]
    below_city = set(codes(demo_tree.descendants("TU-DL")))
    assert below_city == {u.code for u in demo_tree.units()} - {"TU-DL"}
    assert demo_tree.descendants("P1-KP1") == []


def test_grassroots_committee(demo_tree):
    g = demo_tree.grassroots_committee_of
    assert g("THPT-TL-GV").code == "THPT-TL"  # branch of a đảng bộ cơ sở
    assert g("THPT-TL").code == "THPT-TL"
    assert g("P2-KP1").code == "P2"  # residential branch: its ward
    assert g("THPT-TP").code == "THPT-TP"  # chi bộ cơ sở is its own
    assert g("DT-THPT-TP").code == "THPT-TP"  # the school's Youth Union
    assert g("TD-DL") is None and g("TU-DL") is None


def test_deciding_committee_and_its_boards(demo_tree, tree_2025):
    for code in ("THPT-TP", "THPT-TL-GV", "P3-KP2", "DN-LB", "P1"):
        assert demo_tree.deciding_committee_of(code).code == "TU-DL"
    assert demo_tree.deciding_committee_of("TU-DL") is None
    assert demo_tree.standing_board_of("TU-DL").code == "BTV-DL"
    assert demo_tree.organisation_board_of("TU-DL").code == "BTC-DL"
    assert demo_tree.standing_board_of("P1") is None
    # After 7/2025 an authorised ward decides for the branches below it.
    for code, ward in (
        ("P1-KP1", "XH-DL"),
        ("THPT-TL-GV", "LV-DL"),
        ("DN-LB", "LB-DL"),
        ("XH-DL", "XH-DL"),
    ):
        assert tree_2025.deciding_committee_of(code).code == ward
    assert tree_2025.standing_board_of("XH-DL").code == "BTV-XH-DL"
    assert tree_2025.organisation_board_of("XH-DL").code == "BXD-XH-DL"
    # A school branch under a ward stays a chi bộ cơ sở; a residential one is the ward's.
    assert tree_2025.grassroots_committee_of("THPT-TP").code == "THPT-TP"
    assert tree_2025.grassroots_committee_of("P1-KP1").code == "XH-DL"


def test_grassroots_branches_are_marked_not_guessed(demo_tree, tree_2025):
    for tree in (demo_tree, tree_2025):
        assert tree.is_grassroots_branch("THPT-TP") and tree.is_grassroots_branch("DN-LB")
        assert not tree.is_grassroots_branch("THPT-TL-GV")
        assert not tree.is_grassroots_branch("P1-KP1")
    # Directly under the upper committee a branch is one by definition; under a ward
    # only the mark says so.
    tree = OrgTree(
        [
            OrgUnit("C", "Committee", "committee"),
            OrgUnit("B", "Branch", "branch", parent="C"),
            OrgUnit("W", "Ward", "ward_committee", parent="C"),
            OrgUnit("WB", "Ward branch", "branch", parent="W"),
            OrgUnit("WS", "School", "branch", parent="W", duties=("grassroots_organisation",)),
        ]
    )
    assert tree.is_grassroots_branch("B") and tree.grassroots_committee_of("B").code == "B"
    assert not tree.is_grassroots_branch("WB") and tree.grassroots_committee_of("WB").code == "W"
    assert tree.is_grassroots_branch("WS") and tree.grassroots_committee_of("WS").code == "WS"


def test_a_grassroots_mark_under_a_grassroots_committee_is_refused():
    units = parse_tree(
        "- {code: C, name: C, kind: committee}\n"
        "- {code: G, name: G, kind: grassroots_committee, parent: C}\n"
        "- {code: B, name: B, kind: branch, parent: G, duties: [grassroots_organisation]}\n",
        "yaml",
    )
    assert any("under the grassroots committee G" in p for p in validate(units))


def test_partial_committee_authorised_and_province(demo_tree, tree_2025):
    tree = OrgTree(
        [
            OrgUnit("P", "Province", "committee", duties=("province_level",)),
            OrgUnit("C", "City", "committee", parent="P"),
            OrgUnit("G", "Grassroots", "grassroots_committee", parent="C"),
            OrgUnit("BP", "Partial", "partial_committee", parent="G"),
            OrgUnit("B", "Branch", "branch", parent="BP"),
            OrgUnit("B2", "Branch 2", "branch", parent="G"),
        ]
    )
    assert tree.partial_committee_of("B").code == "BP"
    assert tree.partial_committee_of("B2") is None
    assert tree.grassroots_committee_of("B").code == "G"
    assert tree.province_committee_of("B").code == "P"
    assert tree_2025.province_committee_of("P1-KP1").code == "TU-LD"
    assert demo_tree.province_committee_of("THPT-TP") is None  # the province is outside
    assert tree_2025.is_authorised("XH-DL") and not demo_tree.is_authorised("P1")
    assert not demo_tree.is_authorised("TU-DL")


def test_political_centre(demo_tree, tree_2025):
    assert demo_tree.political_centre_for("THPT-TL-GV").code == "TTCT-DL"
    assert demo_tree.political_centre_for("P1-KP1").code == "TTCT-DL"
    # No centre under the ward: the nearest one up the tree.
    assert tree_2025.political_centre_for("P1-KP1").code == "TCT-LD"


def test_child_of_kind_prefers_active_children():
    tree = OrgTree(
        [
            OrgUnit("C", "Committee", "committee"),
            OrgUnit("A-OLD", "Old board", "standing_board", parent="C", active=False),
            OrgUnit("B-NEW", "New board", "standing_board", parent="C"),
        ]
    )
    assert tree.standing_board_of("C").code == "B-NEW"
    assert tree.child_of_kind("C", "political_centre") is None
    assert codes(tree.units()) == ["C", "B-NEW"]
    assert codes(tree.units(include_inactive=True)) == ["C", "B-NEW", "A-OLD"]


def test_units_in_tree_order_and_by_kind(demo_tree):
    listed = codes(demo_tree.units())
    assert listed[0] == "TU-DL"
    assert listed.index("THPT-TL") < listed.index("THPT-TL-GV")
    assert codes(demo_tree.units("ward_committee")) == ["P1", "P2", "P3"]


def test_lookups_survive_a_cycle():
    tree = OrgTree(
        [OrgUnit("A", "A", "branch", parent="B"), OrgUnit("B", "B", "branch", parent="A")]
    )
    assert codes(tree.ancestors("A")) == ["B"]
    assert tree.deciding_committee_of("A") is None
    assert set(codes(tree.walk())) == {"A", "B"}


def test_demo_tree_has_the_bodies_of_the_plan(demo_tree):
    kinds = {u.kind for u in demo_tree.units()}
    assert {
        "committee",
        "standing_board",
        "organisation_board",
        "propaganda_board",
        "mass_mobilisation_board",
        "political_centre",
        "youth_union",
        "trade_union",
        "mass_organisation",
        "culture_centre",
        "grassroots_committee",
        "ward_committee",
        "branch",
        "enterprise",
    } <= kinds
    for ward in demo_tree.units("ward_committee"):
        assert ward.covers and len(demo_tree.children(ward.code)) == 2
    schools = [u for u in demo_tree.children("TU-DL") if u.code.startswith("THPT-")]
    assert len(schools) == 3
    for school in schools:
        union = [
            u for u in [school, *demo_tree.descendants(school.code)] if u.kind == "youth_union"
        ]
        assert len(union) == 1
