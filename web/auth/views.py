"""Sign-in and sign-out.

Two limits stop password guessing. The account lock-out (``accounts.claim_attempt``)
protects each account; it cannot stop one address trying a few passwords on each of
many accounts, nor a flood of failures filling the audit log. So sign-ins are also
counted per client address (SIGN_IN_LIMIT per SIGN_IN_WINDOW seconds, in the database,
so every gunicorn worker shares the count: ``web.ratelimit.SharedWindow``); past the
limit the address is refused with 429 before any password is checked or event written.
A successful sign-in gives its count back, so the limit is one of failures; it does not
reset the count, or one valid account would clear the way for guesses at the others.
Behind a reverse proxy the app must see the real client address (werkzeug's ProxyFix),
or every user would share the proxy's count.

Both counts are taken in one short transaction, committed before argon2 checks the
password (so no row stays locked meanwhile, and a parallel attempt already sees the
count). Every refusal reads the same and costs one argon2 verification, whether the
user is unknown, the password wrong or the account locked (``accounts.check_password``);
the message names the lock-out only as a rule, never as the state of an account.
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import audit

from ..accounts import (
    LOCK_FOR,
    MAX_FAILURES,
    MAX_PASSWORD_LENGTH,
    Attempt,
    check_password,
    claim_attempt,
    succeed,
)
from ..extensions import run_operation
from ..ratelimit import Hit, SharedWindow
from . import bp
from .session import end_current, login_required, sign_in, sign_out, start_session


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


def _throttle() -> SharedWindow:
    return current_app.extensions["sign_in_throttle"]


def _claim(session: Session, address: str, username: str) -> tuple[Hit, Attempt | None]:
    """Count the attempt for its address and, unless that is over its limit, for its
    account: both before the password is checked, in one transaction."""
    hit = _throttle().hit(session, address)
    return hit, None if hit.wait else claim_attempt(session, username)


def _succeeded(session: Session, hit: Hit, attempt: Attempt, password: str) -> str:
    """Reset the counts, record the sign-in, start the session: its cookie token."""
    _throttle().give_back(session, hit)
    user = succeed(session, attempt, password)
    audit.record(session, "signed_in", actor=user.username, data={}, **_client())
    return start_session(session, user)


def _failed(session: Session, attempt: Attempt) -> None:
    # The reason ("invalid" or "locked") is for the audit log only, never for the page.
    audit.record(
        session,
        "sign_in_failed",
        actor=attempt.username or "?",
        data={"reason": attempt.reason},
        **_client(),
    )


def _refused_page(status: int, headers: dict | None = None):
    if status == 429:
        error = _("Có quá nhiều lần đăng nhập sai từ máy này. Hãy thử lại sau ít phút.")
    else:
        # One text for an unknown name, a wrong password and a locked account: it states
        # the lock-out rule, so a locked-out user knows to wait, without telling anyone
        # which accounts exist or are locked now.
        error = _(
            "Sai tên đăng nhập hoặc mật khẩu. Sau %(n)d lần sai liền nhau, tài khoản tạm "
            "khóa %(minutes)d phút.",
            n=MAX_FAILURES,
            minutes=int(LOCK_FOR.total_seconds() // 60),
        )
    return render_template("auth/login.html", error=error), status, headers or {}


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    if g.user is not None:
        return redirect(url_for("inbox.index"))
    if request.method == "GET":
        return render_template("auth/login.html", error=None)
    username = request.form.get("username", "").strip()[:80]
    password = request.form.get("password", "")[:MAX_PASSWORD_LENGTH]
    hit, attempt = run_operation(_claim, request.remote_addr or "?", username)
    if attempt is None:
        return _refused_page(429, {"Retry-After": str(hit.wait)})
    # Outside any transaction: argon2 takes a while, and no row need stay locked meanwhile.
    if not check_password(attempt, password):
        run_operation(_failed, attempt)
        return _refused_page(401)
    sign_in(run_operation(_succeeded, hit, attempt, password))
    return redirect(_safe_next(request.args.get("next")))


def _sign_out(session: Session) -> None:
    end_current()
    audit.record(session, "signed_out", actor=g.user.username, data={}, **_client())


@bp.post("/dang-xuat")
@login_required
def logout():
    run_operation(_sign_out)
    sign_out()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))
