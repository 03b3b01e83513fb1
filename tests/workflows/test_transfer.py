"""Transfers (procedure.md, "Transfers"): inside one upper committee at once; across
committees once the receiving organisation board accepts (or not at all, if it
refuses); during probation the party activity moves and the new branch recognises."""

from __future__ import annotations

import json
from datetime import date

import pytest

from engine import audit, stuck
from engine.cases import Actor, unit_of_work
from engine.errors import Conflict, InvalidData, NotFound
from workflows.admission import ending, transfer
from workflows.admission.authority import NotAllowed
from workflows.admission.reports import facts, stored
from workflows.admission.tree import load_tree

from ..support.second_committee import add_second_committee
from .scenario import (
    AFTER_BRANCH_VOTE,
    LONE_WORKER,
    RECOGNITION,
    STUDENT,
    TO_BRANCH_VOTE,
    TO_RECOGNITION,
    Case,
    advance_to,
)

BOARD = Actor("os:bantochuc")
RECEIVER = Actor("os:bantochuc-baoloc")
REASON = "Chuyển trường theo nguyện vọng của gia đình."


@pytest.fixture
def two_committees(world):
    add_second_committee(world)
    return world


def send(world, case, to_unit, units=("BTC-DL",), reason=REASON) -> transfer.Sent:
    with unit_of_work(world) as session:
        return transfer.transfer_case(
            session, case.id, to_unit, reason, BOARD, units=None if units is None else set(units)
        )


def accept(world, task, units=("BTC-BL",), **values):
    with unit_of_work(world) as session:
        transfer.accept_transfer(session, task, RECEIVER, units=set(units), **values)


def reassign(world, task, units, **values):
    with unit_of_work(world) as session:
        transfer.reassign_after_transfer(session, task, BOARD, units=set(units), **values)


def refuse(world, task, reason, units=("BTC-BL",)):
    with unit_of_work(world) as session:
        transfer.refuse_transfer(session, task, reason, RECEIVER, units=set(units))


def events(world, case, *kinds):
    with unit_of_work(world) as session:
        return [e for e in audit.history(session, case.id) if e.kind in kinds]


def no_stuck_case(world) -> None:
    with unit_of_work(world) as session:
        assert stuck.stuck_cases(session) == []


@pytest.mark.parametrize("acting_unit", ["BTC-DL", "BTV-DL", "TU-DL"])
def test_inside_a_committee_the_case_and_its_open_work_move_at_once(world, acting_unit):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class", "application")
    sent = send(world, case, "THPT-BTX", [acting_unit])
    assert not sent.pending and sent.case.unit == "THPT-BTX"
    assert case.row.data["branch"] == "THPT-BTX"
    assert case.row.data["transfer"]["status"] == "done"
    # The branch's tasks, and the verification its grassroots committee sends, move;
    # the new branch names the helper member.
    assert case.open() == [
        ("introduction", "THPT-BTX"),
        ("mass_org_opinion", "DT-THPT-TP"),
        ("reassign_after_transfer", "THPT-BTX"),
        ("send_verification", "THPT-BTX"),
    ]
    [event] = events(world, case, "case_transferred")
    recorded = json.loads(event.data)
    assert event.actor == BOARD.name and recorded["note"] == REASON
    assert recorded["changes"]["branch"] == ["THPT-TP", "THPT-BTX"]
    assert {m["to"] for m in recorded["moved_tasks"]} == {"THPT-BTX"}
    with pytest.raises(InvalidData) as missing:
        reassign(world, sent.task, ["THPT-BTX"])
    assert set(missing.value.fields) == {"helper_name"}
    with pytest.raises(NotAllowed):
        reassign(world, sent.task, ["THPT-TP"], helper_name="Lê Văn Hải")
    reassign(world, sent.task, ["THPT-BTX"], helper_name="Lê Văn Hải")
    assert case.row.data["helper_name"] == "Lê Văn Hải"
    assert len(events(world, case, "transfer_reassigned")) == 1
    # The case goes on in the new branch.
    case.walk(*TO_BRANCH_VOTE[3:])
    assert case.open() == [("branch_vote", "THPT-BTX")]
    no_stuck_case(world)


def test_inside_a_committee_the_new_branch_replaces_the_introducers(world):
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE[:7])  # through the introductions
    sent = send(world, case, "THPT-BTX")
    with pytest.raises(InvalidData) as missing:
        reassign(world, sent.task, ["THPT-BTX"], helper_name="Lê Văn Hải")
    assert set(missing.value.fields) == {"introducer_0", "introducer_1"}
    reassign(
        world,
        sent.task,
        ["THPT-BTX"],
        helper_name="Lê Văn Hải",
        introducers=["Đoàn trường THPT Bùi Thị Xuân", "Phạm Thị Thu"],
    )
    assert [i["name"] for i in case.row.data["introducers"]] == [
        "Đoàn trường THPT Bùi Thị Xuân",
        "Phạm Thị Thu",
    ]
    with pytest.raises(Conflict):
        reassign(world, sent.task, ["THPT-BTX"], helper_name="Lê Văn Hải")
    no_stuck_case(world)


def test_ward_committee_moves_between_its_own_residential_branches(world):
    case = Case(world, LONE_WORKER)
    case.do("assign_branch", branch="P3-KP1")
    case.walk("attend_class")
    assert send(world, case, "P3-KP2", ["P3"], "Chuyển nơi cư trú trong phường.").case.unit == (
        "P3-KP2"
    )
    assert case.open() == [("application", "P3-KP2"), ("reassign_after_transfer", "P3-KP2")]
    with pytest.raises(InvalidData) as refused:
        send(world, case, "P1-KP1", ["P3"])
    assert "to_unit" in refused.value.fields
    # Moved on before naming the helper: the next branch names them, the last one not.
    send(world, case, "P3-KP1", ["P3"], "Nhầm khu phố.")
    assert case.open() == [("application", "P3-KP1"), ("reassign_after_transfer", "P3-KP1")]
    assert [i.status for i in case.items() if i.step == "reassign_after_transfer"] == [
        "cancelled",
        "open",
    ]


@pytest.mark.parametrize(
    "to_unit, units, error",
    [
        ("THPT-BTX", ["THPT-TP"], NotAllowed),  # a branch itself may not
        ("THPT-BTX", ["DT-THPT-TP"], NotAllowed),  # nor its Youth Union
        ("THPT-BTX", ["NOPE"], NotAllowed),
        ("THPT-BTX", ["P1"], NotAllowed),  # the school is not in Phường 1
        ("NOPE", ["BTC-DL"], InvalidData),  # no such unit
        ("P1", ["BTC-DL"], InvalidData),  # a ward committee is no branch
        ("THPT-TP", ["BTC-DL"], InvalidData),  # already there
    ],
)
def test_refused_transfers_change_nothing(world, to_unit, units, error):
    case = Case(world, STUDENT)
    with pytest.raises(error):
        send(world, case, to_unit, units)
    assert case.row.data["branch"] == "THPT-TP" and "transfer" not in case.row.data
    assert case.open() == [("accept_sympathiser", "THPT-TP")]
    assert events(world, case, "case_transferred") == []


def test_needs_a_reason_a_branch_and_an_open_case(world):
    student = Case(world, STUDENT)
    with pytest.raises(InvalidData) as no_reason:
        send(world, student, "THPT-BTX", reason="  ")
    assert "reason" in no_reason.value.fields
    lone = Case(world, LONE_WORKER)
    with pytest.raises(Conflict, match="chưa có chi bộ"):
        send(world, lone, "P3-KP1")
    student.walk(*TO_BRANCH_VOTE)
    student.do("branch_vote", votes_for=1, votes_against=8)
    with pytest.raises(Conflict, match="đã kết thúc"):
        send(world, student, "THPT-BTX")
    with pytest.raises(NotFound), unit_of_work(world) as session:
        transfer.transfer_case(session, 9999, "THPT-BTX", "x", BOARD, units=None)


def test_across_committees_the_receiving_board_accepts_and_the_case_goes_on_there(
    two_committees,
):
    world = two_committees
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE[:7])  # through the introductions
    before = case.open()
    sent = send(world, case, "THPT-BL")
    assert sent.pending and sent.task is not None
    # Nothing moved yet: the old branch keeps its work, Bảo Lộc's board has a task.
    assert case.row.data["branch"] == "THPT-TP"
    assert case.open() == sorted([*before, ("accept_transfer", "BTC-BL")])
    record = case.row.data["transfer"]
    assert record["status"] == "pending" and record["to_committee"] == "TU-BL"
    assert record["from_committee"] == "TU-DL" and record["stage"] == "candidate"
    with pytest.raises(Conflict, match="đang chờ"):
        send(world, case, "THPT-BTX")
    # Only the receiving board answers; it names the new helper and introducers.
    with pytest.raises(NotAllowed):
        accept(world, sent.task, units=["BTC-DL"], helper_name="Lê Văn Hải")
    with pytest.raises(InvalidData) as missing:
        accept(world, sent.task)
    assert set(missing.value.fields) == {"helper_name", "introducer_0", "introducer_1"}
    accept(
        world,
        sent.task,
        helper_name="Lê Văn Hải",
        introducers=["Đoàn trường THPT Bảo Lộc", "Phạm Thị Thu"],
        note="Đã nhận đủ hồ sơ.",
    )
    row = case.row
    assert row.unit == "THPT-BL" and row.data["branch"] == "THPT-BL"
    assert row.data["helper_name"] == "Lê Văn Hải"
    assert [(i["name"], i["replacement"]) for i in row.data["introducers"]] == [
        ("Đoàn trường THPT Bảo Lộc", True),
        ("Phạm Thị Thu", True),
    ]
    assert row.data["transfer"]["status"] == "accepted"
    assert ("accept_transfer", "BTC-BL") not in case.open()
    [sent_event] = events(world, case, "case_transferred")
    [accepted] = events(world, case, "transfer_accepted")
    assert accepted.actor == RECEIVER.name
    assert json.loads(accepted.data)["changes"]["branch"] == ["THPT-TP", "THPT-BL"]
    # Same case, history whole: it goes on in Bảo Lộc up to the decision there.
    case.walk(*TO_BRANCH_VOTE[7:])
    assert case.open() == [("branch_vote", "THPT-BL")]
    case.do("branch_vote")
    case.walk(*AFTER_BRANCH_VOTE[:1])  # a chi bộ cơ sở: straight to the appraisal
    assert case.open() == [("decide", "BTV-BL")]
    case.do("decide")
    # The reports count it for the committee where it is now.
    year = date.fromisoformat(case.row.data["decision_date"]).year
    with unit_of_work(world) as session:
        tree = load_tree(session)
        bl = stored.admitted(session, facts.committee_units(tree, "TU-BL"), year)
        dl = stored.admitted(session, facts.committee_units(tree, "TU-DL"), year)
    assert [case.id] == [i for ids in bl.values() for i in ids]
    assert case.id not in [i for ids in dl.values() for i in ids]
    no_stuck_case(world)


def test_a_refused_transfer_leaves_the_case_where_it_was(two_committees):
    world = two_committees
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser")
    sent = send(world, case, "THPT-BL")
    with pytest.raises(InvalidData):
        refuse(world, sent.task, " ")
    refuse(world, sent.task, "Trường chưa nhận học sinh này.")
    row = case.row
    assert row.data["branch"] == "THPT-TP" and row.data["transfer"]["status"] == "refused"
    assert row.data["transfer"]["answer"] == "Trường chưa nhận học sinh này."
    assert case.open() == [("attend_class", "TTCT-DL")]
    [refused] = events(world, case, "transfer_refused")
    assert json.loads(refused.data)["note"] == "Trường chưa nhận học sinh này."
    with pytest.raises(Conflict, match="đã được xử lý"):
        accept(world, sent.task, helper_name="Lê Văn Hải")
    # A refused transfer waits for nothing: another may be sent.
    assert send(world, case, "THPT-BTX").case.unit == "THPT-BTX"
    no_stuck_case(world)


def test_ending_a_case_cancels_the_transfer_waiting_for_an_answer(two_committees):
    world = two_committees
    case = Case(world, STUDENT)
    sent = send(world, case, "THPT-BL")
    with unit_of_work(world) as session:
        ending.end_admission(session, case.id, "stopped", "Từ trần.", BOARD, units=None)
    [item] = [i for i in case.items() if i.id == sent.task]
    assert item.status == "cancelled"
    with pytest.raises(Conflict):
        accept(world, sent.task, helper_name="Lê Văn Hải")


def admitted(world) -> Case:
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", *AFTER_BRANCH_VOTE[:2])  # through the decision
    return case


def test_no_transfer_between_the_decision_and_the_ceremony(world):
    case = admitted(world)
    with pytest.raises(Conflict, match="chờ lễ kết nạp"):
        send(world, case, "THPT-BTX")


def test_probation_moves_to_the_new_branch_which_recognises_on_the_same_date(two_committees):
    world = two_committees
    case = admitted(world)
    case.walk("ceremony", *TO_RECOGNITION)
    row = case.row
    assert row.status == "waiting"
    probation_end, due = row.data["probation_end"], row.next_due_at
    sent = send(world, case, "THPT-BL", reason="Tốt nghiệp, vào học tại Bảo Lộc.")
    assert case.row.data["transfer"]["stage"] == "probation"
    assert case.row.status == "active"  # Bảo Lộc's board has something to do
    with pytest.raises(InvalidData) as missing:
        accept(world, sent.task)
    assert set(missing.value.fields) == {"helper_name"}  # no introducers to replace
    accept(world, sent.task, helper_name="Lê Văn Hải")
    row = case.row
    assert row.status == "waiting" and row.unit == "THPT-BL"
    assert row.data["probation_end"] == probation_end and row.next_due_at == due
    # Twelve months from the ceremony, the recognition goes to Bảo Lộc.
    assert advance_to(world, date.fromisoformat(probation_end)) == 1
    assert case.open() == [("recognition_file", "THPT-BL")]
    case.walk(*RECOGNITION[:-1])
    assert case.open() == [("recognition_decide", "BTV-BL")]
    case.do("recognition_decide")
    assert case.row.outcome == "recognised"
    no_stuck_case(world)


def test_probation_inside_a_committee_moves_at_once(world):
    case = admitted(world)
    case.walk("ceremony", *TO_RECOGNITION)
    due = case.row.next_due_at
    sent = send(world, case, "THPT-BTX")
    assert not sent.pending
    assert case.row.next_due_at == due and case.row.unit == "THPT-BTX"
    assert case.open() == [("reassign_after_transfer", "THPT-BTX")]
    reassign(world, sent.task, ["THPT-BTX"], helper_name="Lê Văn Hải")
    assert case.row.status == "waiting"
    advance_to(world, date.fromisoformat(case.row.data["probation_end"]))
    assert case.open() == [("recognition_file", "THPT-BTX")]
