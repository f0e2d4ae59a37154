"""Schemas of a supervisor's queues and decisions: flags, follow-ups, status proposals, quarantine, voids,
refusal of all contact."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.common import PageArgs, StrictSchema, page_of, text
from api.schemas.plans import MonthField
from api.schemas.register import enum
from visitsvc.model import (
    ElderStatus,
    FlagKind,
    FlagState,
    FollowUpStatus,
    ProposalState,
    RecordState,
    VisitKind,
    VisitOutcome,
)


class ElderRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    grid_code = fields.String()
    grid_name = fields.String()


class FlagQuery(PageArgs):
    month = MonthField(load_default=None, metadata={"description": "探访所在月份 YYYY-MM；默认：全部"})
    area = text(max_length=20, load_default=None)
    state = enum(FlagState, load_default=None)


class FlagSchema(Schema):
    id = fields.Integer()
    kind = enum(FlagKind)
    state = enum(FlagState)
    detail = fields.Dict()
    created_at = fields.DateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    elder = fields.Nested(ElderRefSchema)
    visit_id = fields.Integer()
    visit_day = fields.Date()
    visit_kind = enum(VisitKind)
    outcome = enum(VisitOutcome)
    worker_id = fields.Integer()
    worker_name = fields.String()
    distance_m = fields.Float(allow_none=True)


class FollowUpQuery(PageArgs):
    area = text(max_length=20, load_default=None)
    status = enum(FollowUpStatus, load_default=None, metadata={"description": "默认：open 与 in_progress"})
    month = MonthField(load_default=None, metadata={"description": "探访所在月份 YYYY-MM；默认：全部"})


class FollowUpSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    note = fields.String(allow_none=True)
    urgent = fields.Boolean()
    status = enum(FollowUpStatus)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    updated_by = fields.Integer(allow_none=True)
    visit_id = fields.Integer(allow_none=True)
    elder = fields.Nested(ElderRefSchema)


class FollowUpPatchSchema(StrictSchema):
    status = enum(FollowUpStatus, required=True)
    note = text(max_length=500, load_default=None, allow_none=True)


class ProposalQuery(PageArgs):
    area = text(max_length=20, load_default=None)
    state = enum(ProposalState, load_default=ProposalState.PENDING)


class ProposalSchema(Schema):
    id = fields.Integer()
    to_status = enum(ElderStatus)
    proposed_date = fields.Date()
    state = enum(ProposalState)
    created_at = fields.DateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    effective_date = fields.Date(allow_none=True)
    decision_note = fields.String(allow_none=True)
    visit_id = fields.Integer()
    elder = fields.Nested(ElderRefSchema)
    elder_status = enum(ElderStatus)


class ConfirmSchema(StrictSchema):
    effective_date = fields.Date(required=True, metadata={"description": "督导确定的生效日期"})
    note = text(max_length=400, load_default=None, allow_none=True)


class NoteSchema(StrictSchema):
    note = text(max_length=400, load_default=None, allow_none=True)


class QuarantineQuery(PageArgs):
    area = text(max_length=20, load_default=None)
    month = MonthField(load_default=None)


class RecordSchema(Schema):
    id = fields.Integer()
    elder = fields.Nested(ElderRefSchema)
    worker_id = fields.Integer()
    worker_name = fields.String()
    planned_visit_id = fields.Integer(allow_none=True)
    kind = enum(VisitKind)
    outcome = enum(VisitOutcome)
    started_at = fields.DateTime()
    day = fields.Date()
    month = fields.String()
    received_at = fields.DateTime()
    state = enum(RecordState)
    counts = fields.Boolean()
    voided_at = fields.DateTime(allow_none=True)
    voided_by = fields.Integer(allow_none=True)
    void_reason = fields.String(allow_none=True)


class VoidSchema(StrictSchema):
    reason = text(required=True, min_length=1, max_length=500)


class RefusalInSchema(StrictSchema):
    reason = text(required=True, min_length=1, max_length=500)
    since = fields.Date(load_default=None, metadata={"description": "默认：今天"})


class RefusalSchema(Schema):
    elder_id = fields.Integer()
    refused_contact_on = fields.Date()
    reason = fields.String()


FlagPageSchema = page_of(FlagSchema)
FollowUpPageSchema = page_of(FollowUpSchema)
ProposalPageSchema = page_of(ProposalSchema)
RecordPageSchema = page_of(RecordSchema)
