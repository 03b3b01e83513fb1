"""The admin area: accounts and grants here, the organisation tree in ``units``.

Only administrators enter; everyone else gets 403 (these pages hide nothing that must
look absent, unlike a case outside a user's view, which answers 404). Administration is
no task work: an administrator reviews only if also granted the reviewer role.
Every change goes through ``operations``, which records its audit event; the view
commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from engine.listing import fetch_page
from workflows.admission.tree import load_tree

from ..accounts import MIN_PASSWORD_LENGTH, ROLES, User
from ..auth.session import actor
from ..extensions import db, run_operation
from . import bp
from . import operations as ops
from .forms import grant_rows, indented

NEW_USER_GRANT_ROWS = 3


def _unit_choices() -> list[tuple[str, str]]:
    return [
        (unit.code, "\u2003" * depth + f"{unit.name} ({unit.code})")
        for unit, depth in indented(load_tree(db()), include_inactive=False)
    ]


def _problems(refused: ops.AdminChangeRefused) -> list[str]:
    return [_(problem.message, **problem.parameters) for problem in refused.problems]


def _user_or_404(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
def index():
    return redirect(url_for(".users"))


@bp.get("/nguoi-dung")
def users():
    query = request.args.get("q", "").strip()[:80]
    stmt = select(User).order_by(User.username)
    if query:
        # autoescape: a "%" or "_" typed in the box is a letter to find, not a wildcard.
        stmt = stmt.where(
            or_(
                User.username.icontains(query, autoescape=True),
                User.full_name.icontains(query, autoescape=True),
            )
        )
    page = fetch_page(
        db(), stmt, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"]
    )
    return render_template("admin/users.html", page=page, query=query)


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
def user_new():
    errors: list[str] = []
    if request.method == "POST":
        form = request.form
        try:
            user = run_operation(
                ops.create,
                actor(),
                username=form.get("username", "").strip(),
                full_name=form.get("full_name", "").strip()[:200],
                password=form.get("password", ""),
                grants=grant_rows(form),
                email=form.get("email", "").strip(),
            )
        except ops.AdminChangeRefused as refused:
            errors = _problems(refused)
        else:
            flash(_("Đã tạo tài khoản %(name)s.", name=user.username), "success")
            return redirect(url_for(".user", user_id=user.id))
    return render_template(
        "admin/user_new.html",
        errors=errors,
        units=_unit_choices(),
        roles=ROLES,
        rows=NEW_USER_GRANT_ROWS,
        min_length=MIN_PASSWORD_LENGTH,
    ), (422 if errors else 200)


def _user_page(user: User, errors: Sequence[str] = (), status: int = 200):
    return render_template(
        "admin/user.html",
        user=user,
        errors=errors,
        roles=ROLES,
        units=_unit_choices(),
        min_length=MIN_PASSWORD_LENGTH,
    ), status


@bp.get("/nguoi-dung/<int:user_id>")
def user(user_id: int):
    return _user_page(_user_or_404(user_id))


def _change(user_id: int, operation, done: str, *args):
    """Apply ``operation(session, actor, user, *args)``, commit, and show the user again."""
    target = _user_or_404(user_id)
    try:
        run_operation(operation, actor(), target, *args)
    except ops.AdminChangeRefused as refused:
        return _user_page(_user_or_404(user_id), _problems(refused), 422)
    flash(done, "success")
    return redirect(url_for(".user", user_id=user_id))


@bp.post("/nguoi-dung/<int:user_id>/ho-ten")
def user_rename(user_id: int):
    return _change(
        user_id, ops.rename, _("Đã lưu họ và tên."), request.form.get("full_name", "").strip()[:200]
    )


@bp.post("/nguoi-dung/<int:user_id>/email")
def user_email(user_id: int):
    return _change(
        user_id,
        ops.set_email,
        _("Đã lưu địa chỉ thư điện tử."),
        request.form.get("email", "").strip()[:300],
    )


@bp.post("/nguoi-dung/<int:user_id>/cap-quyen")
def user_grant(user_id: int):
    return _change(
        user_id,
        ops.grant,
        _("Đã cấp quyền."),
        request.form.get("unit", "").strip(),
        request.form.get("role", "").strip(),
    )


@bp.post("/nguoi-dung/<int:user_id>/bo-quyen/<int:membership_id>")
def user_revoke(user_id: int, membership_id: int):
    return _change(user_id, ops.revoke, _("Đã bỏ quyền."), membership_id)


@bp.route("/nguoi-dung/<int:user_id>/vo-hieu-hoa", methods=["GET", "POST"])
def user_deactivate(user_id: int):
    if request.method == "GET":  # the confirmation step
        return render_template("admin/user_deactivate.html", user=_user_or_404(user_id))
    return _change(user_id, ops.deactivate, _("Đã vô hiệu hóa tài khoản."))


@bp.post("/nguoi-dung/<int:user_id>/kich-hoat")
def user_reactivate(user_id: int):
    return _change(user_id, ops.reactivate, _("Đã kích hoạt lại tài khoản."))


@bp.post("/nguoi-dung/<int:user_id>/mat-khau")
def user_reset_password(user_id: int):
    return _change(
        user_id,
        ops.reset_password,
        _(
            "Đã đặt mật khẩu mới. Các phiên đăng nhập của người dùng đã kết thúc và các mã "
            "truy cập API của họ đã bị thu hồi."
        ),
        request.form.get("password", ""),
    )


@bp.post("/nguoi-dung/<int:user_id>/mo-khoa")
def user_unlock(user_id: int):
    return _change(user_id, ops.unlock_account, _("Đã mở khóa tài khoản."))
