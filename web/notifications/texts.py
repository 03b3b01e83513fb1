"""What a notification says and where it leads, in the reader's language: the same
sentence on the notifications page, in the API and in mail."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from engine.models import Notification
from workflows.admission.vocabulary import OUTCOMES

from ..i18n import N_, format_date
from ..labels import label, person, unit_name
from .links import site_url

#: Each kind as the preferences page names it.
KIND_LABELS = {
    "task_new": N_("Việc mới của đơn vị tôi"),
    "task_assigned": N_("Việc được giao cho tôi"),
    "task_due_soon": N_("Việc sắp đến hạn"),
    "task_overdue": N_("Việc quá hạn"),
    "escalation": N_("Đôn đốc, báo cáo lên cấp trên"),
    "comment": N_("Ý kiến về việc tôi đang giữ"),
    "case_ended": N_("Hồ sơ kết thúc"),
    "case_decided": N_("Hồ sơ có quyết định"),
    "case_transferred": N_("Hồ sơ chuyển chi bộ"),
}
MODE_LABELS = {
    "immediate": N_("Gửi thư ngay"),
    "digest": N_("Gộp vào thư tổng hợp hằng ngày"),
    "off": N_("Không gửi thư (chỉ xem trong ứng dụng)"),
}


def kind_label(kind: str) -> str:
    return label(KIND_LABELS, kind)


def headline(n: Notification) -> str:
    """One sentence: what happened, to which task of which case."""
    data = n.data or {}
    values = {
        "title": data.get("title") or _("hồ sơ số %(id)s", id=n.case_id),
        "step": data.get("step_name") or "",
        "unit": unit_name(n.unit),
        "actor": person(data.get("actor")) or _("Ai đó"),
        "due": format_date(n.due_at) if n.due_at else "",
    }
    if n.kind == "task_new":
        return _("Việc mới cho %(unit)s: %(step)s, hồ sơ %(title)s", **values)
    if n.kind == "task_assigned":
        return _("%(actor)s giao cho bạn việc %(step)s, hồ sơ %(title)s", **values)
    if n.kind == "task_due_soon":
        return _("Sắp đến hạn %(due)s: %(step)s, hồ sơ %(title)s", **values)
    if n.kind == "task_overdue":
        return _("Đã quá hạn %(due)s: %(step)s, hồ sơ %(title)s", **values)
    if n.kind == "escalation":
        return _("Cần đôn đốc: %(step)s, hồ sơ %(title)s", **values)
    if n.kind == "comment":
        return _("%(actor)s có ý kiến về việc bạn đang giữ: %(step)s, hồ sơ %(title)s", **values)
    if n.kind == "case_ended":
        outcome = label(OUTCOMES, data.get("outcome"))
        return _("Hồ sơ %(title)s đã kết thúc: %(outcome)s", outcome=outcome, **values)
    if n.kind == "case_decided":
        return _("Hồ sơ %(title)s đã có quyết định: %(step)s", **values)
    if n.kind == "case_transferred":
        return _(
            "Hồ sơ %(title)s đã chuyển sang %(branch)s", branch=unit_name(data.get("to")), **values
        )
    return f"{kind_label(n.kind)}: {values['title']}"


def target(n: Notification, external: bool = False) -> str:
    """The page the notification is about: its task, or else its case (``external``: as
    an address on the site, for mail and the API)."""
    build = site_url if external else url_for
    if n.work_item_id is not None and n.kind not in ("case_ended", "case_decided"):
        return build("cases.task", item_id=n.work_item_id)
    if n.case_id is not None:
        return build("cases.show", case_id=n.case_id)
    return build("notifications.index")
