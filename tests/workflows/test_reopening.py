"""Correcting a submitted step of an admission case (workflows/admission/reopening.py,
engine/reopening.py) on SQLite and PostgreSQL: a board above reopens it with a reason;
later steps are cancelled with their data kept in the history; parallel branches, the
called decision process and the verification of several places behave."""

from __future__ import annotations

import json

import pytest

from engine import audit
from engine import reopening as reopening_engine
from engine.cases import unit_of_work
from engine.errors import Conflict
from tests.support.consistency import check_consistent
from workflows.admission import reopening
from workflows.admission.authority import NotAllowed

from .scenario import CLERK, STUDENT, TO_BRANCH_VOTE, Case, advance_to, today, workdays_after

# The scenario's end check: no case is left stuck.
pytestmark = pytest.mark.usefixtures("no_stuck_case_after")

BOARD, STANDING, BRANCH = "BTC-DL", "BTV-DL", "THPT-TP"
ADULT = {**STUDENT, "birth_date": "2000-01-01"}
# Two thirds against: the case closes (fewer either way would be voted again).
FAILED = {"official_members": 10, "votes_for": 3, "votes_against": 7}
PASSED = {"official_members": 10, "votes_for": 7, "votes_against": 3}
# A branch under the school's party committee, which votes after it.
TEACHER = {
    **ADULT,
    "branch": "THPT-TL-GV",
    "proposer_unit": "DT-THPT-TL",
    "residence_unit": "P2-KP1",
}


def reopen(case: Case, step: str, units=frozenset({BOARD}), reason="Nhập nhầm số phiếu."):
    [item] = [i for i in case.items("completed") if i.step == step]
    with unit_of_work(case.factory) as session:
        return reopening.reopen_step(session, item.id, reason, CLERK, units=units, closed_within=10)


def history(case: Case) -> list[tuple[str, dict]]:
    with unit_of_work(case.factory) as session:
        return [(e.kind, json.loads(e.data)) for e in audit.history(session, case.id)]


def test_a_vote_below_two_thirds_reopened_and_corrected(world):
    case = Case(world, ADULT)
    case.walk(*TO_BRANCH_VOTE)
    case.do("branch_vote", **FAILED)
    assert (case.row.status, case.row.outcome) == ("closed", "not_admitted")
    events_before = len(history(case))
    with pytest.raises(NotAllowed):
        reopen(case, "branch_vote", units={BRANCH})
    opened = reopen(case, "branch_vote", units={STANDING})
    row = case.row
    assert (row.status, row.outcome, row.closed_at) == ("active", None, None)
    assert "not_admitted_reason" not in row.data and "outcome" not in row.data
    assert case.open() == [("branch_vote", BRANCH)] and opened.step == "branch_vote"
    with unit_of_work(world) as session:  # the form offers the earlier values to correct
        assert reopening_engine.earlier_values(session, opened)["votes_for"] == 3
    assert "votes_for" not in case.task_data("branch_vote")
    case.do("branch_vote", **PASSED)
    assert case.open() == [("appraisal", BOARD)]  # a chi bộ cơ sở: no grassroots vote
    # Nothing deleted: both votes, the reopening and the closing in between are there.
    events = history(case)
    assert len(events) > events_before
    votes = [
        d["submitted"]["votes_for"]
        for k, d in events
        if k == "task_completed" and d["step"] == "branch_vote"
    ]
    assert votes == [3, 7]
    [(_, reopened)] = [(k, d) for k, d in events if k == "task_reopened"]
    assert reopened["reason"] == "Nhập nhầm số phiếu." and reopened["reopened_case"] is True
    assert [i.status for i in case.items() if i.step == "branch_vote"] == ["reopened", "completed"]
    check_consistent(world)


def test_later_steps_are_cancelled_and_the_decision_process_dropped(world):
    case = Case(world, TEACHER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "grassroots_vote", "appraisal")
    assert case.open() == [("decide", STANDING)]
    reopen(case, "grassroots_vote")
    assert case.open() == [("grassroots_vote", "THPT-TL")]
    cancelled = {i.step: i for i in case.items("cancelled")}
    assert set(cancelled) == {"appraisal", "decide"}
    assert cancelled["appraisal"].completed_by == CLERK.name  # its completion kept
    kinds = [k for k, d in history(case) if d.get("step") == "appraisal"]
    assert kinds.count("task_completed") == 1  # the data of the cancelled step kept
    case.walk("grassroots_vote", "appraisal", "decide")
    assert case.open() == [("ceremony", TEACHER["branch"])]
    check_consistent(world)


def test_a_step_inside_the_decision_reopens_within_it(world):
    case = Case(world, ADULT)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "appraisal")
    reopen(case, "appraisal")
    assert case.open() == [("appraisal", BOARD)]
    assert [i.step for i in case.items("cancelled")] == ["decide"]
    case.walk("appraisal", "decide", "ceremony")
    assert case.open() == [("member_record", BRANCH)]
    # After the decision process ended: its decision reopens, the ceremony is undone.
    reopen(case, "decide")
    assert case.open() == [("decide", STANDING)]
    assert "decision_date" not in case.row.data
    check_consistent(world)


def test_a_parallel_branch_reopened_after_the_join_went_on(world):
    case = Case(world, ADULT)
    case.walk(*TO_BRANCH_VOTE)  # residence_opinion came last: the join went on there
    assert case.open() == [("branch_vote", BRANCH)]
    reopen(case, "introduction")
    # The vote waits again for the introductions; the other branches stay done.
    assert case.open() == [("introduction", BRANCH)]
    assert [i.step for i in case.items("cancelled")] == ["branch_vote"]
    case.do("introduction")
    assert case.open() == [("branch_vote", BRANCH)]
    check_consistent(world)


def test_one_place_of_several_is_refused_its_sending_step_is_not(world):
    case = Case(world, ADULT)
    case.walk(*TO_BRANCH_VOTE[:5])  # verified at the one place: certification open
    with pytest.raises(Conflict, match="nhiều lượt"):
        reopen(case, "verify_place")
    reopen(case, "send_verification")
    assert sorted(step for step, _ in case.open()) == [
        "introduction",
        "mass_org_opinion",
        "send_verification",
    ]
    assert {i.step for i in case.items("cancelled")} == {"verify_place", "certify_history"}
    case.walk("send_verification", "verify_place", "certify_history")
    check_consistent(world)


def test_a_closed_case_reopens_only_for_the_configured_working_days(world):
    case = Case(world, ADULT)
    case.walk(*TO_BRANCH_VOTE)
    case.do("branch_vote", **FAILED)
    advance_to(world, workdays_after(today(), 11))
    with pytest.raises(Conflict, match="10 ngày làm việc"):
        reopen(case, "branch_vote")
    assert case.row.status == "closed"
