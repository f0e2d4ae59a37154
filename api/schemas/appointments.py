"""Schemas of appointments (预约): one recorded, listed, synced from a phone; the call-ahead list."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from api.schemas.common import PageArgs, StrictSchema, page_of, text
from api.schemas.plans import MonthField
from api.schemas.register import enum
from visitsvc.field.appointment_input import AppointmentInput, CallResult
from visitsvc.model import AppointmentState

_ID = validate.Range(min=1, max=2**31 - 1)
MAX_SYNC_APPOINTMENTS = 200
HHMM = "%H:%M"


class AppointmentInSchema(StrictSchema):
    """An agreed day and window for the person's next home visit, or (`result: no_answer`) a call ahead for
    `day` that nobody answered. The office may leave `client_id` out: the server makes one."""

    client_id = fields.UUID(load_default=None)
    elder_id = fields.Integer(required=True, validate=_ID)
    day = fields.Date(required=True)
    window_start = fields.Time(format=HHMM, allow_none=True, load_default=None, metadata={"example": "09:00"})
    window_end = fields.Time(format=HHMM, allow_none=True, load_default=None, metadata={"example": "10:30"})
    note = text(max_length=200, allow_none=True, load_default=None)
    result = enum(CallResult, load_default=CallResult.AGREED)


class SyncAppointmentSchema(AppointmentInSchema):
    client_id = fields.UUID(required=True)

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> AppointmentInput:
        return to_input(data, str(data["client_id"]))


def to_input(data: dict[str, Any], client_id: str) -> AppointmentInput:
    return AppointmentInput(
        client_id=client_id,
        elder_id=data["elder_id"],
        day=data["day"],
        window_start=data["window_start"],
        window_end=data["window_end"],
        note=data["note"],
        result=data["result"],
    )


class RecordedBySchema(Schema):
    id = fields.Integer()
    name = fields.String()


class AppointmentSchema(Schema):
    id = fields.Integer()
    client_id = fields.String()
    elder_id = fields.Integer()
    day = fields.Date()
    window_start = fields.Time(format=HHMM, allow_none=True)
    window_end = fields.Time(format=HHMM, allow_none=True)
    state = enum(AppointmentState)
    note = fields.String(allow_none=True)
    recorded_by = fields.Nested(RecordedBySchema, allow_none=True)
    created_at = fields.DateTime()
    planned_visit_id = fields.Integer(
        allow_none=True, metadata={"description": "本月现行计划中按此预约安排的上门探访；尚未安排为 null"}
    )
    needs_new_date = fields.Boolean(
        metadata={"description": "该日网格员不在岗且无同事可接替：须与老人另约时间"}
    )


AppointmentPageSchema = page_of(AppointmentSchema)


class AppointmentQuery(PageArgs):
    month = MonthField(load_default=None, metadata={"description": "YYYY-MM"})
    elder_id = fields.Integer(load_default=None, validate=_ID)
    worker_id = fields.Integer(load_default=None, validate=_ID)
    state = enum(AppointmentState, load_default=None)


class AppointmentSyncResultSchema(Schema):
    client_id = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["created", "duplicate", "conflict", "invalid", "not_found"]})
    appointment_id = fields.Integer(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), allow_none=True)


class CallAheadQuery(StrictSchema):
    day = fields.Date(load_default=None, metadata={"description": "默认：今天之后的下一个工作日"})


class LastCallSchema(Schema):
    at = fields.DateTime()
    result = fields.String()


class CallAheadElderSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    address = fields.String()


class CallAheadStopSchema(Schema):
    visit_id = fields.Integer()
    elder = fields.Nested(CallAheadElderSchema)
    planned_arrival = fields.Time(format=HHMM, allow_none=True)
    last_call = fields.Nested(LastCallSchema, allow_none=True)
    last_day = fields.Date(
        allow_none=True,
        metadata={"description": "该探访窗口允许的最后一个工作日：改约不可晚于此日；当天即此日则无可改约"},
    )


class CallAheadSchema(Schema):
    date = fields.Date()
    stops = fields.List(fields.Nested(CallAheadStopSchema))
