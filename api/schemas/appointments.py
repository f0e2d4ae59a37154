"""Schemas of appointments (预约): one recorded, listed, synced from a phone; the call-ahead list."""

from __future__ import annotations

from collections.abc import Sized
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate
from marshmallow.utils import is_collection

from api.errors import _flatten
from api.schemas.common import PageArgs, StrictSchema, has_invalid_text, page_of, text
from api.schemas.plans import MonthField
from api.schemas.register import enum
from visitsvc.field.appointment_input import AppointmentInput, CallResult
from visitsvc.field.appointments import RejectedAppointment
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


class SyncAppointments(fields.List):  # type: ignore[type-arg]
    """Loaded one by one, as the records are: a bad appointment is `invalid` on its own."""

    def __init__(self, inner: fields.Field, *, max_items: int, **kwargs: Any) -> None:  # type: ignore[type-arg]
        super().__init__(inner, validate=validate.Length(max=max_items), **kwargs)
        self.max_items = max_items

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if not is_collection(value) or not isinstance(value, Sized):
            raise self.make_error("invalid")
        if len(value) > self.max_items:
            raise ValidationError(f"每次最多 {self.max_items} 条预约，本次 {len(value)} 条")
        items: list[AppointmentInput | RejectedAppointment] = []
        for raw in value:
            try:
                items.append(self.inner.deserialize(raw, **kwargs))
            except ValidationError as error:
                items.append(RejectedAppointment(_client_id_of(raw), _flatten(error.messages)))
        return items


def _client_id_of(raw: Any) -> str | None:
    value = raw.get("client_id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 and not has_invalid_text(value) else None


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


class CallAheadSchema(Schema):
    date = fields.Date()
    stops = fields.List(fields.Nested(CallAheadStopSchema))
