"""Error pages and JSON errors. A case or task the user may not see answers 404.

The database failing (a connection lost or refused, at any point of a request) is an
outage, not a bug: it answers 503 with Retry-After, never 500, whatever error it
surfaced as and wherever it was raised: in a view, in a before- or after-request hook,
in an error handler (``App``); the teardown that closes the request's session never
raises (``web.extensions.close_session``).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from engine.db import unavailable_cause
from engine.errors import Conflict, InvalidData, NotFound, OperationTooLong, ProcessError

from . import denials
from .extensions import close_session
from .i18n import N_

log = logging.getLogger(__name__)
#: Seconds a client is asked to wait before trying again after an outage answer.
RETRY_AFTER = 5

MESSAGES = {
    400: N_("Yêu cầu không hợp lệ."),
    403: N_("Bạn không có quyền thực hiện thao tác này."),
    404: N_("Không tìm thấy trang."),
    405: N_("Trang này không nhận thao tác đó."),
    409: N_("Hồ sơ đã thay đổi trong lúc bạn thao tác."),
    413: N_("Tệp tải lên quá lớn."),
    422: N_("Dữ liệu chưa hợp lệ."),
    429: N_("Quá nhiều yêu cầu. Hãy thử lại sau ít phút."),
    503: N_("Máy chủ cơ sở dữ liệu tạm thời không trả lời, hãy thử lại sau ít giây."),
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


class App(Flask):
    """The Flask app, answering the database failing as an outage (503) wherever the
    error comes from. Flask picks an error handler by the error's class, and a
    blueprint's handler first (the API's 422 for a ProcessError, its JSON 500): a
    database error wrapped in an engine error, or raised by an after-request hook or an
    error page, would never reach a handler registered for the database's errors."""

    def handle_user_exception(self, e):
        # Errors of views and before-request hooks (and abort()s), before any handler.
        if unavailable_cause(e) is not None:
            return database_unavailable(e)
        return super().handle_user_exception(e)

    def handle_exception(self, e):
        # What got past the handlers: an after-request hook or an error page failing.
        if unavailable_cause(e) is not None:
            return self.finalize_request(database_unavailable(e), from_error_handler=True)
        return super().handle_exception(e)


def database_unavailable(err: BaseException) -> Response:
    """The outage answer: 503 with Retry-After, a page or (under /api/) JSON.

    Made without the database: the request's session is discarded first, and the page
    is drawn as for a signed-out visitor, since the signed-in user's row may be
    expired by the rollback and reading it again would fail the same way."""
    cause = unavailable_cause(err) or err
    log.warning(
        "database unavailable",
        extra={
            "path": request.path,
            "request_id": g.get("request_id"),
            "error": f"{type(cause).__name__}: {cause}".splitlines()[0][:300],
        },
    )
    close_session()
    g.user = None
    try:
        response = current_app.make_response(render_error(503))
    except Exception:  # noqa: BLE001  the outage must be answered, even without a page
        log.warning("could not draw the outage page", exc_info=True)
        response = current_app.make_response((MESSAGES[503], 503))
        response.mimetype = "text/plain"
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _too_long(err: OperationTooLong):
    """Stopped at its wall-clock ceiling and rolled back: a busy moment, or a diagram
    that does too much (then trying again fails again, and the designer must know)."""
    detail = _(
        "Thao tác chạy quá %(seconds)s giây nên đã bị dừng, không có gì thay đổi. Hãy thử "
        "lại sau ít phút; nếu vẫn lỗi, hãy báo người thiết kế quy trình.",
        seconds=f"{err.seconds:g}",
    )
    response = current_app.make_response(render_error(503, detail))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
