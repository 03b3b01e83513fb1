"""Helpers the inbox and the task page share: finding a task the user may see, who may
hold it, and what to tell a user whose action lost a race."""

from __future__ import annotations

from flask import abort, g, request
from flask_babel import gettext as _
from sqlalchemy import select

from engine.models import Case, WorkItem

from .accounts import Membership, User
from .extensions import db
from .i18n import format_datetime
from .labels import person
from .permissions import may_see_case, may_see_item, may_work_on


def visible_case(case_id: int) -> Case:
    """The case, or 404 when it does not exist or the user may not see it."""
    case = db().get(Case, case_id)
    if case is None or not may_see_case(db(), g.user, case):
        abort(404)
    return case


def visible_item(item_id: int) -> WorkItem:
    """The task, or 404 when it does not exist or the user may not see it."""
    item = db().get(WorkItem, item_id)
    if item is None or not may_see_item(db(), g.user, item):
        abort(404)
    return item


def workable_item(item_id: int) -> WorkItem:
    """The task, for an action on it: 404 if unseen, 403 if seen but not the user's unit's."""
    item = visible_item(item_id)
    if not may_work_on(g.user, item):
        abort(403)
    return item


def reviewers_of(unit: str | None) -> list[User]:
    """Active users holding the reviewer role in ``unit``: who a task may be given to."""
    if not unit:
        return []
    return list(
        db()
        .execute(
            select(User)
            .join(Membership)
            .where(
                Membership.unit_code == unit, Membership.role == "reviewer", User.active.is_(True)
            )
            .order_by(User.full_name, User.username)
        )
        .scalars()
    )


def conflict_message(item_id: int) -> str:
    """Why an action on a task was refused, read from the task as it is now.

    Called after the refused operation rolled back, so this sees the other person's
    committed change, not our own attempt.
    """
    session = db()
    item = session.get(WorkItem, item_id, populate_existing=True)
    case = session.get(Case, item.case_id, populate_existing=True) if item else None
    if item is None or case is None:
        return _("Việc này không còn tồn tại.")
    if item.status == "completed":
        return _(
            "Việc này đã được %(who)s hoàn thành lúc %(when)s. Không có gì được lưu "
            "thêm; hãy xem kết quả trên trang hồ sơ.",
            who=person(item.completed_by),
            when=format_datetime(item.completed_at),
        )
    if item.status == "cancelled":
        return _("Việc này đã bị hủy vì hồ sơ đã chuyển sang bước khác. Không có gì được lưu.")
    if item.claimed_by and item.claimed_by != g.user.username:
        return _(
            "Việc này đang do %(who)s nhận xử lý. Không có gì được lưu.",
            who=person(item.claimed_by),
        )
    if case.status in ("suspended", "closed"):
        return _("Hồ sơ đang tạm dừng hoặc đã kết thúc nên không thể xử lý việc này.")
    return _("Hồ sơ vừa được người khác thay đổi. Hãy tải lại trang rồi thử lại.")


def back_to(default: str) -> str:
    """The page a form asked to return to (``next``), if it is one of ours; else ``default``."""
    target = request.form.get("next") or request.args.get("next")
    # "//host" and "http://host" would leave the site.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
