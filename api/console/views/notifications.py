"""Every notification sent to supervisors (urgent follow-ups, planning-day shortfalls): its state, tries,
last error and text, within the caller's area. The rule (who may read which) is oversight.notifications'."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.web import caller, enum_arg, int_arg, query_without
from api.runtime import uow
from visitsvc.model import NotificationState
from visitsvc.oversight import notifications

PAGE = 50
STATES = {"pending": "待发送", "sent": "已发送", "failed": "发送失败"}
KINDS = {"urgent_follow_up": "紧急跟进", "shortfall": "计划缺口"}
CHANNELS = {"wecom": "企业微信", "dingtalk": "钉钉", "sms": "短信"}


@blp.get("/notifications", endpoint="notifications")
def notification_list() -> ResponseReturnValue:
    state = enum_arg("state", NotificationState)
    items, after = notifications.list_notifications(
        uow(), caller=caller(), state=state, limit=PAGE, before_id=int_arg("cursor")
    )
    return render_template(
        "console/notifications.html", items=items, next_cursor=after, state=state, states=STATES,
        kinds=KINDS, channels=CHANNELS, more=query_without("cursor"),
    )  # fmt: skip
