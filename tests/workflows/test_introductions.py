"""The introducer routes as pure rules over the trees (no database): which route a
candidate is on, and what each route accepts."""

from __future__ import annotations

import pytest

from workflows.admission import introductions as intro

MEMBER, YOUTH, TRADE = intro.MEMBER, intro.YOUTH_UNION_COMMITTEE, intro.TRADE_UNION_COMMITTEE
ON = "2025-09-08"


def person(born: str = "2000-01-01", **fields) -> dict:
    return {"birth_date": born, **fields}


@pytest.mark.parametrize(
    "born, youth",
    [
        ("1995-09-08", True),  # 30 years to the day
        ("1995-08-09", True),  # 30 years and 30 days: less than a month over
        ("1995-08-08", False),  # 30 years and one month
        ("2007-09-08", True),
    ],
)
def test_youth_age_is_up_to_thirty_full_years_counted_in_months(born, youth):
    assert intro.youth_age(born, ON) is youth


@pytest.mark.parametrize(
    "data, union",
    [
        ({"branch": "THPT-TP"}, "DT-THPT-TP"),  # the school's own Youth Union
        ({"branch": "THPT-TL-GV"}, "DT-THPT-TL"),  # the Youth Union of its grassroots party
        ({"branch": "DN-LB"}, "DT-DN-LB"),
        ({"branch": "P1-KP1"}, None),  # the demo wards have no Youth Union in the tree
        ({"branch": "P3-KP1", "enterprise": "DN-MX"}, None),  # only a Trade Union there
        ({"enterprise": "DN-RS"}, None),
    ],
)
def test_youth_union_of_the_workplace_in_the_demo_tree(demo_tree, data, union):
    found = intro.youth_union_of(demo_tree, data)
    assert (found.code if found else None) == union


def test_after_2025_a_ward_youth_union_counts_for_its_residents_not_its_enterprises(tree_2025):
    assert intro.youth_union_of(tree_2025, {"branch": "P1-KP1"}).code == "DT-XH-DL"
    assert intro.youth_union_of(tree_2025, {"branch": "P1-KP1", "enterprise": "DN-MX"}) is None


@pytest.mark.parametrize(
    "data, route",
    [
        (person(branch="THPT-TP"), YOUTH),
        (person("1980-01-01", branch="DN-LB", trade_union_member=True), MEMBER),
        (person(branch="P1-KP1", enterprise="DN-MX", trade_union_member=True), TRADE),
        (person("1980-01-01", branch="P1-KP1", enterprise="DN-MX", trade_union_member=True), TRADE),
        (person(branch="P1-KP1", enterprise="DN-MX"), MEMBER),
        (person(branch="P1-KP1"), MEMBER),
    ],
)
def test_route_follows_from_the_candidate(demo_tree, data, route):
    assert intro.route_for(demo_tree, data, ON).kind == route


@pytest.mark.parametrize(
    "route, kinds, ok",
    [
        (intro.Route(YOUTH, ""), [YOUTH, MEMBER], True),
        (intro.Route(YOUTH, ""), [MEMBER, YOUTH], True),
        (intro.Route(YOUTH, ""), [MEMBER, MEMBER], False),
        (intro.Route(YOUTH, ""), [TRADE, MEMBER], False),
        (intro.Route(YOUTH, ""), [YOUTH], False),
        (intro.Route(TRADE, ""), [TRADE, MEMBER], True),
        (intro.Route(TRADE, ""), [MEMBER, MEMBER], False),
        (intro.Route(TRADE, "", two_members_too=True), [MEMBER, MEMBER], True),
        (intro.Route(MEMBER, ""), [MEMBER, MEMBER], True),
        (intro.Route(MEMBER, ""), [YOUTH, MEMBER], False),
        (intro.Route(MEMBER, ""), [MEMBER, MEMBER, MEMBER], False),
    ],
)
def test_what_each_route_accepts(route, kinds, ok):
    assert route.accepts(kinds) is ok


def test_two_members_on_the_trade_union_route_only_where_the_task_says_so(demo_tree):
    data = person(
        branch="P1-KP1",
        enterprise="DN-MX",
        trade_union_member=True,
        introduction_date=ON,
        introducers=[
            {"kind": MEMBER, "name": "A", "official": True, "months_known": 12},
            {"kind": MEMBER, "name": "B", "official": True, "months_known": 12},
        ],
    )
    [message] = intro.introduction_errors(demo_tree, data)["introducers"]["_schema"]
    assert message.endswith("Ban Chấp hành Công đoàn cơ sở và một đảng viên chính thức giới thiệu.")
    option = frozenset({intro.TWO_MEMBERS_ON_TRADE_UNION_ROUTE})
    assert intro.introduction_errors(demo_tree, data, option) == {}


def test_two_members_of_the_same_name_are_one_member(demo_tree):
    data = person(
        branch="P1-KP1",
        introduction_date=ON,
        introducers=[
            {"kind": MEMBER, "name": "Lê Văn An", "official": True, "months_known": 12},
            {"kind": MEMBER, "name": "lê văn an", "official": True, "months_known": 12},
        ],
    )
    errors = intro.introduction_errors(demo_tree, data)
    assert errors == {
        "introducers": {1: {"name": ["Hai người giới thiệu phải là hai đảng viên khác nhau."]}}
    }
