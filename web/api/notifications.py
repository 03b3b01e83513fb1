"""GET /api/v1/notifications: the caller's notifications, newest first, and how many
are unread (what the bell shows)."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from marshmallow import fields

from ..extensions import db
from ..notifications import inapp
from ..notifications.texts import headline, target
from .base import With, api_blueprint, page_dict
from .schemas import PageArgs, page_schema

blp = api_blueprint(
    "api_notifications",
    "/notifications",
    "Notifications (thông báo): what the caller was told, as the bell and /thong-bao show it.",
)


class NotificationQuery(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread ones"})


class NotificationSchema(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "in the caller's language"})
    link = fields.String(required=True, metadata={"description": "the task's or case's page"})
    case_id = fields.Integer(allow_none=True)
    task_id = fields.Integer(allow_none=True, attribute="work_item_id")
    unit = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(allow_none=True)


NotificationPageSchema = page_schema(
    "NotificationPage",
    NotificationSchema,
    {"unread": fields.Integer(required=True, metadata={"description": "unread, on all pages"})},
)


@blp.route("")
@blp.arguments(NotificationQuery, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(args):
    """My notifications, newest first (`unread=true`: only those not read yet)."""
    session, me = db(), g.user.username
    page = inapp.page_of(session, me, args["page"], args["per_page"], unread=args["unread"])
    rows = [With(n, text=headline(n), link=target(n, external=True)) for n in page.rows]
    return {
        **page_dict(page),
        "items": rows,
        "unread": inapp.unread_count(session, me),
    }
