"""Driving a case step by step through the engine, with plausible form data.

The demo (``ketnap demo``) and the scenario tests both walk cases through the real
operations; they share the way to find and complete an open task, and a filled-in form
for every user task of the diagrams, dated on a given day, so that a scenario only says
what differs (the votes, the places, the dates that matter).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import cases
from engine.cases import Actor
from engine.errors import NotFound
from engine.models import WorkItem
from engine.registry import Registry


def open_items(session: Session, case_id: int) -> list[WorkItem]:
    """The case's open tasks, oldest first."""
    return list(
        session.execute(
            select(WorkItem)
            .where(WorkItem.case_id == case_id, WorkItem.status == "open")
            .order_by(WorkItem.id)
        ).scalars()
    )


def complete_step(
    session: Session,
    case_id: int,
    step: str,
    data: dict[str, Any],
    actor: Actor,
    *,
    unit: str | None = None,
    registry: Registry | None = None,
) -> WorkItem:
    """Complete the case's open task ``step`` (in ``unit``, when several are open)."""
    found = [
        item
        for item in open_items(session, case_id)
        if item.step == step and (unit is None or item.unit == unit)
    ]
    if not found:
        where = f" in {unit}" if unit else ""
        steps = ", ".join(f"{i.step}@{i.unit}" for i in open_items(session, case_id)) or "none"
        raise NotFound(f"case {case_id} has no open task {step}{where} (open: {steps})")
    return cases.complete_task(session, found[0].id, data, actor, registry=registry)


def _official(name: str, months: int = 36) -> dict:
    return {"kind": "member", "name": name, "official": True, "months_known": months}


def introducers_for(person: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Introducers on the route a person of the demo and the scenarios is on: a Youth
    Union member is introduced by the Youth Union (they are all of youth age, where the
    tree has a Youth Union), a trade-union member by the Trade Union (where it has none),
    anyone else by two members. A scenario off these paths names its introducers."""
    person = person or {}
    if person.get("youth_union_member"):
        committee = {"kind": "youth_union", "name": "Ban Chấp hành Đoàn cơ sở"}
    elif person.get("trade_union_member"):
        committee = {"kind": "trade_union", "name": "Ban Chấp hành Công đoàn cơ sở"}
    else:
        return [_official("Lê Văn Phúc"), _official("Phạm Thị Ngọc Lan", 24)]
    return [committee, _official("Lê Văn Phúc")]


def _candidate_record(person: dict[str, Any] | None) -> dict[str, Any]:
    """What the personal history says of the person (Mẫu 2-KNĐ), unless the person says."""
    person = person or {}
    student = person.get("category") == "student"
    return {
        "hometown": person.get("hometown") or "Phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng",
        "occupation": person.get("occupation") or ("Học sinh" if student else "Công nhân"),
        "education_level": person.get("education_level") or "upper_secondary",
        "religion": person.get("religion") or "none",
    }


def _forms(day: str) -> dict[str, dict[str, Any]]:
    """A filled-in form for every user task, dated ``day``."""
    class_form = {
        "certificate_date": day,
        "certificate_number": "125-GCN/TTCT",
        "class_note": "Hoàn thành lớp bồi dưỡng nhận thức về Đảng, xếp loại khá.",
    }
    decision_form = {
        "recognition_decision": "recognise",
        "recognition_decision_date": day,
        "recognition_decision_number": "312",
    }
    # An extension names its new due date: the scenario gives it (decision_due).
    extension = {
        "extension_date": day,
        "extension_reason": "Hồ sơ cần xác minh thêm một nơi cư trú cũ của người vào Đảng.",
        "extension_granted_by": "Thường trực cấp ủy cấp trên",
    }
    escalation = {
        "escalation_date": day,
        "escalation_note": "Đã báo cáo Thường trực; đề nghị quyết định trong tuần.",
    }
    ceremony = {"ceremony_date": day, "ceremony_note": "Tổ chức trang trọng tại chi bộ."}
    return {
        "assign_branch": {
            "helper_name": "Nguyễn Văn Thắng",
            "assigned_date": day,
            "assign_note": "Giao chi bộ khu phố theo dõi, giúp đỡ.",
        },
        "accept_sympathiser": {"sympathiser_date": day, "helper_name": "Trần Thị Thu Hằng"},
        "attend_class": class_form,
        "retake_class": class_form,
        "application": {
            "application_date": day,
            "history_date": day,
            "history_fully_declared": True,
        },
        "send_verification": {"verification_sent_date": day, "verification_letter": "45-CV/ĐU"},
        "verify_place": {
            "verification_date": day,
            "verification_result": "matches",
            "verification_note": "Gia đình chấp hành tốt chủ trương, chính sách "
            "của Đảng, pháp luật của Nhà nước.",
        },
        "send_outside_request": {
            "outside_letter_number": "52-CV/ĐU",
            "outside_letter_date": day,
            "outside_recipient": "Đảng ủy phường Bến Thành, Thành phố Hồ Chí Minh",
        },
        "record_outside_answer": {
            "verification_date": day,
            "verification_result": "matches",
            "verification_note": "Nơi nhận trả lời: đúng như lý lịch đã khai.",
        },
        "clarify_history": {
            "clarification_date": day,
            "clarification_note": "Người vào Đảng giải trình, khai bổ sung lý lịch.",
        },
        "province_consent": {
            "over_age_consent": "given",
            "over_age_consent_number": "215-CV/TU",
            "over_age_consent_date": day,
            "over_age_consent_signer": "Phó Bí thư Thường trực Tỉnh ủy",
        },
        "certify_history": {
            "history_certified_date": day,
            "history_conclusion": "Lý lịch khai đúng, đủ điều kiện.",
        },
        "introduction": {"introduction_date": day},
        "mass_org_opinion": {
            "mass_org_opinion_date": day,
            "mass_org_opinion": "Tích cực tham gia phong trào, gương mẫu.",
        },
        "residence_opinion": {
            "residence_opinion_date": day,
            "residence_opinion": "Chấp hành tốt quy định nơi cư trú.",
        },
        "branch_vote": {
            "meeting_date": day,
            "official_members": 9,
            "votes_for": 8,
            "votes_against": 1,
            "members_present": 9,
            "chair_name": "Nguyễn Thị Hồng Nhung",
            "secretary_name": "Trần Quốc Bảo",
            "against_reasons": "Cần rèn luyện thêm tác phong.",
            "branch_resolution_number": "08-NQ/CB",
        },
        "grassroots_vote": {
            "grassroots_meeting_date": day,
            "committee_members": 7,
            "grassroots_votes_for": 7,
            "grassroots_votes_against": 0,
            "grassroots_resolution_number": "12",
        },
        "partial_appraisal": {
            "partial_appraisal_date": day,
            "partial_appraisal_opinion": "agree",
            "partial_appraisal_note": "Hồ sơ đầy đủ, đúng quy trình.",
        },
        "appraisal": {"appraisal_date": day, "appraisal_result": "sufficient"},
        "complete_dossier": {
            "dossier_completed_date": day,
            "dossier_completion_note": "Đã bổ sung bản nhận xét của chi ủy nơi cư trú.",
        },
        "decide": {"decision": "admit", "decision_date": day, "decision_number": "1502"},
        "committee_decide": {
            "decision_date": day,
            "decision_members": 15,
            "decision_votes_for": 13,
            "decision_votes_against": 0,
            "decision_number": "25-QĐ/ĐU",
        },
        "extend_decision": extension,
        "extend_recognition": extension,
        "escalate": escalation,
        "escalate_recognition": escalation,
        "ceremony": ceremony,
        "ceremony_consent": {
            "ceremony_consent": "consent",
            "ceremony_consent_date": day,
            "ceremony_consent_note": "Người vào Đảng đi công tác dài ngày; đồng ý tổ chức muộn.",
        },
        "late_ceremony": ceremony,
        "member_record": {"member_record_date": day},
        "recognition_file": {
            "self_assessment_date": day,
            "helper_assessment": "Hoàn thành tốt nhiệm vụ, giữ gìn tư cách.",
            "organisations_opinion": "Các đoàn thể và chi ủy nơi cư trú đồng ý đề nghị công nhận.",
            "new_member_course_date": day,
        },
        "recognition_vote": {
            "recognition_meeting_date": day,
            "recognition_members": 9,
            "recognition_votes_for": 9,
            "recognition_votes_against": 0,
            "recognition_members_present": 8,
            "recognition_resolution_number": "15-NQ/CB",
            "recognition_chair_name": "Nguyễn Thị Hồng Nhung",
            "recognition_secretary_name": "Trần Quốc Bảo",
        },
        "recognition_partial_appraisal": {
            "recognition_partial_date": day,
            "recognition_partial_opinion": "agree",
        },
        "recognition_grassroots_vote": {
            "recognition_grassroots_date": day,
            "recognition_committee_members": 7,
            "recognition_grassroots_for": 7,
            "recognition_grassroots_against": 0,
            "recognition_grassroots_number": "20",
        },
        "recognition_decide": decision_form,
        "recognition_committee_decide": {
            "recognition_decision_date": day,
            "recognition_decision_members": 15,
            "recognition_decision_for": 14,
            "recognition_decision_against": 0,
            "recognition_decision_number": "40-QĐ/ĐU",
        },
    }


def relatives_of(person: dict[str, Any]) -> list[dict[str, Any]]:
    """Plausible parents for ``person``, living where the person lives."""
    family = str(person["full_name"]).split()[0]
    place = person["residence_unit"]
    return [
        {
            "relation": "father",
            "full_name": f"{family} Văn Hòa",
            "party_member": False,
            "place_unit": place,
        },
        {
            "relation": "mother",
            "full_name": "Đỗ Thị Hạnh",
            "party_member": False,
            "place_unit": place,
        },
    ]


def step_data(
    step: str, on: date | str, person: dict[str, Any] | None = None, **overrides: Any
) -> dict[str, Any]:
    """The form of ``step`` filled in on day ``on``, with ``overrides`` applied.

    The application also needs the relatives: from ``overrides``, else made up for
    ``person``; it and the introduction follow what ``person`` says of itself.
    """
    day = on if isinstance(on, str) else on.isoformat()
    forms = _forms(day)
    if step not in forms:
        raise KeyError(f"no user task {step!r} in the admission diagrams")
    data = dict(forms[step])
    if step == "application":
        if "relatives" not in overrides:
            if person is None:
                raise ValueError("the application needs relatives, or the person to invent them")
            data["relatives"] = relatives_of(person)
        data.update(_candidate_record(person))
    if step == "introduction":
        data["introducers"] = introducers_for(person)
        if any(i["kind"] != "member" for i in data["introducers"]):  # its vote (Mẫu 4-KNĐ)
            data.update(union_committee_members=9, union_votes_for=9, union_votes_against=0)
    data.update(overrides)
    return data
