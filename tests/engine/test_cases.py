"""Case operations end to end on SQLite and PostgreSQL: state, inbox and audit agree."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import audit, cases, clock, timers
from engine.cases import Actor, unit_of_work
from engine.errors import Conflict, InvalidData, NotFound
from engine.models import Case, Event, WorkItem

from .helpers import ALICE, BOB, SUBMIT_OK, deploy_review, make_registry, move_clock_past_wait


@pytest.fixture
def reg():
    return make_registry()


@pytest.fixture
def started(factory, reg):
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        case = cases.start_case(
            s,
            "review",
            {"full_name": "Nguyễn Văn Ân", "unit_code": "U7"},
            ALICE,
            unit="U7",
            registry=reg,
        )
        return case.id


def open_items(factory, case_id):
    with unit_of_work(factory) as s:
        return (
            s.execute(
                select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.status == "open")
            )
            .scalars()
            .all()
        )


def events(factory, case_id):
    with unit_of_work(factory) as s:
        return [e.kind for e in audit.history(s, case_id)]


def test_start_opens_first_task_in_resolved_unit(factory, started):
    [item] = open_items(factory, started)
    assert (item.step, item.unit, item.lane) == ("submit", "U7", "Văn thư")
    assert item.search_key == "nguyen van an"
    assert item.due_at is not None and item.due_at > datetime.now(UTC)
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert case.status == "active" and case.unit == "U7"
        stored = json.loads(case.state)
        assert "spec" not in stored and "subprocess_specs" not in stored
    assert events(factory, started) == ["case_started", "task_ready"]


def test_complete_runs_gateway_timer_and_script(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert case.status == "waiting"
        assert case.next_due_at == datetime(2030, 1, 1, tzinfo=UTC)
    assert not open_items(factory, started)
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 0
    move_clock_past_wait()
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 1
    [decide] = open_items(factory, started)
    assert (decide.step, decide.unit) == ("decide", "BOARD")
    # due 10 working days from submitted_on (Mon 3 March 2025) -> Mon 17 March 2025
    assert decide.due_at.date().isoformat() == "2025-03-17"
    with unit_of_work(factory) as s:
        cases.complete_task(s, decide.id, {"decision": "yes"}, ALICE, registry=reg)
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert case.status == "closed" and case.outcome == "completed"
        assert case.data["result"] == "approved" and case.data["score_total"] == 14
    kinds = events(factory, started)
    assert kinds.count("task_completed") == 2 and kinds.count("timer_fired") == 1
    assert kinds[-1] == "case_closed"


def test_timer_already_due_fires_at_once(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.complete_task(
            s, item.id, {**SUBMIT_OK, "wait_until": "2001-01-01"}, BOB, registry=reg
        )
    assert [i.step for i in open_items(factory, started)] == ["decide"]


def test_gateway_default_path_closes_case(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, {**SUBMIT_OK, "approved": False}, BOB, registry=reg)
    with unit_of_work(factory) as s:
        assert s.get(Case, started).status == "closed"


def test_invalid_data_changes_nothing(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        before = (s.get(Case, started).state, s.execute(select(func.count(Event.seq))).scalar())
    with pytest.raises(InvalidData) as err:
        with unit_of_work(factory) as s:
            cases.complete_task(s, item.id, {"approved": "maybe", "score": 11}, BOB, registry=reg)
    assert set(err.value.fields) >= {"approved", "score", "submitted_on"}
    with unit_of_work(factory) as s:
        after = (s.get(Case, started).state, s.execute(select(func.count(Event.seq))).scalar())
        assert s.get(WorkItem, item.id).status == "open"
    assert before == after


def test_second_completion_conflicts(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
    with pytest.raises(Conflict):
        with unit_of_work(factory) as s:
            cases.complete_task(s, item.id, SUBMIT_OK, ALICE, registry=reg)


def test_claim_blocks_others_until_unclaimed(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.claim(s, item.id, ALICE)
    with pytest.raises(Conflict):
        with unit_of_work(factory) as s:
            cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
    with pytest.raises(Conflict):
        with unit_of_work(factory) as s:
            cases.claim(s, item.id, BOB)
    with unit_of_work(factory) as s:
        cases.unclaim(s, item.id, ALICE)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
    kinds = events(factory, started)
    assert kinds.count("task_claimed") == 1 and kinds.count("task_unclaimed") == 1


def test_reassign_gives_task_to_another(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.reassign(s, item.id, "bob", ALICE)
    with pytest.raises(Conflict):
        with unit_of_work(factory) as s:
            cases.complete_task(s, item.id, SUBMIT_OK, ALICE, registry=reg)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)


def test_suspend_blocks_work_and_timers_until_resume(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
        cases.suspend(s, started, ALICE, "chờ bổ sung")
    move_clock_past_wait()
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 0
    with unit_of_work(factory) as s:
        cases.resume(s, started, ALICE)
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 1


def test_cancel_closes_case_and_its_tasks(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.cancel(s, started, ALICE, "rút hồ sơ", registry=reg)
    with unit_of_work(factory) as s:
        case = s.get(Case, started)
        assert (case.status, case.outcome) == ("closed", "cancelled")
        assert s.get(WorkItem, item.id).status == "cancelled"
    with pytest.raises(Conflict):
        with unit_of_work(factory) as s:
            cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)


def test_boundary_timer_escalates_under_controlled_clock(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
    move_clock_past_wait()
    timers.run_due(factory, Actor("timer"), registry=reg)
    assert [i.step for i in open_items(factory, started)] == ["decide"]
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 0
    clock.advance(timedelta(days=11))
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 1
    assert sorted(i.step for i in open_items(factory, started)) == ["decide", "escalate"]


def test_unknown_task_and_case(factory, reg, started):
    with pytest.raises(NotFound):
        with unit_of_work(factory) as s:
            cases.complete_task(s, 99999, {}, BOB, registry=reg)
    with pytest.raises(NotFound):
        with unit_of_work(factory) as s:
            cases.suspend(s, 99999, BOB)


def test_audit_chain_verifies_after_operations(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
    with unit_of_work(factory) as s:
        assert audit.verify(s) is None
        seqs = s.execute(select(Event.seq).order_by(Event.seq)).scalars().all()
        assert seqs == list(range(1, len(seqs) + 1))


def test_update_data_moves_open_work_to_the_new_unit(factory, reg, started):
    [item] = open_items(factory, started)
    with unit_of_work(factory) as s:
        cases.claim(s, item.id, ALICE)
        cases.update_data(
            s, started, {"unit_code": "U9"}, BOB, kind="case_transferred", registry=reg
        )
    [moved] = open_items(factory, started)
    assert (moved.id, moved.unit, moved.claimed_by) == (item.id, "U9", None)
    with unit_of_work(factory) as s:
        assert s.get(Case, started).data["unit_code"] == "U9"
        [ev] = [e for e in audit.history(s, started) if e.kind == "case_transferred"]
        assert json.loads(ev.data)["moved_tasks"][0]["to"] == "U9"
    # The moved task still completes, and later tasks see the new data.
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, {**SUBMIT_OK, "approved": False}, BOB, registry=reg)


def test_start_event_form_checks_start_data_and_fills_absent_fields(factory, reg):
    from .helpers import deploy_edited_review

    deploy_edited_review(
        factory,
        reg,
        b'<bpmn:startEvent id="start" name="B\xe1\xba\xaft \xc4\x91\xe1\xba\xa7u" />',
        b'<bpmn:startEvent id="start" name="Start" ketnap:form="decide" />',
    )
    with pytest.raises(InvalidData) as err:
        with unit_of_work(factory) as s:
            cases.start_case(s, "review", {"decision": "maybe"}, ALICE, registry=reg)
    assert "decision" in err.value.fields
    with unit_of_work(factory) as s:
        case = cases.start_case(s, "review", {"decision": "yes"}, ALICE, registry=reg)
        assert case.data == {"decision": "yes", "note": None}


def test_case_stored_listeners_see_every_stored_case_with_its_open_steps(factory, reg):
    """A domain's derived tables stay in step with the case: the listener runs in the
    operation's transaction, for every store and for copies, with the open steps."""
    from engine import cloning

    seen = []
    reg.case_stored.append(
        lambda session, case, steps: seen.append(
            (case.id, case.status, sorted(steps), session.in_transaction())
        )
    )
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        case_id = cases.start_case(
            s,
            "review",
            {"full_name": "Lê Thị Hoa", "unit_code": "U7"},
            ALICE,
            unit="U7",
            registry=reg,
        ).id
    assert seen == [(case_id, "active", ["submit"], True)]
    [item] = open_items(factory, case_id)
    with unit_of_work(factory) as s:
        cases.complete_task(s, item.id, SUBMIT_OK, BOB, registry=reg)
    assert seen[-1] == (case_id, "waiting", [], True)
    move_clock_past_wait()
    assert timers.run_due(factory, Actor("timer"), registry=reg) == 1
    assert seen[-1] == (case_id, "active", ["decide"], True)
    with unit_of_work(factory) as s:
        cases.suspend(s, case_id, ALICE, registry=reg)
    assert seen[-1] == (case_id, "suspended", ["decide"], True)
    with unit_of_work(factory) as s:
        cases.resume(s, case_id, ALICE, registry=reg)
    assert seen[-1] == (case_id, "active", ["decide"], True)
    with unit_of_work(factory) as s:
        copy = cloning.copy_case(
            s, cloning.Template(s, case_id, "Lê Thị Hoa"), "Trần Văn Nam", registry=reg
        )
        s.flush()
        assert seen[-1] == (copy.id, "active", ["decide"], True)
    # Data the form refuses stops the operation before anything is stored.
    before = len(seen)
    with pytest.raises(InvalidData), unit_of_work(factory) as s:
        cases.complete_task(
            s, open_items(factory, case_id)[0].id, {"decision": 7}, BOB, registry=reg
        )
    assert len(seen) == before
