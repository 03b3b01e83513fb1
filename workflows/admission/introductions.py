"""Who must introduce a candidate (procedure.md, "Introducer routes"; Điều lệ Đảng
Điều 4, QĐ 294-QĐ/TW): the route follows from the candidate and the tree, it is not
chosen, and an introduction that does not keep to it is refused on submit, field by
field.

- Youth age (to 30 full years, counted in months as every age here, on the introduction
  date) where the candidate works or studies has a Youth Union organisation: the
  candidate must be a Youth Union member, introduced by the Youth Union base committee
  (or the whole base Youth Union cell) and one official member.
- No Youth Union organisation there, the candidate a trade-union member: the Trade Union
  base committee and one official member. Whether two official members may introduce
  such a candidate instead is an assumption to confirm ([A]): a task whose
  ``ketnap:options`` holds ``trade-union-route-or-two-members`` accepts them.
- Everyone else: two official members.

A member introducer is official and has worked, studied or lived with the candidate for
at least 12 months; a member the branch assigned to replace an introducer who moved, was
disciplined or could not go on is exempt from the 12 months.

"Has a Youth Union organisation" is data: a unit of kind ``youth_union`` in the tree
directly under the candidate's enterprise (one without a party organisation), or else
under the branch handling the case or the grassroots organisation of that branch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import rules
from .kinds import YOUTH_UNION
from .tree import OrgTree, OrgUnit

MEMBER, YOUTH_UNION_COMMITTEE, TRADE_UNION_COMMITTEE = "member", "youth_union", "trade_union"
YOUTH_AGE_MONTHS = 30 * 12  # "to 30 full years": 30 years and any days less than a month
INTRODUCER_MONTHS = rules.INTRODUCER_MONTHS
#: The ketnap:options word that lets two official members introduce on the Trade Union route.
TWO_MEMBERS_ON_TRADE_UNION_ROUTE = "trade-union-route-or-two-members"

ROUTE_TEXTS = {
    YOUTH_UNION_COMMITTEE: "Ban Chấp hành Đoàn cơ sở (hoặc tập thể chi đoàn cơ sở) "
    "và một đảng viên chính thức giới thiệu",
    TRADE_UNION_COMMITTEE: "Ban Chấp hành Công đoàn cơ sở và một đảng viên chính thức giới thiệu",
    MEMBER: "hai đảng viên chính thức giới thiệu",
}


@dataclass(frozen=True)
class Route:
    """The introducers a candidate must have, and why, in Vietnamese."""

    kind: str  # YOUTH_UNION_COMMITTEE, TRADE_UNION_COMMITTEE or MEMBER (two members)
    reason: str
    two_members_too: bool = False  # the Trade Union route, where the option allows it

    def accepts(self, kinds: list[str]) -> bool:
        """Whether introducers of these kinds (one entry each) keep to the route."""
        found = sorted(kinds)
        if found == [MEMBER, MEMBER]:
            return self.kind == MEMBER or self.two_members_too
        return self.kind != MEMBER and found == sorted([MEMBER, self.kind])

    def text(self) -> str:
        wanted = ROUTE_TEXTS[self.kind]
        if self.two_members_too:
            wanted += " (hoặc hai đảng viên chính thức giới thiệu)"
        return f"{self.reason}: phải do {wanted}."


def _code(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return (str(value).strip() or None) if value is not None else None


def youth_age(birth_date: Any, on: Any) -> bool:
    """Trong độ tuổi thanh niên: đến 30 tuổi (tính theo tháng) vào ngày ``on``."""
    return rules.age_in_months(birth_date, on) <= YOUTH_AGE_MONTHS


def workplace(tree: OrgTree, data: Mapping[str, Any]) -> OrgUnit | None:
    """Where the candidate works or studies: the enterprise without a party organisation
    the case names, else the branch handling it."""
    code = _code(data, "enterprise") or _code(data, "branch")
    return tree.get(code)


def youth_union_of(tree: OrgTree, data: Mapping[str, Any]) -> OrgUnit | None:
    """The Youth Union organisation of the candidate's workplace, if the tree has one."""
    place = workplace(tree, data)
    if place is None:
        return None
    places = [place]
    if place.code != _code(data, "enterprise"):
        grassroots = tree.grassroots_committee_of(place.code)
        if grassroots is not None and grassroots.code != place.code:
            places.append(grassroots)
    for unit in places:
        union = tree.child_of_kind(unit.code, YOUTH_UNION)
        if union is not None and union.active:
            return union
    return None


def route_for(
    tree: OrgTree, data: Mapping[str, Any], on: date | str, options: frozenset[str] = frozenset()
) -> Route:
    """The route of a candidate (``data``: the case with the introduction) on ``on``."""
    place = workplace(tree, data)
    where = place.name if place is not None else "Nơi người vào Đảng công tác, học tập"
    union = youth_union_of(tree, data)
    years = rules.full_years(data["birth_date"], on)
    if union is not None and youth_age(data["birth_date"], on):
        return Route(
            YOUTH_UNION_COMMITTEE,
            f"Người vào Đảng trong độ tuổi thanh niên ({years} tuổi) và {where} có tổ chức "
            f"Đoàn ({union.name})",
        )
    if union is not None:
        return Route(MEMBER, f"Người vào Đảng đã quá độ tuổi thanh niên ({years} tuổi)")
    if data.get("trade_union_member") is True:
        return Route(
            TRADE_UNION_COMMITTEE,
            f"{where} không có tổ chức Đoàn và người vào Đảng là đoàn viên công đoàn",
            two_members_too=TWO_MEMBERS_ON_TRADE_UNION_ROUTE in options,
        )
    return Route(
        MEMBER,
        f"{where} không có tổ chức Đoàn và người vào Đảng không phải là đoàn viên công đoàn",
    )


def _date_problem(data: Mapping[str, Any]) -> str | None:
    on = data.get("introduction_date")
    if not on:
        return None  # the form requires it
    if on > rules.today():
        return "Ngày giới thiệu không được sau hôm nay."
    if data.get("birth_date") and on < data["birth_date"]:
        return "Ngày giới thiệu không được trước ngày sinh của người vào Đảng."
    return None


def _member_errors(introducers: list[dict]) -> dict[int, dict[str, list[str]]]:
    """Problems of each member introducer, by row and field."""
    rows: dict[int, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for row, item in enumerate(introducers):
        if item.get("kind") != MEMBER:
            continue
        found: dict[str, list[str]] = {}
        if item.get("official") is not True:
            found["official"] = [
                "Phải là đảng viên chính thức; đảng viên dự bị không được giới thiệu "
                "người vào Đảng."
            ]
        months = item.get("months_known")
        if item.get("replacement") is not True and (months is None or months < INTRODUCER_MONTHS):
            shown = "chưa ghi" if months is None else f"đang ghi {months}"
            found["months_known"] = [
                f"Phải cùng công tác, học tập hoặc sinh sống với người vào Đảng ít nhất "
                f"{INTRODUCER_MONTHS} tháng ({shown}), trừ đảng viên được chi bộ phân công "
                f"giới thiệu thay."
            ]
        name = str(item.get("name") or "").strip().casefold()
        if name in seen:
            found["name"] = ["Hai người giới thiệu phải là hai đảng viên khác nhau."]
        seen.add(name)
        if found:
            rows[row] = found
    return rows


def introduction_errors(
    tree: OrgTree, data: Mapping[str, Any], options: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Field errors of an introduction (``data``: the case with the submission applied),
    {} when it keeps to the rules. A list's own problem is under ``_schema``."""
    errors: dict[str, Any] = {}
    date_problem = _date_problem(data)
    if date_problem:
        return {"introduction_date": [date_problem]}
    introducers = list(data.get("introducers") or [])
    route = route_for(tree, data, data["introduction_date"], options)
    if route.kind == YOUTH_UNION_COMMITTEE and data.get("youth_union_member") is not True:
        errors["youth_union_member"] = [
            "Người vào Đảng trong độ tuổi thanh niên, ở nơi có tổ chức Đoàn, phải là "
            "đoàn viên Đoàn TNCS Hồ Chí Minh."
        ]
    listed: dict[Any, Any] = dict(_member_errors(introducers))
    if not route.accepts([str(item.get("kind")) for item in introducers]):
        listed["_schema"] = [f"Người giới thiệu chưa đúng quy định. {route.text()}"]
    if listed:
        errors["introducers"] = listed
    return errors
