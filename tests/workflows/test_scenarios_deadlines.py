"""Scenarios of the deadlines that are steps (procedure.md steps 10, 11, 16): the
decision's extension and the escalation past 90 working days, the late ceremony that
needs the upper committee's consent, the ceremony's date, and the recognition
decision counted from the branch's recognition resolution."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine import audit
from engine.cases import unit_of_work
from engine.errors import InvalidData

from .scenario import (
    TO_BRANCH_VOTE,
    WORKER,
    Case,
    advance_to,
    through_probation,
    today,
    workdays_after,
)


def day_after(day: date) -> date:
    return day + timedelta(days=1)


def awaiting_decision(world) -> Case:
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "appraisal")
    assert case.open() == [("decide", "BTV-DL")]
    return case


def test_decision_extended_once_and_escalated_past_90_working_days(world):
    case = awaiting_decision(world)
    meeting = case.row.data["meeting_date"]
    deadline = workdays_after(meeting, 60)
    assert case.due("decide") == deadline
    assert advance_to(world, deadline) == 0  # due that day, not yet overdue
    assert advance_to(world, day_after(deadline)) == 1
    # The decision stays open; the organisation board records the extension.
    assert case.open() == [("decide", "BTV-DL"), ("extend_decision", "BTC-DL")]
    assert case.task_data("extend_decision")["decision_deadline"] == deadline.isoformat()
    with pytest.raises(InvalidData) as refused:  # more than 30 working days
        case.do("extend_decision", decision_due=workdays_after(deadline, 31).isoformat())
    assert "30 ngày làm việc" in refused.value.fields["decision_due"][0]
    with pytest.raises(InvalidData):  # not after the deadline
        case.do("extend_decision", decision_due=deadline.isoformat())
    assert case.open() == [("decide", "BTV-DL"), ("extend_decision", "BTC-DL")]
    new_due = workdays_after(deadline, 20)
    case.do("extend_decision", decision_due=new_due.isoformat())
    assert case.open() == [("decide", "BTV-DL")]
    assert case.due("decide") == new_due  # the decision's due date moved with it
    data = case.row.data
    assert data["extension_granted_by"] and data["extension_reason"]
    # Past 90 working days from the branch resolution: the board is escalated to,
    # and the decision task is not cancelled.
    late = workdays_after(meeting, 90)
    assert advance_to(world, late) == 0
    assert advance_to(world, day_after(late)) == 1
    assert case.open() == [("decide", "BTV-DL"), ("escalate", "BTC-DL")]
    with unit_of_work(world) as session:
        kinds = [event.kind for event in audit.history(session, case.id)]
    assert kinds.count("escalation") == 1
    case.do("decide")
    assert case.open() == [("ceremony", "DN-LB")]
    [escalation] = [item for item in case.items() if item.step == "escalate"]
    assert escalation.status == "cancelled"


def test_escalation_without_an_extension(world):
    case = awaiting_decision(world)
    late = workdays_after(case.row.data["meeting_date"], 90)
    advance_to(world, day_after(late))  # both timers are due: both tasks open
    assert case.open() == [
        ("decide", "BTV-DL"),
        ("escalate", "BTC-DL"),
        ("extend_decision", "BTC-DL"),
    ]
    case.do("escalate")
    case.do("decide")
    assert case.open() == [("ceremony", "DN-LB")]
    assert [i.status for i in case.items() if i.step == "extend_decision"] == ["cancelled"]


def admitted(world) -> Case:
    case = awaiting_decision(world)
    case.do("decide")
    assert case.open() == [("ceremony", "DN-LB")]
    assert case.due("ceremony") == workdays_after(today(), 30)
    return case


def test_ceremony_before_the_decision_or_in_the_future_is_a_field_error(world):
    case = admitted(world)
    before = case.row.data
    with pytest.raises(InvalidData) as refused:
        case.do("ceremony", ceremony_date="2025-09-05")
    assert "trước ngày quyết định" in refused.value.fields["ceremony_date"][0]
    with pytest.raises(InvalidData) as refused:
        case.do("ceremony", ceremony_date="2025-09-09")
    assert "chưa đến" in refused.value.fields["ceremony_date"][0]
    # Nothing changed.
    assert case.row.data == before and case.open() == [("ceremony", "DN-LB")]
    case.do("ceremony")
    assert case.open() == [("member_record", "DN-LB")]


def test_late_ceremony_needs_the_upper_committees_consent(world):
    case = admitted(world)
    deadline = workdays_after(today(), 30)
    assert advance_to(world, deadline) == 0
    assert advance_to(world, day_after(deadline)) == 1
    # The branch can no longer hold it by itself: the upper committee consents first.
    assert case.open() == [("ceremony_consent", "BTV-DL")]
    case.do("ceremony_consent")
    assert case.open() == [("late_ceremony", "DN-LB")]
    assert case.due("late_ceremony") == workdays_after(today(), 30)
    case.do("late_ceremony")
    row = case.row
    assert row.data["ceremony_date"] == today().isoformat()
    assert case.open() == [("member_record", "DN-LB")]


def test_late_ceremony_refused_ends_the_case(world):
    case = admitted(world)
    advance_to(world, day_after(workdays_after(today(), 30)))
    case.do("ceremony_consent", ceremony_consent="refuse")
    row = case.row
    assert (row.status, row.outcome) == ("closed", "stopped")
    assert "lễ kết nạp" in row.data["outcome_reason"]


def test_recognition_decision_due_from_the_branch_recognition_resolution(world):
    case = admitted(world)
    case.do("ceremony")
    through_probation(case)
    case.do("recognition_file")
    # The branch meets a week after the file; the decision counts from that meeting.
    advance_to(world, workdays_after(today(), 5))
    meeting = today()
    case.do("recognition_vote")
    assert case.open() == [("recognition_decide", "BTV-DL")]
    deadline = workdays_after(meeting, 30)
    assert case.due("recognition_decide") == deadline
    advance_to(world, workdays_after(meeting, 3))
    assert case.due("recognition_decide") == deadline  # not from when the task opened
    assert advance_to(world, day_after(deadline)) == 1
    assert case.open() == [("extend_recognition", "BTC-DL"), ("recognition_decide", "BTV-DL")]
    new_due = workdays_after(deadline, 30)
    case.do("extend_recognition", decision_due=new_due.isoformat())
    assert case.due("recognition_decide") == new_due
    late = workdays_after(meeting, 60)
    assert advance_to(world, day_after(late)) == 1
    assert case.open() == [("escalate_recognition", "BTC-DL"), ("recognition_decide", "BTV-DL")]
    case.do("recognition_decide")
    row = case.row
    assert (row.status, row.outcome) == ("closed", "recognised")
    assert [i.status for i in case.items() if i.step == "escalate_recognition"] == ["cancelled"]
