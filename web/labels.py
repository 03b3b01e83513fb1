"""Vietnamese names for the codes that cases, tasks and events carry, as template filters.

The codes (``student``, ``closed``, ``task_claimed``...) are data; people read these
names, translated when shown. The names of the admission's own codes (category, gender,
outcome) are its vocabulary's; those of the engine's (statuses, events) are here.
Unknown codes are shown as they are, so a new code is visible, never hidden.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import gettext as _
from sqlalchemy import select

from workflows.admission.tree import load_tree
from workflows.admission.vocabulary import (
    CATEGORIES,
    EDUCATION_EXCEPTIONS,
    EDUCATION_LEVELS,
    GENDERS,
    OUTCOMES,
    RELIGIONS,
)

from .accounts import User
from .extensions import db
from .i18n import N_

CASE_STATUSES = {
    "active": N_("Đang xử lý"),
    "waiting": N_("Đang chờ"),
    "suspended": N_("Tạm dừng"),
    "closed": N_("Đã kết thúc"),
}

TASK_STATUSES = {
    "open": N_("Đang chờ xử lý"),
    "completed": N_("Đã hoàn thành"),
    "cancelled": N_("Đã hủy"),
    "reopened": N_("Đã mở lại để sửa"),
}

EVENTS = {
    "case_started": N_("Mở hồ sơ"),
    "task_ready": N_("Có việc mới"),
    "task_completed": N_("Hoàn thành việc"),
    "task_claimed": N_("Nhận xử lý"),
    "task_unclaimed": N_("Trả lại việc"),
    "task_reassigned": N_("Giao việc cho người khác"),
    "task_cancelled": N_("Hủy việc"),
    "timer_fired": N_("Đến hạn hẹn giờ"),
    "timer_failed": N_("Hẹn giờ không chạy được"),
    "timer_recovered": N_("Hẹn giờ chạy lại được"),
    "message_received": N_("Nhận thông báo"),
    "signal_received": N_("Nhận tín hiệu"),
    "connector_failed": N_("Bước tự động không thành công"),
    "connector_retried": N_("Thử lại bước tự động"),
    "connector_recovered": N_("Bước tự động chạy lại được"),
    "case_data_updated": N_("Cập nhật thông tin hồ sơ"),
    "case_suspended": N_("Tạm dừng hồ sơ"),
    "case_resumed": N_("Tiếp tục hồ sơ"),
    "case_cancelled": N_("Hủy hồ sơ"),
    "case_closed": N_("Kết thúc hồ sơ"),
    "case_ended": N_("Kết thúc hồ sơ có lý do"),
    "task_reopened": N_("Mở lại bước để sửa"),
    "attachment_added": N_("Đính kèm tệp"),
    "comment_added": N_("Thêm ý kiến"),
    "case_migrated": N_("Chuyển hồ sơ sang phiên bản mới của quy trình"),
    "case_transferred": N_("Chuyển hồ sơ sang chi bộ khác"),
    "transfer_accepted": N_("Tiếp nhận hồ sơ chuyển đến"),
    "transfer_refused": N_("Từ chối tiếp nhận hồ sơ chuyển đến"),
    "transfer_reassigned": N_("Phân công lại sau khi chuyển đến"),
    "start_data_corrected": N_("Sửa thông tin ban đầu của hồ sơ"),
    "escalation": N_("Đôn đốc hồ sơ quá hạn"),
    "access_denied": N_("Truy cập bị từ chối"),
    "case_exported": N_("Xuất toàn bộ dữ liệu hồ sơ"),
    "history_exported": N_("Xuất nhật ký hồ sơ"),
    "document_exported": N_("Tải văn bản của hồ sơ"),
    "attachment_downloaded": N_("Tải tệp đính kèm"),
    "case_read": N_("Đọc hồ sơ qua API"),
    "report_exported": N_("Tải báo cáo"),
}


def label(table: dict, code) -> str:
    if code in (None, ""):
        return ""
    return _(table[code]) if code in table else str(code)


def unit_name(code: str | None) -> str:
    # One tree per request: a list page names a unit on every row, and each load_tree
    # call asks the database whether the tree changed.
    if "org_tree" not in g:
        g.org_tree = load_tree(db())
    unit = g.org_tree.get(code)
    return unit.name if unit is not None else (code or "")


def person(username: str | None) -> str:
    """A user's full name for display; names are looked up once per request."""
    if not username:
        return ""
    names = g.setdefault("person_names", {})
    if username not in names:
        found = db().execute(select(User.full_name).where(User.username == username)).scalar()
        names[username] = found or username
    return names[username]


def install(app: Flask) -> None:
    """Register the filters (idempotent: every blueprint that uses them may call it)."""
    app.jinja_env.filters.update(
        {
            "category": lambda code: label(CATEGORIES, code),
            "case_status": lambda code: label(CASE_STATUSES, code),
            "outcome": lambda code: label(OUTCOMES, code),
            "task_status": lambda code: label(TASK_STATUSES, code),
            "gender": lambda code: label(GENDERS, code),
            "education": lambda code: label(EDUCATION_LEVELS, code),
            "education_exception": lambda code: label(EDUCATION_EXCEPTIONS, code),
            "religion": lambda code: label(RELIGIONS, code),
            "event": lambda code: label(EVENTS, code),
            "unitname": unit_name,
            "person": person,
        }
    )
