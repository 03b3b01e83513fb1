"""What a unit of the tree is in, or does, beyond its kind: the attributes the plan's
reports read, so that nothing is recognised by a unit's name or its place in the tree.

``institution``: the school or enterprise a party organisation (or an enterprise
without one) belongs to. The targets dashboard finds the high schools and the
enterprises without state capital by it, wherever they sit: under the city committee
in the plan's structure, under a ward since 7/2025.

``duties``: what a committee or a board takes on for the plan. The committee that
adopts the plan's targets owns a targets dashboard (its organisation board sets them);
the board that sets the sourcing quotas of the mass organisations (plan 2.3) is the
city's mass mobilisation board in the plan's structure, the province's combined
propaganda and mass mobilisation board in the 2025 tree. Two duties say what the
procedure needs to know about a party organisation, so that nothing is inferred from
where it hangs: a branch that is itself the grassroots organisation (chi bộ cơ sở: a
school or enterprise branch directly under the upper committee, or under a ward since
7/2025) has no separate grassroots vote; the province-level committee's standing board
consents to admitting someone over 60 and decides re-admissions.
"""

from __future__ import annotations

from .kinds import (
    BRANCH,
    COMMITTEE,
    COMMITTEE_LIKE,
    ENTERPRISE,
    GRASSROOTS_COMMITTEE,
    INSPECTION_BOARD,
    MASS_MOBILISATION_BOARD,
    ORGANISATION_BOARD,
    PROPAGANDA_BOARD,
    STANDING_BOARD,
)

HIGH_SCHOOL = "high_school"
NON_STATE_ENTERPRISE = "non_state_enterprise"

#: institution -> Vietnamese name.
INSTITUTIONS: dict[str, str] = {
    HIGH_SCHOOL: "Trường trung học phổ thông",
    NON_STATE_ENTERPRISE: "Doanh nghiệp không có vốn Nhà nước",
}

#: institution -> the kinds of unit that may carry it: a school is counted by its party
#: organisation; an enterprise also without one (kind ``enterprise``), as cases name it.
INSTITUTION_KINDS: dict[str, frozenset[str]] = {
    HIGH_SCHOOL: frozenset({BRANCH, GRASSROOTS_COMMITTEE}),
    NON_STATE_ENTERPRISE: frozenset({BRANCH, GRASSROOTS_COMMITTEE, ENTERPRISE}),
}

OWNS_PLAN_TARGETS = "owns_plan_targets"
SETS_SOURCING_QUOTAS = "sets_sourcing_quotas"
GRASSROOTS_ORGANISATION = "grassroots_organisation"
PROVINCE_LEVEL = "province_level"

#: duty -> Vietnamese name.
DUTIES: dict[str, str] = {
    OWNS_PLAN_TARGETS: "Cấp ủy thực hiện chỉ tiêu của Kế hoạch phát triển đảng viên",
    SETS_SOURCING_QUOTAS: "Giao chỉ tiêu tạo nguồn kết nạp đảng cho các đoàn thể",
    GRASSROOTS_ORGANISATION: "Chi bộ cơ sở (không có đảng ủy cơ sở bên trên)",
    PROVINCE_LEVEL: "Cấp ủy cấp tỉnh (đồng ý kết nạp người trên 60 tuổi, kết nạp lại)",
}

BOARDS = frozenset(
    {
        STANDING_BOARD,
        ORGANISATION_BOARD,
        PROPAGANDA_BOARD,
        MASS_MOBILISATION_BOARD,
        INSPECTION_BOARD,
    }
)

#: duty -> the kinds of unit that may take it on.
DUTY_KINDS: dict[str, frozenset[str]] = {
    OWNS_PLAN_TARGETS: COMMITTEE_LIKE,
    SETS_SOURCING_QUOTAS: BOARDS,
    GRASSROOTS_ORGANISATION: frozenset({BRANCH}),
    PROVINCE_LEVEL: frozenset({COMMITTEE}),
}


def problems(kind: str, institution: str | None, duties: tuple[str, ...]) -> list[str]:
    """What is wrong with a unit's attributes, for the tree's import check."""
    found = []
    if institution is not None:
        if institution not in INSTITUTIONS:
            found.append(f"unknown institution {institution!r}; known: {', '.join(INSTITUTIONS)}")
        elif kind not in INSTITUTION_KINDS[institution]:
            found.append(
                f"institution {institution!r} is for units of kind "
                f"{', '.join(sorted(INSTITUTION_KINDS[institution]))}, not {kind}"
            )
    for duty in duties:
        if duty not in DUTIES:
            found.append(f"unknown duty {duty!r}; known: {', '.join(DUTIES)}")
        elif kind not in DUTY_KINDS[duty]:
            found.append(
                f"duty {duty!r} is for units of kind "
                f"{', '.join(sorted(DUTY_KINDS[duty]))}, not {kind}"
            )
    return found
