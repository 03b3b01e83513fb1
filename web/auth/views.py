"""Sign-in and sign-out.

Two limits stop password guessing. The account lock-out (``accounts.authenticate``)
protects each account; it cannot stop one address trying a few passwords on each of
many accounts, nor a flood of failures filling the audit log. So failed sign-ins are
also counted per client address (SIGN_IN_LIMIT failures per SIGN_IN_WINDOW seconds, in
this process's memory: see ``web.ratelimit``); past the limit the address is refused
with 429 before any password is checked or event written. Successful sign-ins do not
reset the count, or one valid account would clear the way for guesses at the others.
Behind a reverse proxy the app must see the real client address (werkzeug's ProxyFix),
or every user would share the proxy's count.
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import audit

from ..accounts import MAX_PASSWORD_LENGTH, SignInRefused, authenticate
from ..extensions import db, run_operation
from ..ratelimit import FixedWindow
from . import bp
from .session import login_required, sign_in, sign_out


def _safe_next(target: str | None) -> str:
    # Only paths on this site. Refused: absolute URLs, "//evil.example", and anything with
    # a backslash or a tab or line break, which browsers read as a slash or drop, so
    # that "/\\evil.example" or "/<tab>/evil.example" would lead off the site too.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not any(c in target for c in "\\\t\r\n")
    ):
        return target
    return url_for("inbox.index")


def _client() -> dict:
    return {"request_id": g.request_id, "client": (request.remote_addr or "")[:64]}


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    if g.user is not None:
        return redirect(url_for("inbox.index"))
    if request.method == "GET":
        return render_template("auth/login.html", error=None)
    throttle: FixedWindow = current_app.extensions["sign_in_throttle"]
    address = request.remote_addr or "?"
    wait = throttle.retry_after(address)
    if wait:
        error = _("Có quá nhiều lần đăng nhập sai từ máy này. Hãy thử lại sau ít phút.")
        return (render_template("auth/login.html", error=error), 429, {"Retry-After": str(wait)})
    username = request.form.get("username", "").strip()[:80]
    password = request.form.get("password", "")[:MAX_PASSWORD_LENGTH]
    session = db()
    try:
        user = authenticate(session, username, password)
    except SignInRefused as refused:
        throttle.hit(address)
        audit.record(
            session,
            "sign_in_failed",
            actor=username or "?",
            data={"reason": refused.reason},
            **_client(),
        )
        # Not run_operation: the sign-in failed, yet its failure count and its event
        # must be committed, or guessing passwords would leave no trace and no lock-out.
        session.commit()
        error = (
            _("Tài khoản tạm khóa do nhập sai nhiều lần. Hãy thử lại sau ít phút.")
            if refused.reason == "locked"
            else _("Sai tên đăng nhập hoặc mật khẩu.")
        )
        return render_template("auth/login.html", error=error), 401
    run_operation(audit.record, "signed_in", actor=user.username, data={}, **_client())
    sign_in(user)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/dang-xuat")
@login_required
def logout():
    run_operation(audit.record, "signed_out", actor=g.user.username, data={}, **_client())
    sign_out()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))
