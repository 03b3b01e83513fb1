"""Which submissions the person must confirm before they are stored, and the figures
the confirmation shows (procedure.md: "a closing result is confirmed by the user
before it is stored").

A submission is confirmed when its effect (engine/preview.py) closes the case, or when
it takes a branch the case cannot come back from by itself: a probationary member
proposed for removal, or when a value it accepts deserves a warning first: a class
certificate that will have lapsed by the branch vote. Which those are is the tables
``IRREVERSIBLE`` and ``WARNINGS`` below; the figures
of each step are ``FIGURES``. Both are data of the procedure: a new closing step needs
no code, a new figure is one line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.preview import Effect

from . import rules
from .vocabulary import N_

Figures = tuple[str, dict[str, Any]]  # (msgid, its parameters)


def _votes(msgid: str, voted: str, total: str) -> Callable[[Mapping[str, Any]], Figures]:
    return lambda data: (msgid, {"n": data.get(voted), "of": data.get(total)})


def _recognition(data: Mapping[str, Any]) -> Figures:
    if data.get("recognition_decision") == "recognise":
        return N_("Quyết định công nhận đảng viên chính thức"), {}
    return N_("Quyết định xóa tên trong danh sách đảng viên dự bị"), {}


def _certificate(data: Mapping[str, Any]) -> Figures:
    return N_("Giấy chứng nhận cấp ngày %(issued)s, hết giá trị từ ngày %(until)s"), {
        "issued": _shown(data.get("certificate_date")),
        "until": _shown(certificate_expiry(data)),
    }


def _shown(iso: Any) -> str:
    return "/".join(reversed(str(iso or "")[:10].split("-")))


def certificate_expiry(data: Mapping[str, Any]) -> str | None:
    """The first day the class certificate no longer covers (60 months on)."""
    issued = data.get("certificate_date")
    return rules.add_months(issued, rules.CERTIFICATE_MONTHS) if issued else None


def certificate_lapses(data: Mapping[str, Any]) -> bool:
    """The certificate will not cover the branch vote: it has expired, or expires
    before the candidate turns 18 (the earliest day the branch may vote)."""
    until = certificate_expiry(data)
    if until is None:
        return False
    earliest = rules.today()
    if data.get("birth_date"):
        earliest = max(earliest, rules.eighteenth_birthday(data["birth_date"]))
    return until <= earliest


#: step -> the figures of its submission, as people read them.
FIGURES: dict[str, Callable[[Mapping[str, Any]], Figures]] = {
    "branch_vote": _votes(
        N_("%(n)s/%(of)s đảng viên chính thức tán thành, dưới 2/3"), "votes_for", "official_members"
    ),
    "grassroots_vote": _votes(
        N_("%(n)s/%(of)s cấp ủy viên tán thành, dưới 2/3"),
        "grassroots_votes_for",
        "committee_members",
    ),
    "decide": lambda data: (N_("Quyết định không kết nạp"), {}),
    "province_consent": lambda data: (
        N_("Ban Thường vụ tỉnh ủy không đồng ý kết nạp người trên 60 tuổi"),
        {},
    ),
    "committee_decide": _votes(
        N_("%(n)s/%(of)s cấp ủy viên tán thành, dưới 2/3"),
        "decision_votes_for",
        "decision_members",
    ),
    "recognition_vote": _votes(
        N_("%(n)s/%(of)s đảng viên chính thức không tán thành công nhận đảng viên chính thức"),
        "recognition_votes_against",
        "recognition_members",
    ),
    "recognition_grassroots_vote": _votes(
        N_("%(n)s/%(of)s cấp ủy viên không tán thành công nhận đảng viên chính thức"),
        "recognition_grassroots_against",
        "recognition_committee_members",
    ),
    "recognition_decide": lambda data: _recognition(data),
    "recognition_committee_decide": lambda data: _recognition(data),
    "attend_class": lambda data: _certificate(data),
    "retake_class": lambda data: _certificate(data),
}

#: step -> (does the submission take the branch, what it leads to): branches the case
#: does not come back from by itself, though it does not close yet.
IRREVERSIBLE: dict[str, tuple[Callable[[Mapping[str, Any]], bool], str]] = {
    "recognition_vote": (
        lambda data: (
            data.get("recognition_vote_result") == "proposed"
            and data.get("recognition_proposal") == "remove"
        ),
        N_("chi bộ đề nghị xóa tên đảng viên dự bị"),
    ),
    "recognition_grassroots_vote": (
        lambda data: data.get("recognition_grassroots_result") == "remove",
        N_("đảng ủy cơ sở đề nghị xóa tên đảng viên dự bị"),
    ),
}

#: step -> (does the submission deserve a warning, the warning): values that are still
#: accepted once the person confirms them. A class certificate that will have lapsed by
#: the branch vote is warned of where it is entered, by the political centre.
WARNINGS: dict[str, tuple[Callable[[Mapping[str, Any]], bool], str]] = {
    "attend_class": (
        certificate_lapses,
        N_("giấy chứng nhận sẽ hết giá trị trước khi chi bộ xét kết nạp: phải học lại lớp"),
    ),
    "retake_class": (
        certificate_lapses,
        N_("giấy chứng nhận sẽ hết giá trị trước khi chi bộ xét kết nạp: phải học lại lớp"),
    ),
}


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says: the figures, then either the outcome the case
    closes with or the branch it takes, and the reason the diagram recorded."""

    figures: Figures | None
    outcome: str | None  # the outcome the case closes with (None: it goes on)
    leads_to: str | None  # the irreversible branch taken (a msgid), when it goes on
    reason: str | None  # why, as the diagram wrote it (not_admitted_reason)


def confirmation(step: str, effect: Effect) -> Confirmation | None:
    """What completing ``step`` with this effect must have confirmed (None: nothing)."""
    data = effect.data
    figures = FIGURES[step](data) if step in FIGURES else None
    if effect.closes:
        reason = data.get("not_admitted_reason") if effect.outcome == "not_admitted" else None
        return Confirmation(figures, effect.outcome, None, reason)
    for table in (IRREVERSIBLE, WARNINGS):
        taken = table.get(step)
        if taken is not None and taken[0](data):
            return Confirmation(figures, None, taken[1], None)
    return None
