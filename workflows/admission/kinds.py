"""The kinds of unit in the organisation tree, with their Vietnamese names.

A kind says what a unit does in a case, so the lookups of ``tree`` and the lane
resolvers search by kind. Adding a kind here is enough to import units of it.
"""

from __future__ import annotations

COMMITTEE = "committee"  # cấp ủy cấp trên cơ sở: Thành ủy, Tỉnh ủy
STANDING_BOARD = "standing_board"
ORGANISATION_BOARD = "organisation_board"
PROPAGANDA_BOARD = "propaganda_board"
MASS_MOBILISATION_BOARD = "mass_mobilisation_board"
INSPECTION_BOARD = "inspection_board"
GRASSROOTS_COMMITTEE = "grassroots_committee"
# đảng ủy bộ phận: between the branches and their grassroots committee, appraises
PARTIAL_COMMITTEE = "partial_committee"
WARD_COMMITTEE = "ward_committee"
BRANCH = "branch"
YOUTH_UNION = "youth_union"
TRADE_UNION = "trade_union"
POLITICAL_CENTRE = "political_centre"
MASS_ORGANISATION = "mass_organisation"
CULTURE_CENTRE = "culture_centre"
ENTERPRISE = "enterprise"

#: kind -> Vietnamese name, for lists and forms.
KINDS: dict[str, str] = {
    COMMITTEE: "Cấp ủy cấp trên cơ sở (Thành ủy, Tỉnh ủy)",
    STANDING_BOARD: "Ban Thường vụ",
    ORGANISATION_BOARD: "Ban Tổ chức / Ban Xây dựng Đảng",
    PROPAGANDA_BOARD: "Ban Tuyên giáo",
    MASS_MOBILISATION_BOARD: "Ban Dân vận",
    INSPECTION_BOARD: "Ủy ban Kiểm tra",
    GRASSROOTS_COMMITTEE: "Đảng ủy cơ sở",
    PARTIAL_COMMITTEE: "Đảng ủy bộ phận",
    WARD_COMMITTEE: "Đảng ủy phường, xã",
    BRANCH: "Chi bộ",
    YOUTH_UNION: "Đoàn Thanh niên",
    TRADE_UNION: "Công đoàn",
    POLITICAL_CENTRE: "Trung tâm Chính trị",
    MASS_ORGANISATION: "Mặt trận Tổ quốc, tổ chức chính trị - xã hội",
    CULTURE_CENTRE: "Trung tâm Văn hóa Thông tin và Thể thao",
    # An enterprise without a party organisation: no lane ever resolves to it; it is in
    # the tree so that cases and reports can name the worker's enterprise by code.
    ENTERPRISE: "Doanh nghiệp (chưa có tổ chức đảng)",
}

#: Kinds that may be named as ``upper`` (a unit that decides admissions).
COMMITTEE_LIKE = frozenset({COMMITTEE, GRASSROOTS_COMMITTEE, WARD_COMMITTEE})

#: Kinds that are a grassroots party organisation for the branches below them.
GRASSROOTS_LIKE = frozenset({GRASSROOTS_COMMITTEE, WARD_COMMITTEE})
