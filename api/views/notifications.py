from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.common import PageArgs, StrictSchema, page_of
from api.schemas.register import enum
from visitsvc.model import NotificationState
from visitsvc.oversight import notifications

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1/notifications", description="发给督导的通知及其发送记录"
)


class NotificationQuery(PageArgs):
    state = enum(NotificationState, load_default=None, metadata={"description": "pending | sent | failed"})


class RecipientSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class NotificationSchema(StrictSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "urgent_follow_up | shortfall"})
    channel = fields.String(metadata={"description": "wecom | dingtalk | sms"})
    recipient = fields.Nested(RecipientSchema, allow_none=True)
    follow_up_id = fields.Integer(allow_none=True)
    month = fields.String(allow_none=True)
    text = fields.String(metadata={"description": "as sent: no ID number, no phone number"})
    state = fields.String(metadata={"description": "pending | sent | failed"})
    tries = fields.Integer()
    next_try_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


@blp.route("")
class Notifications(MethodView):
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, page_of(NotificationSchema))
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Every notification of the caller's area, newest first: its state, tries and last error
        (supervisors and admins)."""
        items, next_id = notifications.list_notifications(
            uow(), caller=caller(), state=query["state"], limit=query["limit"], before_id=query["cursor"]
        )
        return {"items": items, "next_cursor": next_id}
