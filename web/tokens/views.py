"""The page where users create and revoke their own API tokens (/tai-khoan/token).

A new token is shown once, in the answer to the request that made it: it is not put in
the session (a cookie the browser keeps) nor anywhere else, and cannot be shown again.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import audit

from ..accounts import User
from ..auth.session import actor, login_required
from ..extensions import db, run_operation
from . import bp
from .store import MAX_NAME_LENGTH, ApiToken, issue, revoke, tokens_of


def _record(session: Session, kind: str, row: ApiToken) -> None:
    who = actor()
    audit.record(
        session,
        kind,
        actor=who.name,
        data={"user": who.name, "token": row.id, "name": row.name},
        **who.request,
    )


def _issue(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    row, token = issue(session, user, name)
    _record(session, "api_token_created", row)
    return row, token


def _revoke(session: Session, user: User, token_id: int) -> ApiToken | None:
    row = revoke(session, user, token_id)
    if row is not None:
        _record(session, "api_token_revoked", row)
    return row


def _page(status: int = 200, *, new_token: str | None = None, errors: list | None = None):
    return render_template(
        "tokens/index.html",
        tokens=tokens_of(db(), g.user),
        new_token=new_token,
        errors=errors or [],
        max_name=MAX_NAME_LENGTH,
    ), status


@bp.get("/tai-khoan/token")
@login_required
def index():
    return _page()


@bp.post("/tai-khoan/token")
@login_required
def create():
    name = request.form.get("name", "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        return _page(
            422, errors=[_("Tên mã truy cập phải có từ 1 đến %(n)d ký tự.", n=MAX_NAME_LENGTH)]
        )
    row, token = run_operation(_issue, g.user, name)
    return _page(201, new_token=token)


@bp.post("/tai-khoan/token/<int:token_id>/thu-hoi")
@login_required
def revoke_token(token_id: int):
    row = run_operation(_revoke, g.user, token_id)
    if row is None:
        abort(404)  # someone else's token does not exist, as far as this user knows
    flash(_("Đã thu hồi mã truy cập «%(name)s».", name=row.name), "success")
    return redirect(url_for("tokens.index"))
