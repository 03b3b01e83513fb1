"""The facts the admission's evidence panels show beside a form's own fields
(bpmn/forms/*.json ``"evidence"``, engine/forms/evidence.py): what a reviewer needs from
earlier steps and what the rules make of it — a certificate's validity on the meeting
date, a vote's share of all members, the decision's 60-working-day deadline, the answer
of each place verified. Each returns rows (label, text), none when it does not apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine import workdays
from engine.registry import Registry, registry

from . import rules
from .reports.documents.model import percent, short_date
from .tree import load_tree

Rows = list[tuple[str, str]]
DECISION_WORKDAYS = 60  # procedure.md step 10: within 60 working days of the resolution
RESULTS = {"matches": "Đúng như lý lịch đã khai", "differs": "Có điểm khác với lý lịch đã khai"}


def certificate_validity(_session, data: Mapping[str, Any]) -> Rows:
    issued = data.get("certificate_date")
    if not issued:
        return []
    until = date.fromisoformat(rules.add_months(issued, rules.CERTIFICATE_MONTHS))
    on = data.get("meeting_date") or rules.today()
    valid = rules.certificate_valid(issued, on)
    when = "ngày họp chi bộ" if data.get("meeting_date") else "hôm nay"
    verdict = "còn giá trị" if valid else "đã hết giá trị"
    last = short_date(until - timedelta(days=1))
    text = f"đến hết {last}: {verdict} vào {when} ({short_date(on)})"
    return [("Hiệu lực giấy chứng nhận", text)]


@dataclass(frozen=True)
class VoteShare:
    """A vote's fact: its fields for and against of all ``members`` of the body."""

    votes_for: str
    against: str
    total: str
    members: str

    def __call__(self, _session, data: Mapping[str, Any]) -> Rows:
        votes, against, total = (data.get(k) for k in (self.votes_for, self.against, self.total))
        if not isinstance(votes, int) or not isinstance(total, int) or total <= 0:
            return []
        text = f"{votes}/{total} {self.members} tán thành ({percent(votes, total)})"
        if isinstance(against, int):
            text += f", {against} không tán thành ({percent(against, total)})"
        passed = votes * 3 >= total * 2
        text += " — đạt hai phần ba" if passed else " — chưa đạt hai phần ba"
        return [("Kết quả biểu quyết", text)]


MEMBERS, COMMITTEE = "đảng viên chính thức", "cấp ủy viên"
VOTES = {
    "branch_vote_share": VoteShare("votes_for", "votes_against", "official_members", MEMBERS),
    "grassroots_vote_share": VoteShare(
        "grassroots_votes_for", "grassroots_votes_against", "committee_members", COMMITTEE
    ),
    "recognition_vote_share": VoteShare(
        "recognition_votes_for", "recognition_votes_against", "recognition_members", MEMBERS
    ),
    "recognition_grassroots_share": VoteShare(
        "recognition_grassroots_for",
        "recognition_grassroots_against",
        "recognition_committee_members",
        COMMITTEE,
    ),
}


def decision_deadline(_session, data: Mapping[str, Any]) -> Rows:
    """The 60 working days from the branch's resolution, and how many are left."""
    meeting = data.get("meeting_date")
    if not meeting:
        return []
    due = date.fromisoformat(rules.add_workdays(meeting, DECISION_WORKDAYS))
    decided = data.get("decision_date")
    if decided:
        state = "đã quyết định ngày " + short_date(decided)
    else:
        left = workdays.default_calendar.workdays_between(date.fromisoformat(rules.today()), due)
        state = f"còn {left} ngày làm việc" if left >= 0 else f"quá hạn {-left} ngày làm việc"
    return [
        (
            f"Hạn quyết định ({DECISION_WORKDAYS} ngày làm việc từ ngày chi bộ họp)",
            f"{short_date(due)} — {state}",
        )
    ]


def verification_answers(session, data: Mapping[str, Any]) -> Rows:
    """One row per place verified: where, whom, when, what it found."""
    answers = [a for a in data.get("verification_results") or [] if isinstance(a, dict)]
    if not answers and data.get("places_to_verify") == []:
        return [("Thẩm tra lý lịch", "Không phải thẩm tra (người thân là đảng viên, đã khai đủ)")]
    tree = load_tree(session)
    rows: Rows = []
    for answer in answers:
        unit = tree.get(answer.get("unit"))
        place = unit.name if unit is not None else str(answer.get("unit") or "")
        people = ", ".join(str(p) for p in answer.get("people") or [])
        result = RESULTS.get(str(answer.get("result")), str(answer.get("result") or ""))
        text = f"{result} ({short_date(answer.get('date'))})"
        if answer.get("note"):
            text += f": {answer['note']}"
        rows.append((f"{place} — {people}" if people else place, text))
    return rows


FACTS = {
    **VOTES,
    "certificate_validity": certificate_validity,
    "decision_deadline": decision_deadline,
    "verification_answers": verification_answers,
}


def register(target: Registry = registry) -> None:
    for name, fact in FACTS.items():
        target.evidence_fact(name)(fact)


register()
