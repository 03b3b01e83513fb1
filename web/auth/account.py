"""The signed-in user's own account: password and language."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import audit

from ..accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, SignInRefused, User, authenticate
from ..extensions import db, run_operation
from ..i18n import LANGUAGES
from . import bp
from .credentials import replace_password
from .password_policy import password_problems
from .session import actor, login_required, sign_in, start_session


def _page(errors: list[str], status: int = 200):
    return render_template(
        "auth/account.html", errors=errors, min_length=MIN_PASSWORD_LENGTH
    ), status


def _record(session: Session, kind: str, **data) -> None:
    who = actor()
    audit.record(session, kind, actor=who.name, data={"user": who.name, **data}, **who.request)


def _change_password(session: Session, user: User, password: str, keep_tokens: bool) -> str:
    """The new password, every session ended (tokens revoked unless kept); this browser
    goes on in a new session, whose token is returned for its cookie."""
    revoked = replace_password(session, user, password, keep_tokens=keep_tokens)
    _record(session, "password_changed", api_tokens_revoked=[row.id for row in revoked])
    return start_session(session, user)


def _change_language(session: Session, user: User, code: str) -> None:
    user.language = code
    _record(session, "user_updated", language=code)


@bp.get("/tai-khoan")
@login_required
def account():
    return _page([])


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    if request.method == "GET":
        return redirect(url_for("auth.account"))
    form = request.form
    current = form.get("current", "")[:MAX_PASSWORD_LENGTH]
    new = form.get("new", "")
    errors = [_(p.message, **p.parameters) for p in password_problems(new, g.user.username)]
    if not errors and new != form.get("repeat", ""):
        errors.append(_("Hai lần nhập mật khẩu mới không khớp."))
    if not errors:
        # The same check as at sign-in, so wrong guesses here count towards the lock-out
        # too: a session left open must not become a way to guess the password.
        try:
            authenticate(db(), g.user.username, current)
        except SignInRefused as refused:
            errors.append(
                _("Tài khoản tạm khóa do nhập sai nhiều lần. Hãy thử lại sau ít phút.")
                if refused.reason == "locked"
                else _("Mật khẩu hiện tại không đúng.")
            )
            _record(db(), "password_change_failed", reason=refused.reason)
            # Committed although the change is refused: the failure count that
            # authenticate() raised must survive, or guessing here would cost nothing.
            db().commit()
    if errors:
        return _page(errors, 422)
    keep_tokens = form.get("keep_tokens") == "1"
    sign_in(run_operation(_change_password, g.user, new, keep_tokens))
    flash(
        _("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.")
        + " "
        + (
            _("Các mã truy cập API của bạn vẫn dùng được.")
            if keep_tokens
            else _("Các mã truy cập API của bạn đã bị thu hồi.")
        ),
        "success",
    )
    return redirect(url_for("auth.account"))


@bp.post("/tai-khoan/ngon-ngu")
@login_required
def set_preferred_language():
    code = request.form.get("language", "")
    if code not in LANGUAGES:
        return _page([_("Ngôn ngữ không hợp lệ.")], 422)
    run_operation(_change_language, g.user, code)
    session["lang"] = code  # the choice made for this session would otherwise win
    flash(_("Đã lưu ngôn ngữ."), "success")
    return redirect(url_for("auth.account"))
