"""Pages: the notifications (/thong-bao), marking them read, the preferences (signed in,
or through the signed link of a mail), and confirming a new e-mail address."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import audit
from engine.outbox import KINDS

from ..accounts import MIN_PASSWORD_LENGTH, User, is_email
from ..auth.session import login_required
from ..extensions import db, run_operation
from . import bp, inapp, messages
from .links import confirmation_url, confirmed_address, user_of_preferences
from .mailer import SEND_ERRORS, from_config
from .preferences import MODES, OFF, modes_of, set_modes
from .texts import KIND_LABELS, MODE_LABELS, headline, target


@bp.app_context_processor
def _bell():
    def unread_notifications() -> int:
        user = g.get("user")
        return inapp.unread_count(db(), user.username) if user is not None else 0

    return {"unread_notifications": unread_notifications}


@bp.get("/thong-bao")
@login_required
def index():
    unread = request.args.get("chua-doc") == "1"
    page = inapp.page_of(
        db(),
        g.user.username,
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
        unread=unread,
    )
    rows = [(n, headline(n)) for n in page.rows]
    return render_template(
        "notifications/index.html",
        page=page,
        rows=rows,
        unread=unread,
        params={"chua-doc": "1"} if unread else {},
    )


def _own(notification_id: int):
    row = inapp.own(db(), g.user.username, notification_id)
    if row is None:
        abort(404)
    return row


@bp.get("/thong-bao/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Follow a notification: it is read, and the page it is about opens."""
    row = run_operation(lambda s: inapp.mark_read(s, _own(notification_id)))
    return redirect(target(row))


@bp.post("/thong-bao/<int:notification_id>/da-doc")
@login_required
def mark_read(notification_id: int):
    run_operation(lambda s: inapp.mark_read(s, _own(notification_id)))
    return redirect(request.referrer or url_for("notifications.index"))


@bp.post("/thong-bao/da-doc")
@login_required
def mark_all_read():
    count = run_operation(inapp.mark_all_read, g.user.username)
    flash(_("Đã đánh dấu %(count)d thông báo là đã đọc.", count=count), "success")
    return redirect(url_for("notifications.index"))


# --- preferences ---------------------------------------------------------------------


def _choices(form) -> tuple[dict[str, str], dict[str, list[str]]]:
    modes, errors = {}, {}
    for kind in KINDS:
        mode = form.get(kind, "")
        if mode not in MODES:
            errors[kind] = [_("Hãy chọn một cách nhận.")]
        modes[kind] = mode
    return modes, errors


def _save(session: Session, user: User, modes: dict[str, str], via: str) -> None:
    set_modes(session, user.id, modes)
    audit.record(
        session,
        "notification_preferences_changed",
        actor=g.user.username if g.get("user") else user.username,
        data={"user": user.username, "via": via, "modes": modes},
        request_id=g.get("request_id"),
        client=(request.remote_addr or "")[:64],
    )


def _preferences(user: User, action: str, via: str, turn_off: str | None = None):
    current = modes_of(db(), user.id)
    if request.method == "POST":
        modes, errors = _choices(request.form)
        if errors:
            return _preferences_page(user, action, modes, errors, None), 422
        run_operation(_save, user, modes, via)
        flash(_("Đã lưu cách nhận thông báo."), "success")
        return redirect(action)
    if turn_off in KINDS:
        current = {**current, turn_off: OFF}
    return _preferences_page(user, action, current, {}, turn_off if turn_off in KINDS else None)


def _preferences_page(user, action, modes, errors, turn_off):
    return render_template(
        "notifications/preferences.html",
        person=user,
        action=action,
        modes=modes,
        errors=errors,
        turn_off=turn_off,
        kinds=[(kind, _(KIND_LABELS[kind])) for kind in KINDS],
        choices=[(mode, _(MODE_LABELS[mode])) for mode in MODES],
    )


@bp.route("/thong-bao/tuy-chon", methods=["GET", "POST"])
@login_required
def preferences():
    return _preferences(g.user, url_for("notifications.preferences"), "account")


@bp.route("/thong-bao/tuy-chon/<token>", methods=["GET", "POST"])
def preferences_by_link(token: str):
    """The preferences of the user a mail was sent to, from its signed link: no
    sign-in needed (``tat``: the kind the reader wants to stop, chosen as off)."""
    user_id = user_of_preferences(token)
    user = db().get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        abort(404)
    action = url_for("notifications.preferences_by_link", token=token)
    return _preferences(user, action, "mail_link", request.args.get("tat"))


# --- e-mail address ------------------------------------------------------------------


@bp.post("/tai-khoan/email")
@login_required
def change_email():
    """Mail a confirmation link to the new address; it is the user's once followed."""
    address = request.form.get("email", "").strip()
    if not is_email(address):
        return render_template(
            "auth/account.html",
            errors=[_("Địa chỉ thư điện tử không hợp lệ.")],
            min_length=MIN_PASSWORD_LENGTH,
        ), 422
    mailer = from_config(current_app.config)
    if mailer is None:
        flash(_("Máy chủ chưa gửi được thư: hãy nhờ quản trị viên ghi địa chỉ của bạn."), "error")
        return redirect(url_for("auth.account")), 303
    link = confirmation_url(g.user.id, address)
    try:
        mailer.send(messages.confirmation(g.user, address, link))
    except SEND_ERRORS:
        flash(_("Chưa gửi được thư xác nhận; hãy thử lại sau."), "error")
        return redirect(url_for("auth.account")), 303
    flash(
        _("Đã gửi thư xác nhận tới %(address)s. Hãy mở liên kết trong thư.", address=address),
        "success",
    )
    return redirect(url_for("auth.account"))


def _set_email(session: Session, user: User, address: str) -> None:
    user.email = address
    audit.record(
        session,
        "user_updated",
        actor=user.username,
        data={"user": user.username, "email": address, "via": "confirmation"},
        request_id=g.get("request_id"),
        client=(request.remote_addr or "")[:64],
    )


@bp.get("/tai-khoan/email/<token>")
def confirm_email(token: str):
    found = confirmed_address(token)
    user = db().get(User, found[0]) if found else None
    if found is None or user is None or not user.active:
        return render_template("notifications/confirmed.html", ok=False), 404
    run_operation(_set_email, user, found[1])
    return render_template("notifications/confirmed.html", ok=True, address=found[1])
