"""Schemas of field work: a recorded outcome, a batch synced from a phone, a photo."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from api.schemas.appointments import (
    MAX_SYNC_APPOINTMENTS,
    AppointmentSyncResultSchema,
    SyncAppointmentSchema,
)
from api.schemas.common import ItemByItem, StrictSchema, text
from api.schemas.register import LAT, LON, enum
from visitsvc.field.outcomes import Advice
from visitsvc.field.photo_files import ALLOWED_TYPES
from visitsvc.field.visit_input import (
    AnsweredBy,
    Finding,
    FindingArea,
    FindingStatus,
    FollowUpRequest,
    PhotoNote,
    Position,
    VisitInput,
)
from visitsvc.field.visits import SyncStatus
from visitsvc.model import ElderStatus, FlagKind, RecordState, VisitKind, VisitOutcome

MAX_SYNC = 200
_ID = validate.Range(min=1, max=2**31 - 1)


class FindingSchema(StrictSchema):
    status = enum(FindingStatus, required=True)
    note = text(max_length=500, allow_none=True, load_default=None)
    urgent = fields.Boolean(load_default=False)


class FindingsSchema(StrictSchema):
    daily_care = fields.Nested(FindingSchema)
    emotional = fields.Nested(FindingSchema)
    safety = fields.Nested(FindingSchema)
    rights = fields.Nested(FindingSchema)


class FollowUpInSchema(StrictSchema):
    needed = fields.Boolean(required=True)
    kind = text(max_length=30, allow_none=True, load_default=None)
    note = text(max_length=500, allow_none=True, load_default=None)


class LocationInSchema(StrictSchema):
    lon = fields.Float(required=True, validate=LON)
    lat = fields.Float(required=True, validate=LAT)
    accuracy_m = fields.Float(allow_none=True, load_default=None, validate=validate.Range(0, 100_000))


class PhotoNoteSchema(StrictSchema):
    content_type = fields.String(required=True, validate=validate.OneOf(ALLOWED_TYPES))
    size_bytes = fields.Integer(required=True, validate=_ID)


class VisitInSchema(StrictSchema):
    """One outcome. `client_id` may come in the Idempotency-Key header instead."""

    client_id = fields.UUID(load_default=None)
    planned_visit_id = fields.Integer(allow_none=True, load_default=None, validate=_ID)
    elder_id = fields.Integer(allow_none=True, load_default=None, validate=_ID)
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(required=True)
    kind = enum(VisitKind, required=True)
    outcome = enum(VisitOutcome, required=True)
    findings = fields.Nested(FindingsSchema, load_default=dict)
    follow_up = fields.Nested(FollowUpInSchema, allow_none=True, load_default=None)
    location = fields.Nested(LocationInSchema, allow_none=True, load_default=None)
    photos = fields.List(fields.Nested(PhotoNoteSchema), load_default=list, validate=validate.Length(max=20))
    answered_by = enum(
        AnsweredBy,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "电话探访接通时由谁接听：self 本人、family 家属；"
            "上门未遇（last_chance）后当天的电话探访必填"
        },
    )

    @validates_schema
    def _whom(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("planned_visit_id") is None and data.get("elder_id") is None:
            raise ValidationError("须给出 planned_visit_id（计划内）或 elder_id（计划外）", "elder_id")


class SyncRecordSchema(VisitInSchema):
    client_id = fields.UUID(required=True)

    @post_load
    def _to_input(self, data: dict[str, Any], **_: Any) -> VisitInput:
        return to_input(data, str(data["client_id"]))


def to_input(data: Mapping[str, Any], client_id: str) -> VisitInput:
    follow_up = data["follow_up"]
    location = data["location"]
    return VisitInput(
        client_id=client_id,
        kind=data["kind"],
        outcome=data["outcome"],
        started_at=data["started_at"],
        ended_at=data["ended_at"],
        planned_visit_id=data["planned_visit_id"],
        elder_id=data["elder_id"],
        findings={FindingArea(area): Finding(**f) for area, f in data["findings"].items()},
        follow_up=None if follow_up is None else FollowUpRequest(**follow_up),
        location=None if location is None else Position(**location),
        photos=tuple(PhotoNote(**p) for p in data["photos"]),
        answered_by=data.get("answered_by"),
    )


class SyncInSchema(StrictSchema):
    records = ItemByItem(fields.Nested(SyncRecordSchema), required=True, max_items=MAX_SYNC, noun="记录")
    appointments = ItemByItem(
        fields.Nested(SyncAppointmentSchema), load_default=list, max_items=MAX_SYNC_APPOINTMENTS, noun="预约",
        metadata={"description": "离线记下的预约（与 POST /appointments 相同，须有 client_id）"},
    )  # fmt: skip


class FollowUpOutSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    urgent = fields.Boolean()


class ProposalOutSchema(Schema):
    id = fields.Integer()
    to_status = enum(ElderStatus)
    proposed_date = fields.Date()


class VisitOutSchema(Schema):
    id = fields.Integer()
    client_id = fields.String()
    elder_id = fields.Integer()
    worker_id = fields.Integer()
    planned_visit_id = fields.Integer(allow_none=True)
    kind = enum(VisitKind)
    outcome = enum(VisitOutcome)
    started_at = fields.DateTime()
    ended_at = fields.DateTime()
    month = fields.String()
    day = fields.Date()
    state = enum(RecordState)
    counts = fields.Boolean()
    received_at = fields.DateTime()
    distance_m = fields.Float(allow_none=True)
    flags = fields.List(enum(FlagKind))
    follow_ups = fields.List(fields.Nested(FollowUpOutSchema))
    status_proposal = fields.Nested(ProposalOutSchema, allow_none=True)
    advice = fields.List(enum(Advice))


class SyncResultSchema(Schema):
    client_id = fields.String(allow_none=True)
    status = enum(SyncStatus)
    visit_id = fields.Integer(
        allow_none=True,
        metadata={
            "description": "created/duplicate：记录 id；conflict：持有该 client_id 的本人记录"
            "（GET /visits/{id} 可取回以供比对）"
        },
    )
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    advice = fields.List(
        enum(Advice), metadata={"description": "created/duplicate：与 POST /visits 相同的建议"}
    )


class SyncOutSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema))
    appointments = fields.List(fields.Nested(AppointmentSyncResultSchema))


class PhotoOutSchema(Schema):
    id = fields.Integer()
    visit_id = fields.Integer()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    created_at = fields.DateTime()
