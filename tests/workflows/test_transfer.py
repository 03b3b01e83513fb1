"""Transferring a case to another branch: who may, between which branches, and what moves."""

from __future__ import annotations

import json

import pytest

from engine import audit
from engine.cases import Actor, unit_of_work
from engine.errors import Conflict, NotFound
from workflows.admission.transfer import TransferRefused, transfer_case

from .scenario import LONE_WORKER, STUDENT, TO_BRANCH_VOTE, Case

BOARD = Actor("os:bantochuc")


def transfer(world, case, new_branch, acting_unit, reason="Chuyển trường theo nguyện vọng."):
    with unit_of_work(world) as session:
        return transfer_case(
            session, case.id, new_branch, BOARD, reason, acting_unit=acting_unit
        ).unit


@pytest.mark.parametrize("acting_unit", ["BTC-DL", "BTV-DL", "TU-DL"])
def test_board_or_committee_moves_a_case_and_its_open_work(world, acting_unit):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class", "application")
    assert transfer(world, case, "THPT-BTX", acting_unit) == "THPT-BTX"
    assert case.row.data["branch"] == "THPT-BTX"
    # The branch's tasks, and the verification its grassroots committee sends, move.
    assert case.open() == [
        ("introduction", "THPT-BTX"),
        ("mass_org_opinion", "DT-THPT-TP"),
        ("send_verification", "THPT-BTX"),
    ]
    with unit_of_work(world) as session:
        [event] = [e for e in audit.history(session, case.id) if e.kind == "case_transferred"]
    recorded = json.loads(event.data)
    assert event.actor == BOARD.name and recorded["note"] == "Chuyển trường theo nguyện vọng."
    assert recorded["changes"]["branch"] == ["THPT-TP", "THPT-BTX"]
    assert {m["to"] for m in recorded["moved_tasks"]} == {"THPT-BTX"}
    # The case goes on in the new branch.
    case.walk(*TO_BRANCH_VOTE[3:])
    assert case.open() == [("branch_vote", "THPT-BTX")]


def test_ward_committee_moves_between_its_own_residential_branches(world):
    case = Case(world, LONE_WORKER)
    case.do("assign_branch", branch="P3-KP1")
    case.walk("attend_class")
    assert transfer(world, case, "P3-KP2", "P3", "Chuyển nơi cư trú trong phường.") == "P3-KP2"
    assert case.open() == [("application", "P3-KP2")]
    with pytest.raises(TransferRefused, match="không trực thuộc"):
        transfer(world, case, "P1-KP1", "P3")


@pytest.mark.parametrize(
    "new_branch, acting_unit, words",
    [
        ("THPT-BTX", "THPT-TP", "không có thẩm quyền"),  # a branch itself may not
        ("THPT-BTX", "DT-THPT-TP", "không có thẩm quyền"),  # nor its Youth Union
        ("THPT-BTX", "NOPE", "không có trong cơ cấu"),
        ("NOPE", "BTC-DL", "không có trong cơ cấu"),
        ("P1", "BTC-DL", "không phải là chi bộ"),  # a ward committee is no branch
        ("THPT-TP", "BTC-DL", "đã thuộc chi bộ"),
        ("THPT-BTX", "P1", "không trực thuộc"),  # the school is not in Phường 1
    ],
)
def test_refused_transfers_change_nothing(world, new_branch, acting_unit, words):
    case = Case(world, STUDENT)
    with pytest.raises(TransferRefused, match=words):
        transfer(world, case, new_branch, acting_unit)
    assert case.row.data["branch"] == "THPT-TP"
    assert case.open() == [("accept_sympathiser", "THPT-TP")]


def test_needs_a_reason_a_branch_and_an_open_case(world):
    student = Case(world, STUDENT)
    with pytest.raises(TransferRefused, match="lý do"):
        transfer(world, student, "THPT-BTX", "BTC-DL", reason="  ")
    lone = Case(world, LONE_WORKER)
    with pytest.raises(TransferRefused, match="chưa có chi bộ"):
        transfer(world, lone, "P3-KP1", "BTC-DL")
    student.walk(*TO_BRANCH_VOTE)
    student.do("branch_vote", votes_for=1, votes_against=8)
    with pytest.raises(Conflict):
        transfer(world, student, "THPT-BTX", "BTC-DL")
    with pytest.raises(NotFound):
        with unit_of_work(world) as session:
            transfer_case(session, 9999, "THPT-BTX", BOARD, "x", acting_unit="BTC-DL")
