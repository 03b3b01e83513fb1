"""Ending an admission case (workflows/admission/ending.py) on SQLite and PostgreSQL:
each outcome by whom and when it is allowed, what the ending leaves, and how the
reports count it."""

from __future__ import annotations

import pytest

from engine.cases import unit_of_work
from engine.errors import Conflict, InvalidData
from tests.support.consistency import check_consistent
from workflows.admission import ending
from workflows.admission.authority import NotAllowed
from workflows.admission.reports import facts
from workflows.admission.reports.periods import Period, period_report
from workflows.admission.tree import load_tree

from .scenario import (
    AFTER_BRANCH_VOTE,
    CLERK,
    STUDENT,
    TO_BRANCH_VOTE,
    WORKER,
    Case,
    through_probation,
    today,
)

# The scenario's end check: no case is left stuck.
pytestmark = pytest.mark.usefixtures("no_stuck_case_after")

BRANCH, PROPOSER, BOARD, STANDING = "THPT-TP", "DT-THPT-TP", "BTC-DL", "BTV-DL"
ADULT = {**STUDENT, "birth_date": "2000-01-01"}


def end(case: Case, outcome: str, units, reason: str = "Có lý do ghi trong hồ sơ."):
    with unit_of_work(case.factory) as session:
        return ending.end_admission(session, case.id, outcome, reason, CLERK, units=units)


def choices(case: Case, units) -> list[str]:
    with unit_of_work(case.factory) as session:
        return ending.choices(session, case.row, units)


def test_who_may_choose_which_ending_before_anyone_acted(world):
    case = Case(world, ADULT)
    assert choices(case, {PROPOSER}) == ["cancelled"]
    assert choices(case, {BRANCH}) == ["withdrawn"]
    assert choices(case, {BOARD}) == choices(case, {STANDING}) == ["stopped", "cancelled"]
    assert choices(case, {"THPT-BTX"}) == choices(case, {"TTCT-DL"}) == []
    assert choices(case, None) == ["withdrawn", "stopped", "cancelled"]  # the command line
    case.do("accept_sympathiser")
    assert choices(case, {PROPOSER}) == []  # the branch has acted: too late to cancel


def test_the_branch_records_a_withdrawal(world):
    case = Case(world, ADULT)
    case.walk(*TO_BRANCH_VOTE[:3])
    assert len(case.open()) == 3
    with pytest.raises(NotAllowed):
        end(case, "withdrawn", {BOARD})
    end(case, "withdrawn", {BRANCH}, "Đơn xin rút hồ sơ ngày 10/9/2025.")
    row = case.row
    assert (row.status, row.outcome) == ("closed", "withdrawn")
    assert row.data["outcome_reason"] == "Đơn xin rút hồ sơ ngày 10/9/2025."
    assert row.data["ended_on"] == today().isoformat()
    assert case.open() == []
    assert sorted({i.step for i in case.items("cancelled")}) == [
        "introduction",
        "mass_org_opinion",
        "send_verification",
    ]
    check_consistent(world)


def test_a_board_stops_a_case_waiting_for_a_birthday(world):
    case = Case(world, {**STUDENT, "birth_date": "2008-01-10"})  # 18 in January 2026
    case.walk(*TO_BRANCH_VOTE)
    assert case.open() == [] and case.row.next_due_at is not None
    with pytest.raises(NotAllowed):
        end(case, "stopped", {BRANCH})
    end(case, "stopped", {STANDING}, "Gia đình chuyển vào TP. Hồ Chí Minh.")
    row = case.row
    assert (row.status, row.outcome, row.next_due_at) == ("closed", "stopped", None)
    check_consistent(world)


def test_the_proposer_cancels_before_anyone_acted_and_the_board_after(world):
    early = Case(world, ADULT)
    end(early, "cancelled", {PROPOSER}, "Mở nhầm hồ sơ.")
    assert early.row.outcome == "cancelled" and early.items("cancelled")
    late = Case(world, ADULT)
    late.do("accept_sympathiser")
    with pytest.raises(NotAllowed):
        end(late, "cancelled", {PROPOSER})
    end(late, "cancelled", {BOARD})
    assert late.row.outcome == "cancelled"


def test_removal_only_during_probation_by_the_deciding_body_and_counted(world):
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "appraisal")
    with pytest.raises(Conflict, match="dự bị"):
        end(case, "removed", {STANDING})
    case.walk(*AFTER_BRANCH_VOTE[1:])
    through_probation(case)  # a year on: the recognition file is open
    with pytest.raises(Conflict, match="kết nạp"):
        end(case, "withdrawn", {"DN-LB"})  # a member now, no longer a candidate
    with pytest.raises(Conflict, match="không hủy được"):
        end(case, "cancelled", {BOARD})
    assert choices(case, {BOARD}) == ["stopped"]
    with pytest.raises(NotAllowed):
        end(case, "removed", {"DN-LB"})
    assert "removed" in choices(case, {STANDING})
    end(case, "removed", {STANDING}, "Vi phạm tư cách đảng viên, bị xóa tên.")
    row = case.row
    assert (row.status, row.outcome) == ("closed", "removed")
    check_consistent(world)
    # Counted as a removal on the day of the ending; still an admission of its year.
    ended_on = today()
    with unit_of_work(world) as session:
        units = facts.committee_units(load_tree(session), "TU-DL")
        year = period_report(session, units, ended_on.year)
        admitted = period_report(session, units, ended_on.year - 1)
    assert year.cell(Period(ended_on.year), "all", "removals").cases == (case.id,)
    assert case.id in admitted.cell(Period(ended_on.year - 1), "all", "admissions").cases


def test_a_closed_case_or_a_bad_ending_is_refused(world):
    case = Case(world, ADULT)
    with pytest.raises(InvalidData) as refused:
        end(case, "lost", None)
    assert list(refused.value.fields) == ["outcome"]
    with pytest.raises(InvalidData):
        end(case, "stopped", None, reason="  ")
    end(case, "stopped", None)
    with pytest.raises(Conflict):
        end(case, "cancelled", None)
    assert choices(case, {BOARD}) == []
