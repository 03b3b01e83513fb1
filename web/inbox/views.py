"""The inbox page, and the claim / unclaim / reassign actions on a task."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import cases, clock
from engine.errors import Conflict
from engine.inbox import TABS, UNIT, InboxQuery, facets, inbox, urgency
from workflows.admission.vocabulary import CATEGORIES

from .. import labels
from ..auth.session import actor, login_required
from ..errors import render_error
from ..extensions import db, run_operation
from ..i18n import LOCAL, N_
from ..permissions import proposing_units
from ..work import back_to, conflict_message, reviewers_of, workable_item
from . import bp

TAB_NAMES = {
    "mine": N_("Giao cho tôi"),
    "unit": N_("Chưa ai nhận"),
    "overdue": N_("Quá hạn"),
    "done": N_("Tôi đã hoàn thành"),
}
ROW_CLASSES = {"overdue": "overdue", "due_soon": "due-soon"}
FILTERS = ("tab", "step", "category", "unit", "q", "sort")


def _query(units: frozenset[str], tab: str | None) -> InboxQuery:
    args = request.args
    unit = args.get("unit") or None
    return InboxQuery(
        user=g.user.username,
        units=units,
        tab=tab,
        step=args.get("step") or None,
        category=args.get("category") or None,
        unit=unit if unit in units else None,
        search=args.get("q", ""),
        descending=args.get("sort") == "desc",
        page=args.get("page", 1, type=int),
        page_size=current_app.config["PAGE_SIZE"],
    )


def _non_reviewer_home():
    """Where a user without tasks lands: auditors on their search of cases, designers on
    the definitions, admins on the users."""
    if g.user.has_role("auditor"):
        return redirect(url_for("audit.index"))
    if g.user.has_role("designer"):
        return redirect(url_for("designer.index"))
    if g.user.has_role("admin"):
        return redirect(url_for("admin.users"))
    return None


@bp.get("/")
@login_required
def index():
    units = frozenset(g.user.roles_in("reviewer"))
    if not units and (home := _non_reviewer_home()) is not None:
        return home
    tab = request.args.get("tab")
    # Opened without a tab: one's own tasks if there are any, else the unit's open ones.
    result = inbox(db(), _query(units, tab if tab in TABS else None))
    tab = result.tab
    now = clock.now()
    # A deadline matters while the task is open, not once it is done.
    row_class = {
        item.id: ROW_CLASSES.get(urgency(item.due_at, now, tz=LOCAL), "")
        if item.status == "open"
        else ""
        for item in result.page.rows
    }
    steps, categories = facets(db(), g.user.username, units)
    params = {key: request.args[key] for key in FILTERS if request.args.get(key)}
    params["tab"] = tab
    return render_template(
        "inbox/index.html",
        result=result,
        tab=tab,
        tabs=TABS,
        tab_names=TAB_NAMES,
        row_class=row_class,
        steps=steps,
        # The filters' choices: (code, shown name) pairs, as the steps already are.
        categories=[(code, labels.label(CATEGORIES, code)) for code in categories],
        units=[(code, labels.unit_name(code)) for code in sorted(units)],
        params=params,
        has_units=bool(units),
        can_start=bool(proposing_units(db(), g.user)),
    )


def _refused(item_id: int):
    return render_error(409, conflict_message(item_id))


def _change_claim(
    item_id: int, operation: Callable[..., object], done: str, then: str | None = None
):
    """Claim or unclaim a task: run ``operation`` on it as the user, then say ``done``
    and go to ``then``, else back where the user came from, else to the inbox."""
    item = workable_item(item_id)
    try:
        run_operation(operation, item.id, actor())
    except Conflict:
        return _refused(item_id)
    flash(done, "success")
    return redirect(then or back_to(url_for("inbox.index", tab=UNIT)))


@bp.post("/viec/<int:item_id>/nhan")
@login_required
def claim(item_id: int):
    # Whoever takes a task means to do it: straight to its page.
    task = url_for("cases.task", item_id=item_id)
    return _change_claim(item_id, cases.claim, _("Bạn đã nhận xử lý việc này."), task)


@bp.post("/viec/<int:item_id>/tra-lai")
@login_required
def unclaim(item_id: int):
    return _change_claim(item_id, cases.unclaim, _("Bạn đã trả lại việc này cho đơn vị."))


@bp.post("/viec/<int:item_id>/giao")
@login_required
def reassign(item_id: int):
    item = workable_item(item_id)
    target = request.form.get("user", "")
    holders = {user.username: user for user in reviewers_of(item.unit)}
    if target not in holders:
        return render_error(422, _("Chỉ giao được cho người xử lý hồ sơ của cùng đơn vị."))
    try:
        run_operation(cases.reassign, item.id, target, actor(), force=False)
    except Conflict:
        return _refused(item_id)
    flash(_("Đã giao việc cho %(who)s.", who=holders[target].full_name or target), "success")
    return redirect(back_to(url_for("inbox.index")))
