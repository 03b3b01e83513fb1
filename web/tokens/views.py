"""The page where users create and revoke their own API tokens (/tai-khoan/token).

A new token is shown once, in the answer to the request that made it: it is not put in
the session (a cookie the browser keeps) nor anywhere else, and cannot be shown again.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import audit

from ..auth.session import actor, login_required
from ..setup import db
from . import MAX_NAME_LENGTH, issue, revoke, tokens_of

bp = Blueprint("tokens", __name__, template_folder="templates")


def _record(kind: str, row) -> None:
    who = actor()
    audit.record(db(), kind, actor=who.name,
                 data={"user": who.name, "token": row.id, "name": row.name}, **who.request)


def _page(status: int = 200, *, new_token: str | None = None, errors: list | None = None):
    return render_template("tokens/index.html", tokens=tokens_of(db(), g.user),
                           new_token=new_token, errors=errors or [],
                           max_name=MAX_NAME_LENGTH), status


@bp.get("/tai-khoan/token")
@login_required
def index():
    return _page()


@bp.post("/tai-khoan/token")
@login_required
def create():
    name = request.form.get("name", "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        return _page(422, errors=[_("Tên mã truy cập phải có từ 1 đến %(n)d ký tự.",
                                    n=MAX_NAME_LENGTH)])
    row, token = issue(db(), g.user, name)
    _record("api_token_created", row)
    db().commit()
    return _page(201, new_token=token)


@bp.post("/tai-khoan/token/<int:token_id>/thu-hoi")
@login_required
def revoke_token(token_id: int):
    row = revoke(db(), g.user, token_id)
    if row is None:
        abort(404)      # someone else's token does not exist, as far as this user knows
    _record("api_token_revoked", row)
    db().commit()
    flash(_("Đã thu hồi mã truy cập «%(name)s».", name=row.name), "success")
    return redirect(url_for("tokens.index"))
