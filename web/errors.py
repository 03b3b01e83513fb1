"""Error pages and JSON errors. A case or task the user may not see answers 404."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, OperationalError

from engine.errors import Conflict, InvalidData, NotFound, OperationTooLong, ProcessError

from . import denials
from .i18n import N_

MESSAGES = {
    400: N_("Yêu cầu không hợp lệ."),
    403: N_("Bạn không có quyền thực hiện thao tác này."),
    404: N_("Không tìm thấy trang."),
    405: N_("Trang này không nhận thao tác đó."),
    409: N_("Hồ sơ đã thay đổi trong lúc bạn thao tác."),
    413: N_("Tệp tải lên quá lớn."),
    422: N_("Dữ liệu chưa hợp lệ."),
    429: N_("Quá nhiều yêu cầu. Hãy thử lại sau ít phút."),
    503: N_("Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Hãy thử lại sau ít phút."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, detail: str | None = None):
    denials.maybe_note(code)
    message = _(MESSAGES.get(code, N_("Đã có lỗi xảy ra.")))
    if _wants_json():
        return jsonify({"error": detail or message}), code
    return render_template("error.html", code=code, message=message, detail=detail), code


def register(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413, 422, 429, 500):
        app.register_error_handler(code, lambda err, code=code: render_error(code))
    app.register_error_handler(
        CSRFError,
        lambda err: render_error(
            400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang.")
        ),
    )
    app.register_error_handler(NotFound, lambda err: render_error(404))
    app.register_error_handler(Conflict, lambda err: render_error(409, str(err)))
    app.register_error_handler(InvalidData, lambda err: render_error(422, str(err)))
    # The diagram cannot go on with this data: a rule refused it, a step did too much.
    app.register_error_handler(
        ProcessError,
        lambda err: render_error(
            422, _("Quy trình không thể tiếp tục với dữ liệu này: %(detail)s", detail=str(err))
        ),
    )
    app.register_error_handler(OperationTooLong, _too_long)
    # The database being unreachable is an outage, not a bug: answer 503 (with Retry-After)
    # instead of a 500. Nothing else is needed to recover: the failed connection is
    # dropped with the request's session and pool_pre_ping replaces stale ones.
    for error in (OperationalError, DisconnectionError, _psycopg_operational_error()):
        app.register_error_handler(error, _database_unavailable)


def _psycopg_operational_error() -> type[Exception]:
    """psycopg's own OperationalError, which escapes unwrapped from a few places (a
    connection checked out by hand); SQLAlchemy's error when psycopg is not installed."""
    try:
        import psycopg
    except ImportError:
        return OperationalError
    return psycopg.OperationalError


def _database_unavailable(_err):
    return _retry_later(render_error(503))


def _too_long(err: OperationTooLong):
    """Stopped at its wall-clock ceiling and rolled back: a busy moment, or a diagram
    that does too much (then trying again fails again, and the designer must know)."""
    detail = _(
        "Thao tác chạy quá %(seconds)s giây nên đã bị dừng, không có gì thay đổi. Hãy thử "
        "lại sau ít phút; nếu vẫn lỗi, hãy báo người thiết kế quy trình.",
        seconds=f"{err.seconds:g}",
    )
    return _retry_later(render_error(503, detail))


def _retry_later(answer):
    response = current_app.make_response(answer)
    response.headers["Retry-After"] = "5"
    return response
