"""Moving running admission cases to a new version: the called processes, the parallel
section, the multi-instance verification, the wait for the 18th birthday; and the cases
that must stay where they are, untouched."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from engine import audit, case_migration
from engine.cases import unit_of_work
from engine.definitions import specs
from engine.models import Case as CaseRow
from engine.models import DefinitionVersion
from tests.support.bpmn_edit import insert_task, rename, retag
from workflows.admission import steps

from .scenario import (
    CLERK,
    DESIGNER,
    LONE_WORKER,
    STUDENT,
    TO_BRANCH_VOTE,
    Case,
    advance_to,
    deploy_changed,
    today,
    workdays_after,
)

CHECK_FORM = {
    "title": "Kiểm tra giấy chứng nhận",
    "fields": [
        {"name": "certificate_checked", "label": "Đã kiểm tra", "type": "boolean", "required": True}
    ],
}


def add_check_certificate(files) -> None:
    files["admission.bpmn"] = insert_task(
        files["admission.bpmn"],
        "to_application",
        "check_certificate",
        name="Kiểm tra giấy chứng nhận",
        lane="lane_branch",
        form="certificate_check",
    )
    files["forms/certificate_check.json"] = json.dumps(CHECK_FORM).encode()


def complete(case: Case, step: str, data: dict) -> None:
    """Complete a step the standard scenario data does not know (a new one)."""
    with unit_of_work(case.factory) as session:
        steps.complete_step(session, case.id, step, data, CLERK)


def migrated_events(factory, case_id) -> list[dict]:
    with unit_of_work(factory) as session:
        return [
            json.loads(e.data) for e in audit.history(session, case_id) if e.kind == "case_migrated"
        ]


def stored(factory, case_id):
    with unit_of_work(factory) as session:
        row = session.get(CaseRow, case_id)
        events = [e.kind for e in audit.history(session, case_id)]
        return row.definition_id, row.state, row.revision, events


def move(factory, case_ids, version_id):
    return case_migration.migrate(factory, case_ids, version_id, DESIGNER)


def version_of(case: Case) -> int:
    with unit_of_work(case.factory) as session:
        return session.get(DefinitionVersion, case.row.definition_id).version


def test_moved_case_takes_the_new_step_and_others_stay(world):
    moving, staying = Case(world, STUDENT), Case(world, STUDENT)
    for case in (moving, staying):
        case.do("accept_sympathiser")
    v2 = deploy_changed(world, add_check_certificate)
    newcomer = Case(world, STUDENT)
    assert version_of(newcomer) == 2 and version_of(staying) == 1

    with unit_of_work(world) as session:
        plan = {
            v.case_id: v
            for v in case_migration.dry_run(session, session.get(DefinitionVersion, v2))
        }
    assert set(plan) == {moving.id, staying.id}
    assert plan[moving.id].movable and plan[moving.id].steps == ["attend_class"]

    [result] = move(world, [moving.id], v2).values()
    assert result.movable and version_of(moving) == 2
    [event] = migrated_events(world, moving.id)
    assert (event["from_version"], event["to_version"], event["steps"]) == (1, 2, ["attend_class"])

    for case in (moving, newcomer):
        case.walk(*(["accept_sympathiser"] if case is newcomer else []), "attend_class")
        assert case.open() == [("check_certificate", "THPT-TP")]
        complete(case, "check_certificate", {"certificate_checked": True})
        assert case.open() == [("application", "THPT-TP")]
    staying.do("attend_class")
    assert staying.open() == [("application", "THPT-TP")] and version_of(staying) == 1


def test_case_inside_a_called_process_moves(world):
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE, "branch_vote")
    assert case.open() == [("appraisal", "BTC-DL")]

    def second_look(files):
        files["decision.bpmn"] = insert_task(
            files["decision.bpmn"],
            "to_decide",
            "second_look",
            name="Xem lại hồ sơ",
            lane="lane_board",
            form="appraisal",
        )

    v2 = deploy_changed(world, second_look)
    [result] = move(world, [case.id], v2).values()
    assert result.movable, result.reasons
    case.do("appraisal")
    assert case.open() == [("second_look", "BTC-DL")]
    complete(case, "second_look", steps.step_data("appraisal", today()))
    assert case.open() == [("decide", "BTV-DL")]
    case.walk("decide")
    assert case.open() == [("ceremony", "THPT-TP")]


def test_case_in_the_parallel_verification_moves(world):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class", "application", "send_verification")
    assert ("verify_place", "P1") in case.open()
    v2 = deploy_changed(world, add_check_certificate)
    [result] = move(world, [case.id], v2).values()
    assert result.movable, result.reasons
    case.walk(
        "verify_place", "certify_history", "introduction", "mass_org_opinion", "residence_opinion"
    )
    assert case.open() == [("branch_vote", "THPT-TP")]


def test_case_waiting_for_the_birthday_moves_and_its_timer_fires(world):
    case = Case(world, {**STUDENT, "birth_date": "2008-01-20"})
    case.walk(*TO_BRANCH_VOTE)
    due = case.row.next_due_at
    assert case.row.status == "waiting"

    def note_birthday(files):
        files["admission.bpmn"] = insert_task(
            files["admission.bpmn"],
            "turned_18",
            "note_birthday",
            name="Ghi nhận đủ 18 tuổi",
            lane="lane_branch",
            form="certificate_check",
        )
        files["forms/certificate_check.json"] = json.dumps(CHECK_FORM).encode()

    v2 = deploy_changed(world, note_birthday)
    [result] = move(world, [case.id], v2).values()
    assert result.movable and result.steps == ["wait_18"]
    assert case.row.next_due_at == due and case.row.status == "waiting"
    assert advance_to(world, date(2026, 1, 20)) == 1
    assert case.open() == [("note_birthday", "THPT-TP")]
    complete(case, "note_birthday", {"certificate_checked": True})
    assert case.open() == [("branch_vote", "THPT-TP")]


def test_case_whose_step_is_gone_stays_untouched(world):
    at_first, further, elsewhere = (
        Case(world, STUDENT),
        Case(world, STUDENT),
        Case(world, LONE_WORKER),
    )
    further.do("accept_sympathiser")
    v2 = deploy_changed(
        world,
        lambda files: files.update(
            {
                "admission.bpmn": rename(
                    files["admission.bpmn"], "accept_sympathiser", "accept_candidate"
                )
            }
        ),
    )
    before = {c.id: stored(world, c.id) for c in (at_first, further)}

    results = move(world, [at_first.id, further.id, elsewhere.id], v2)
    assert [r.code for r in results[at_first.id].reasons] == ["missing_step"]
    assert results[at_first.id].reasons[0].params["state"] == "open"
    assert results[further.id].reasons[0].params["state"] == "done"
    assert results[elsewhere.id].movable
    assert {c.id: stored(world, c.id) for c in (at_first, further)} == before
    at_first.do("accept_sympathiser")
    assert at_first.open() == [("attend_class", "TTCT-DL")]


@pytest.mark.parametrize(
    "edit, code",
    [
        (
            lambda files: files.update(
                {
                    "admission.bpmn": retag(
                        files["admission.bpmn"], "introduction", "manualTask", keep_ketnap=True
                    )
                }
            ),
            "changed_kind",
        ),
        (
            lambda files: files.update(
                {
                    "admission.bpmn": insert_task(
                        files["admission.bpmn"],
                        "certified",
                        "archive",
                        name="Lưu hồ sơ",
                        lane="lane_branch",
                        form="certify_history",
                    )
                }
            ),
            "changed_join",
        ),
    ],
)
def test_open_step_in_an_incompatible_place_is_refused(world, edit, code):
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class", "application")
    early = Case(world, STUDENT)
    v2 = deploy_changed(world, edit)
    before = stored(world, case.id)
    results = move(world, [case.id, early.id], v2)
    assert code in [r.code for r in results[case.id].reasons]
    assert stored(world, case.id) == before
    assert results[early.id].movable


def test_closed_and_current_cases_are_not_listed_as_movable(world):
    case = Case(world, STUDENT)
    with unit_of_work(world) as session:
        current = session.execute(select(DefinitionVersion)).scalar_one()
        assert case_migration.dry_run(session, current) == []
    [result] = move(world, [case.id], current.id).values()
    assert [r.code for r in result.reasons] == ["same_version"]


def test_decision_with_its_deadline_timers_moves_and_the_timers_still_fire(world):
    case = Case(world, STUDENT)
    case.walk(*TO_BRANCH_VOTE, "branch_vote", "appraisal")
    assert case.open() == [("decide", "BTV-DL")] and case.row.next_due_at is not None
    v2 = deploy_changed(world, add_check_certificate)
    [result] = move(world, [case.id], v2).values()
    assert result.movable and {"decision_overdue", "decision_late"} <= set(result.steps)
    assert advance_to(world, workdays_after(today(), 61)) == 1
    assert case.open() == [("decide", "BTV-DL"), ("extend_decision", "BTC-DL")]
    assert advance_to(world, workdays_after(today(), 31)) == 1
    assert case.open() == [
        ("decide", "BTV-DL"),
        ("escalate", "BTC-DL"),
        ("extend_decision", "BTC-DL"),
    ]
    case.walk("decide")
    assert case.open() == [("ceremony", "THPT-TP")]


def test_multi_instance_merges_on_a_spec_parsed_after_its_instances_started(world):
    """A second worker or a restart parses the spec again: the verification instances
    started before must still be merged when they finish."""
    case = Case(world, STUDENT)
    case.walk("accept_sympathiser", "attend_class", "application", "send_verification")
    specs._items.clear()
    case.walk("verify_place")
    assert ("certify_history", "THPT-TP") in case.open()
