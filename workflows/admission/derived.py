"""Labels of the case data no form asks for: what the diagrams' scripts compute (a vote's
result, the end of probation, the places to verify) and the case's outcome.

The histories (web/history_values.py) show every changed field by its label: a field a
form asks for has the form's label and type; these have theirs here, in the forms' own
format (engine/forms/format.py: name -> {"label", "type", "choices" / "fields"}), so one
formatter serves both. A "fields" entry on a non-list field describes an object's keys.
The labels are Vietnamese msgids, translated where shown; bpmn/*.bpmn set the values
(tests/workflows/test_derived_fields.py keeps the two in step).
"""

from __future__ import annotations

from typing import Any

from .vocabulary import N_, OUTCOMES


def _choices(**labels: str) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in labels.items()]


def _field(name: str, label: str, kind: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "type": kind, **more}


_FIX = N_("Nghị quyết chưa hợp lệ, phải sửa")
_PLACE_FIELDS = [
    _field("unit", N_("Nơi thẩm tra"), "unit"),
    _field("people", N_("Người cần xác minh"), "string"),
]
# A letter sent to a place outside the tree (verification.bpmn).
_LETTER_FIELDS = [
    _field("number", N_("Số công văn"), "string"),
    _field("date", N_("Ngày gửi"), "date"),
    _field("to", N_("Gửi đến"), "string"),
]
# One place's answer (verification.bpmn), as the case collects it.
_ANSWER_FIELDS = [
    *_PLACE_FIELDS,
    _field(
        "result",
        N_("Kết quả"),
        "choice",
        choices=_choices(
            matches=N_("Đúng như lý lịch đã khai"),
            differs=N_("Có điểm khác với lý lịch đã khai"),
        ),
    ),
    _field("date", N_("Ngày trả lời"), "date"),
    _field("note", N_("Nội dung xác minh"), "text"),
]

# What vote_result (rules.py) and the branch's rule make of one vote; "failed" is what
# cases of the diagrams before the vote rounds stored.
_VOTE_RESULTS = {
    "passed": N_("Đạt hai phần ba tán thành"),
    "rejected": N_("Hai phần ba không tán thành"),
    "below_two_thirds": N_("Không đủ hai phần ba tán thành, chưa kết nạp"),
    "again": N_("Chưa bên nào đạt hai phần ba, biểu quyết lại"),
    "refer": N_("Báo cáo cấp ủy cấp trên xem xét, quyết định"),
    "failed": N_("Không đạt hai phần ba tán thành"),
}
_DECIDED = _choices(fix=_FIX, decided=N_("Đã biểu quyết quyết định"))

DERIVED: dict[str, dict[str, Any]] = {
    spec["name"]: spec
    for spec in (
        _field(
            "outcome",
            N_("Kết quả hồ sơ"),
            "choice",
            choices=_choices(**OUTCOMES),
        ),
        _field("not_admitted_reason", N_("Lý do không kết nạp"), "text"),
        _field("waiting_reason", N_("Lý do hồ sơ đang chờ"), "text"),
        _field("waiting_until", N_("Chờ đến ngày"), "date"),
        _field(
            "branch_vote_result",
            N_("Kết quả kiểm tra nghị quyết chi bộ"),
            "choice",
            choices=_choices(
                fix=_FIX,
                retake_class=N_("Giấy chứng nhận hết hạn, phải học lại lớp bồi dưỡng"),
                needs_consent=N_("Quá 60 tuổi vào ngày họp, chờ ý kiến Ban Thường vụ tỉnh ủy"),
                **_VOTE_RESULTS,
            ),
        ),
        _field(
            "grassroots_vote_result",
            N_("Kết quả kiểm tra nghị quyết đảng ủy cơ sở"),
            "choice",
            choices=_choices(fix=_FIX, **_VOTE_RESULTS),
        ),
        _field(
            "age_status",
            N_("Tuổi người vào Đảng khi hồ sơ đủ"),
            "choice",
            choices=_choices(
                eligible=N_("Đủ tuổi"),
                under_18=N_("Chưa đủ 18 tuổi, chờ"),
                over_60=N_("Trên 60 tuổi, cần ý kiến Ban Thường vụ tỉnh ủy"),
            ),
        ),
        _field("branch_vote_rounds", N_("Số lần chi bộ biểu quyết"), "integer"),
        _field("grassroots_vote_rounds", N_("Số lần đảng ủy cơ sở biểu quyết"), "integer"),
        _field("needs_consent", N_("Cần ý kiến Ban Thường vụ tỉnh ủy (quá 60 tuổi)"), "boolean"),
        _field(
            "committee_decision_result",
            N_("Kết quả biểu quyết quyết định kết nạp của đảng ủy"),
            "choice",
            choices=_DECIDED,
        ),
        _field(
            "recognition_committee_result",
            N_("Kết quả biểu quyết công nhận của đảng ủy"),
            "choice",
            choices=_DECIDED,
        ),
        _field("outcome_reason", N_("Lý do kết thúc hồ sơ"), "text"),
        _field(
            "verification_letter_sent",
            N_("Công văn thẩm tra đã gửi"),
            "string",
            fields=_LETTER_FIELDS,
        ),
        _field(
            "verification_rounds",
            N_("Các lần thẩm tra trước tại nơi này"),
            "list",
            fields=[
                _field("date", N_("Ngày trả lời"), "date"),
                _field("result", N_("Kết quả"), "string"),
                _field("note", N_("Nội dung xác minh"), "text"),
                _field("letter", N_("Công văn thẩm tra đã gửi"), "string", fields=_LETTER_FIELDS),
                _field("clarified_on", N_("Ngày làm rõ"), "date"),
                _field("clarification", N_("Nội dung làm rõ"), "text"),
            ],
        ),
        _field(
            "places_to_verify", N_("Các nơi cần thẩm tra, xác minh"), "list", fields=_PLACE_FIELDS
        ),
        _field("place", N_("Nơi thẩm tra, xác minh"), "string", fields=_PLACE_FIELDS),
        _field(
            "verification_results", N_("Kết quả thẩm tra các nơi"), "list", fields=_ANSWER_FIELDS
        ),
        _field("verification_answer", N_("Trả lời thẩm tra"), "string", fields=_ANSWER_FIELDS),
        _field("probation_end", N_("Ngày hết thời hạn dự bị"), "date"),
        _field("official_since", N_("Ngày trở thành đảng viên chính thức"), "date"),
        _field("recognition_rounds", N_("Số lần chi bộ đã biểu quyết công nhận"), "integer"),
        _field(
            "recognition_votes",
            N_("Các lần chi bộ biểu quyết công nhận"),
            "list",
            fields=[
                _field("round", N_("Lần"), "integer"),
                _field("date", N_("Ngày họp"), "date"),
                _field("members", N_("Tổng số đảng viên chính thức"), "integer"),
                _field("for", N_("Tán thành"), "integer"),
                _field("against", N_("Không tán thành"), "integer"),
            ],
        ),
        _field(
            "recognition_vote_result",
            N_("Kết quả biểu quyết công nhận của chi bộ"),
            "choice",
            choices=_choices(
                fix=_FIX,
                proposed=N_("Đạt hai phần ba, chi bộ đề nghị"),
                again=N_("Chưa đạt hai phần ba, biểu quyết lại"),
                refer=N_("Ba lần không đạt hai phần ba, báo cáo cấp trên"),
            ),
        ),
        _field(
            "recognition_proposal",
            N_("Chi bộ đề nghị"),
            "choice",
            choices=_choices(
                recognise=N_("Công nhận đảng viên chính thức"),
                remove=N_("Xóa tên trong danh sách đảng viên dự bị"),
            ),
        ),
        _field(
            "recognition_grassroots_result",
            N_("Kết quả xét của đảng ủy cơ sở"),
            "choice",
            choices=_choices(
                fix=_FIX,
                recognise=N_("Đề nghị công nhận đảng viên chính thức"),
                remove=N_("Đề nghị xóa tên"),
                undecided=N_("Không đạt hai phần ba, báo cáo cấp trên"),
            ),
        ),
    )
}
