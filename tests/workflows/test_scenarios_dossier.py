"""Scenarios of the dossier before the branch vote: background verification in parallel
at every place, and its exemption (introductions: test_scenarios_introductions.py)."""

from __future__ import annotations

from .scenario import STUDENT, Case

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
    case.do("verify_place", unit="P3")
    case.do("verify_place", unit="P1")
    assert ("certify_history", "THPT-TP") not in case.open()  # P2 has not answered
    case.do("verify_place", unit="P2")
    assert ("certify_history", "THPT-TP") in case.open()
    answers = {a["unit"]: a for a in case.row.data["verification_results"]}
    assert set(answers) == {"P1-KP1", "P2", "P3-KP2"}
    assert answers["P3-KP2"]["result"] == "matches"
    assert answers["P3-KP2"]["people"] == ["Trương Thị Mai"]
    assert answers["P1-KP1"]["people"] == ["Nguyễn Thị Minh Anh"]


def test_a_differing_answer_is_clarified_by_the_branch_and_verified_again(world):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class")
    case.do("application", relatives=THREE_PLACES)
    case.do("send_verification")
    case.do("verify_place", unit="P1")
    case.do("verify_place", unit="P2")
    differs = "Bà Trương Thị Mai chuyển đến Phường 3 từ năm 2019, không phải năm 2021."
    case.do("verify_place", unit="P3", verification_result="differs", verification_note=differs)
    # Back to the branch for clarification; the other places' answers are kept.
    open_now = case.open()
    assert ("clarify_history", "THPT-TP") in open_now
    assert ("certify_history", "THPT-TP") not in open_now
    assert not [unit for step, unit in open_now if step == "verify_place"]
    assert case.task_data("clarify_history")["verification_note"] == differs
    case.do("clarify_history", clarification_note="Khai nhầm năm chuyển đến; đã khai bổ sung.")
    # The same place verifies again, in the same ward committee.
    assert [unit for step, unit in case.open() if step == "verify_place"] == ["P3"]
    case.do("verify_place", unit="P3")
    assert ("certify_history", "THPT-TP") in case.open()
    answers = {a["unit"]: a for a in case.row.data["verification_results"]}
    assert answers["P3-KP2"]["result"] == "matches"
    [earlier] = answers["P3-KP2"]["earlier"]
    assert (earlier["result"], earlier["note"]) == ("differs", differs)
    assert earlier["clarification"] == "Khai nhầm năm chuyển đến; đã khai bổ sung."
    assert answers["P2"]["earlier"] == []


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
