"""The rule functions the admission diagrams added: today(), vote_problems(),
verification_places()."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import clock
from engine.registry import registry
from workflows.admission import rules


@pytest.mark.parametrize(
    "utc, day",
    [
        (datetime(2025, 9, 7, 16, 59, tzinfo=UTC), "2025-09-07"),
        (datetime(2025, 9, 7, 17, 0, tzinfo=UTC), "2025-09-08"),  # midnight in Vietnam
        (datetime(2025, 12, 31, 23, 0, tzinfo=UTC), "2026-01-01"),
    ],
)
def test_today_is_the_engine_clocks_day_in_vietnam(utc, day):
    with clock.frozen_at(utc):
        assert rules.today() == day
        assert registry.functions["today"] is rules.today


def test_today_follows_the_clock_when_it_moves():
    with clock.frozen_at(datetime(2025, 9, 8, 2, tzinfo=UTC)):
        clock.advance(datetime(2026, 1, 20, 2, tzinfo=UTC) - clock.now())
        assert rules.today() == "2026-01-20"


@pytest.mark.parametrize(
    "total, votes_for, against, meeting, words",
    [
        (9, 6, 3, "2025-09-08", []),
        (9, 5, 0, "2025-09-01", []),  # a vote that fails is still valid
        (9, 7, 3, "2025-09-08", ["vượt quá"]),
        (9, 6, 1, "2025-09-09", ["chưa đến"]),
        (9, 8, 3, "2025-10-01", ["vượt quá", "chưa đến"]),
    ],
)
def test_vote_problems(total, votes_for, against, meeting, words):
    with clock.frozen_at(datetime(2025, 9, 8, 2, tzinfo=UTC)):
        problems = rules.vote_problems(total, votes_for, against, meeting)
    assert len(problems) == len(words)
    for problem, word in zip(problems, words, strict=True):
        assert word in problem


def test_vote_problems_needs_members_and_whole_numbers():
    assert "lớn hơn 0" in rules.vote_problems(0, 0, 0, "2001-01-01")[0]
    with pytest.raises(ValueError):
        rules.vote_problems(9, "6", 0, "2001-01-01")
    with pytest.raises(ValueError):
        rules.vote_problems(9, 6, 0, "hôm qua")


FATHER = {"full_name": "Lê Văn Hải", "party_member": False, "place_unit": "P2"}
MOTHER = {"full_name": "Vũ Thị Thanh", "party_member": True, "place_unit": "P3"}


def test_one_place_per_unit_with_the_people_to_verify():
    places = rules.verification_places(
        "Lê Minh Khang", "P2", [FATHER, {**MOTHER, "party_member": False}], True
    )
    assert places == [
        {"unit": "P2", "people": ["Lê Minh Khang", "Lê Văn Hải"]},
        {"unit": "P3", "people": ["Vũ Thị Thanh"]},
    ]


def test_declared_party_members_are_not_verified():
    places = rules.verification_places("Lê Minh Khang", "P1", [FATHER, MOTHER], True)
    assert places == [
        {"unit": "P1", "people": ["Lê Minh Khang"]},
        {"unit": "P2", "people": ["Lê Văn Hải"]},
    ]


def test_exemption_when_every_relative_is_a_declared_party_member():
    family = [{**FATHER, "party_member": True}, MOTHER]
    assert rules.verification_places("Lê Minh Khang", "P1", family, True) == []
    # Not fully declared: everybody is verified.
    assert [p["unit"] for p in rules.verification_places("Lê Minh Khang", "P1", family, False)] == [
        "P1",
        "P2",
        "P3",
    ]
    # No relatives listed is no exemption.
    assert rules.verification_places("Lê Minh Khang", "P1", [], True) == [
        {"unit": "P1", "people": ["Lê Minh Khang"]}
    ]


def test_every_place_needs_a_unit():
    with pytest.raises(ValueError, match="Lê Văn Hải"):
        rules.verification_places("Lê Minh Khang", "P1", [{**FATHER, "place_unit": " "}], True)
    with pytest.raises(ValueError):
        rules.verification_places("Lê Minh Khang", "P1", "cha, mẹ", True)


def test_a_place_outside_the_tree_is_one_place_per_address():
    hcmc = {"place_kind": "other_province", "place_outside": "Đảng ủy phường Bến Thành"}
    places = rules.verification_places(
        "Lê Minh Khang",
        "P1",
        [{**FATHER, **hcmc}, {**MOTHER, "party_member": False, **hcmc}, FATHER],
        True,
    )
    assert places == [
        {"unit": "P1", "people": ["Lê Minh Khang"]},
        {
            "unit": None,
            "outside": "other_province",
            "address": "Đảng ủy phường Bến Thành",
            "people": ["Lê Văn Hải", "Vũ Thị Thanh"],
        },
        {"unit": "P2", "people": ["Lê Văn Hải"]},
    ]
    with pytest.raises(ValueError, match="outside the tree"):
        rules.verification_places("Lê Minh Khang", "P1", [{**FATHER, "place_kind": "abroad"}], True)


def test_special_reviews_one_per_reason():
    assert rules.special_reviews("Lê Minh Khang", "none", [FATHER], False, False) == []
    reviews = rules.special_reviews("Lê Minh Khang", "buddhism", [FATHER], False, True)
    assert [(r["about"], r["outside"], r["people"]) for r in reviews] == [
        ("religion", "competent_body", ["Lê Minh Khang"]),
        ("political_history", "competent_body", ["Lê Minh Khang"]),
    ]
    abroad = [{**FATHER, "place_kind": "abroad", "place_outside": "Paris"}]
    assert [r["about"] for r in rules.special_reviews("A", None, abroad, False, False)] == [
        "relatives_abroad"
    ]


def test_over_60_is_allowed_only_with_the_consent():
    assert rules.age_allowed("1960-01-01", "2025-09-08", "given")
    assert not rules.age_allowed("1960-01-01", "2025-09-08", "not_needed")
    assert not rules.age_allowed("1960-01-01", "2025-09-08", "refused")
    assert rules.age_allowed("1965-09-08", "2025-09-08", "not_needed")  # 60 years today
    assert not rules.age_allowed("2008-01-01", "2025-09-08", "given")  # under 18
