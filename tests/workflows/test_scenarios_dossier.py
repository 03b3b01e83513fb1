"""Scenarios of the dossier before the branch vote: background verification in parallel
at every place, its exemption, and introductions checked against the rules."""

from __future__ import annotations

from .scenario import STUDENT, TO_BRANCH_VOTE, Case

THREE_PLACES = [
    {
        "relation": "father",
        "full_name": "Nguyễn Văn Hòa",
        "party_member": False,
        "place_unit": "P2",
    },
    {
        "relation": "mother",
        "full_name": "Trương Thị Mai",
        "party_member": False,
        "place_unit": "P3-KP2",
    },
]
PARTY_FAMILY = [
    {"relation": "father", "full_name": "Nguyễn Văn Hòa", "party_member": True, "place_unit": "P2"},
    {"relation": "mother", "full_name": "Trương Thị Mai", "party_member": True, "place_unit": "P2"},
]


def test_verification_runs_in_parallel_at_three_places(world):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class")
    case.do("application", relatives=THREE_PLACES)
    assert [p["unit"] for p in case.row.data["places_to_verify"]] == ["P1-KP1", "P2", "P3-KP2"]
    case.do("send_verification")
    # One request in each place's ward committee, each with its own people.
    assert [unit for step, unit in case.open() if step == "verify_place"] == ["P1", "P2", "P3"]
    request = case.task_data("verify_place", "P3")
    assert request["place"] == {"unit": "P3-KP2", "people": ["Trương Thị Mai"]}
    assert request["verification_people"] == "Trương Thị Mai"
    case.do(
        "verify_place",
        unit="P3",
        verification_result="differs",
        verification_note="Bà Trương Thị Mai chuyển đến Phường 3 từ năm 2019.",
    )
    case.do("verify_place", unit="P1")
    assert ("certify_history", "THPT-TP") not in case.open()  # P2 has not answered
    case.do("verify_place", unit="P2")
    assert ("certify_history", "THPT-TP") in case.open()
    answers = {a["unit"]: a for a in case.row.data["verification_results"]}
    assert set(answers) == {"P1-KP1", "P2", "P3-KP2"}
    assert answers["P3-KP2"]["result"] == "differs"
    assert answers["P3-KP2"]["people"] == ["Trương Thị Mai"]
    assert answers["P1-KP1"]["people"] == ["Nguyễn Thị Minh Anh"]


def test_verification_is_skipped_when_the_family_are_declared_party_members(world):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class")
    case.do("application", relatives=PARTY_FAMILY, history_fully_declared=True)
    assert case.row.data["places_to_verify"] == []
    assert case.open() == [
        ("certify_history", "THPT-TP"),
        ("introduction", "THPT-TP"),
        ("mass_org_opinion", "DT-THPT-TP"),
    ]
    assert "verification_results" not in case.row.data


def test_no_exemption_when_the_history_is_not_fully_declared(world):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class")
    case.do("application", relatives=PARTY_FAMILY, history_fully_declared=False)
    assert [p["unit"] for p in case.row.data["places_to_verify"]] == ["P1-KP1", "P2"]
    assert ("send_verification", "THPT-TP") in case.open()


def test_invalid_introducers_come_back_with_the_problems(world):
    case = Case(world, {**STUDENT, "youth_union_member": False})
    case.walk("accept_sympathiser", "attend_class", "application")
    case.do(
        "introduction",
        introducers=[
            {"kind": "member", "name": "Lê Văn Phúc", "official": False, "months_known": 24},
            {"kind": "member", "name": "Hồ Thị Duyên", "official": True, "months_known": 8},
        ],
    )
    problems = case.row.data["introduction_problems"]
    assert "dự bị" in problems and "12 tháng" in problems and "Hồ Thị Duyên" in problems
    assert ("introduction", "THPT-TP") in case.open()
    # The Youth Union may introduce only one of its members.
    case.do(
        "introduction",
        introducers=[
            {"kind": "youth_union", "name": "Ban Chấp hành Đoàn trường THPT Trần Phú"},
            {"kind": "member", "name": "Lê Văn Phúc", "official": True, "months_known": 24},
        ],
    )
    assert "không phải là đoàn viên" in case.row.data["introduction_problems"]
    assert ("introduction", "THPT-TP") in case.open()
    case.do("introduction")
    assert ("introduction", "THPT-TP") not in case.open()
    # The cleared message reaches the case data when the parallel branches join (the
    # engine shows only what live tasks hold, and this branch waits at the join).
    case.walk(*TO_BRANCH_VOTE[3:6], "mass_org_opinion", "residence_opinion")
    assert case.open() == [("branch_vote", "THPT-TP")]
    assert case.row.data["introduction_problems"] == ""


def test_youth_union_and_one_member_introduce_a_union_member(world):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class", "application")
    case.do(
        "introduction",
        introducers=[
            {"kind": "youth_union", "name": "Ban Chấp hành Đoàn trường THPT Trần Phú"},
            {"kind": "member", "name": "Lê Văn Phúc", "official": True, "months_known": 14},
        ],
    )
    assert ("introduction", "THPT-TP") not in case.open()
