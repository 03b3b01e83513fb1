"""Outside events: messages and signals an outside system sends to the cases that wait
for them (engine/outside_events.py).

(And the retry of a case's failed connector calls, ``POST /cases/{id}/retry``.)

Who may send: an account holding the ``integrator`` role in a unit (an outside system's
account, with its API token). It reaches the cases of that unit and the units below it,
as a reviewer there would see them; any other case answers 404 to it if it cannot see
the case at all, 403 if it sees it (as a reviewer or auditor) but may not send to it. A
message that no case in its reach waits for starts a case of each definition whose
process starts with that message. Every delivery is one audited operation of its case.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import false

from engine import cases, outside_events
from engine.errors import Conflict
from engine.models import Case
from engine.outside_events import Delivered

from ..auth.session import actor
from ..extensions import db, run_operation
from ..permissions import event_filter, may_retry, may_see_case, may_send_events
from .base import api_blueprint, id_rule
from .errors import fail
from .event_schemas import CorrelatedMessageArgs, DeliveredSchema, EventArgs, RetriedSchema

blp = api_blueprint(
    "api_events",
    "",
    "Outside events: messages and signals to the cases waiting for them "
    "(accounts with the integrator role).",
)
ROLE = "integrator"


def _integrators_only(view):
    """403 for who holds no integrator role, before the body is read."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not g.user.has_role(ROLE):
            fail(403, _("Chỉ tài khoản hệ thống tích hợp mới được gửi thông điệp và tín hiệu."))
        return view(*args, **kwargs)

    return wrapped


def _sendable_case(view):
    """404 for a case the caller may not see, 403 for one it sees but may not send to,
    before the body is read; the view gets the case as ``g.case``."""

    @wraps(view)
    def wrapped(*args, case_id: int, **kwargs):
        case = db().get(Case, case_id)
        if case is None or not (g.user.has_role(ROLE) and may_send_events(db(), g.user, case)):
            fail(403 if case is not None and may_see_case(db(), g.user, case) else 404)
        g.case = case
        return view(*args, case_id=case_id, **kwargs)

    return wrapped


def _in_reach():
    """The caller's reach as a WHERE clause; the request's read transaction is ended
    here, since each delivery then runs in a transaction of its own."""
    where = event_filter(db(), g.user)
    db().commit()
    return false() if where is None else where


@blp.route(f"/cases/{id_rule('case_id')}/messages", methods=["POST"])
@_sendable_case
@blp.arguments(EventArgs)
@blp.response(200, DeliveredSchema)
def message_to_case(args, case_id: int):
    """Deliver a message to one case. 404 for a case the caller may not see, 403 without
    the integrator role over it, 409 when the case does not wait for that message (or
    is closed or suspended); the payload goes into the case's data."""
    case = g.case
    if case.status in ("closed", "suspended"):
        fail(409, _("Hồ sơ đã đóng hoặc đang tạm dừng: không nhận thông điệp."))
    try:
        run_operation(cases.send_message, case.id, args["name"], args["payload"], actor())
    except Conflict:
        fail(409, _("Hồ sơ không chờ thông điệp “%(name)s”.", name=args["name"]))
    return Delivered(reached=[case.id])


@blp.route("/messages", methods=["POST"])
@_integrators_only
@blp.arguments(CorrelatedMessageArgs)
@blp.response(200, DeliveredSchema)
def correlated_message(args):
    """Deliver a message to every case in the caller's reach that waits for it and
    whose data holds every correlation value; if none waits, start a case of each
    definition whose process starts with that message (its data: the correlation
    values and the payload). 403 without the integrator role."""
    sender, where = actor(), _in_reach()
    return outside_events.correlate_message(
        current_app.extensions["ketnap_db"],
        args["name"],
        args["correlation"],
        args["payload"],
        sender,
        where=where,
    )


@blp.route("/signals", methods=["POST"])
@_integrators_only
@blp.arguments(EventArgs)
@blp.response(200, DeliveredSchema)
def signal(args):
    """Send a signal to every case in the caller's reach that waits for it. 403 without
    the integrator role."""
    sender, where = actor(), _in_reach()
    return outside_events.broadcast_signal(
        current_app.extensions["ketnap_db"], args["name"], args["payload"], sender, where=where
    )


@blp.route(f"/cases/{id_rule('case_id')}/retry", methods=["POST"])
@blp.response(200, RetriedSchema)
def retry(case_id: int):
    """Call the failed connectors of a case (an incident) again, now: what the timer
    worker does later anyway. For a reviewer who sees the case or an integrator that
    reaches it; 404 for a case the caller may not see, 403 for the read-only auditor,
    409 when no call of the case failed. The case's ``incident`` says whether it still
    fails."""
    case = db().get(Case, case_id)
    if case is None or not (may_see_case(db(), g.user, case) or may_retry(db(), g.user, case)):
        fail(404)
    if not may_retry(db(), g.user, case):
        fail(403)
    try:
        return run_operation(cases.retry_connectors, case.id, actor())
    except Conflict:
        fail(409, _("Hồ sơ không có bước tự động nào bị lỗi."))
