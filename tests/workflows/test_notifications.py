"""Who the admission's events tell, on both back ends: an escalation reaches the board
as one (not also as a new task), a decision and an ending the case's proposer and
branch, each in the transaction of the step; the users of a unit are stood in for by
one name per unit (the accounts are the web layer's)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.cases import Actor, unit_of_work
from engine.models import Notification
from engine.outbox import outbox
from workflows.admission import (
    notifications,  # noqa: F401  (its rules, as register_domain)
    transfer,
)

from ..support.second_committee import add_second_committee
from .scenario import STUDENT, TO_BRANCH_VOTE, WORKER, Case, advance_to, workdays_after


@pytest.fixture(autouse=True)
def one_reviewer_per_unit(monkeypatch):
    monkeypatch.setattr(outbox, "audience", lambda session, unit: [f"reviewer@{unit}"])


def told(world, *kinds: str) -> list[tuple[str, str]]:
    with unit_of_work(world) as session:
        rows = session.execute(
            select(Notification.recipient, Notification.kind)
            .where(Notification.kind.in_(kinds))
            .order_by(Notification.id)
        ).all()
    return [tuple(row) for row in rows]


def test_an_overdue_decision_escalates_to_the_board_and_the_decision_tells_the_parties(world):
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "appraisal")  # DN-LB: a chi bộ cơ sở
    assert told(world, "task_new")[-1] == ("reviewer@BTV-DL", "task_new")  # the decision
    # Past 60 working days the board may extend; past 90 it is escalated to.
    deadline = workdays_after(case.row.data["meeting_date"], 90)
    advance_to(world, date.fromordinal(deadline.toordinal() + 1))
    assert case.open() == [
        ("decide", "BTV-DL"),
        ("escalate", "BTC-DL"),
        ("extend_decision", "BTC-DL"),
    ]
    assert told(world, "escalation") == [("reviewer@BTC-DL", "escalation")]
    [escalate] = [item.id for item in case.items() if item.step == "escalate"]
    with unit_of_work(world) as session:
        about = session.execute(
            select(Notification.kind).where(Notification.work_item_id == escalate)
        ).scalars()
        assert list(about) == ["escalation"]  # not also as a new task
    case.do("decide")
    assert sorted(told(world, "case_decided")) == [
        ("reviewer@CD-DN-LB", "case_decided"),  # the trade union that proposed
        ("reviewer@DN-LB", "case_decided"),  # the branch
    ]


def test_a_refusal_ends_the_case_and_tells_the_parties(world):
    case = Case(world, WORKER)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "appraisal")  # DN-LB: a chi bộ cơ sở
    case.do("decide", decision="refuse", decision_note="Chưa đủ tiêu chuẩn.")
    assert sorted(told(world, "case_ended")) == [
        ("reviewer@CD-DN-LB", "case_ended"),
        ("reviewer@DN-LB", "case_ended"),
    ]
    assert told(world, "case_decided") == []  # told once, as the ending
    with unit_of_work(world) as session:
        ended = (
            session.execute(select(Notification).where(Notification.kind == "case_ended"))
            .scalars()
            .first()
        )
        assert ended is not None and ended.data["outcome"] == "not_admitted"


def test_a_transfer_across_committees_tells_the_receiving_board_then_both_branches(world):
    """The receiving board's task is a side task with no diagram event: it is told of it
    all the same; the parties hear of the move once it is accepted, not while it waits."""
    add_second_committee(world)
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE[:7])
    with unit_of_work(world) as session:
        sent = transfer.transfer_case(
            session, case.id, "THPT-BL", "Chuyển trường.", Actor("btc"), units={"BTC-DL"}
        )
    with unit_of_work(world) as session:
        about = session.execute(
            select(Notification.recipient, Notification.kind).where(
                Notification.work_item_id == sent.task
            )
        ).all()
    assert [tuple(row) for row in about] == [("reviewer@BTC-BL", "task_new")]
    assert told(world, "case_transferred") == []
    with unit_of_work(world) as session:
        transfer.accept_transfer(
            session,
            sent.task,
            Actor("btc-bl"),
            units={"BTC-BL"},
            helper_name="Lê Văn Hải",
            introducers=["Đoàn trường THPT Bảo Lộc", "Phạm Thị Thu"],
        )
    assert sorted(told(world, "case_transferred")) == [
        ("reviewer@DT-THPT-TP", "case_transferred"),  # the Youth Union that proposed
        ("reviewer@THPT-BL", "case_transferred"),  # the new branch
        ("reviewer@THPT-TP", "case_transferred"),  # the branch it left
    ]
