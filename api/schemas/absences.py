from __future__ import annotations

from marshmallow import fields

from api.schemas.common import StrictSchema, text
from visitsvc.model import AbsenceKind


class AbsenceInSchema(StrictSchema):
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    kind = fields.Enum(AbsenceKind, by_value=True, required=True)
    note = text(max_length=200, allow_none=True)


class AbsenceSchema(StrictSchema):
    id = fields.Integer()
    worker_id = fields.Integer()
    first_day = fields.Date()
    last_day = fields.Date()
    kind = fields.Enum(AbsenceKind, by_value=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ReplanSummarySchema(StrictSchema):
    done = fields.Boolean(metadata={"description": "false: refused; tonight's re-plan moves the visits"})
    version = fields.Integer(allow_none=True, metadata={"description": "the plan version now current"})
    created = fields.Boolean(metadata={"description": "a new version was written"})
    moved = fields.Integer(metadata={"description": "owed visits now on another day or worker"})
    to_colleagues = fields.Integer(metadata={"description": "of them, taken on by a worker of another grid"})
    refused = fields.String(
        allow_none=True, metadata={"description": "why not: not_found (no plan this month), plan_running"}
    )
    message = fields.String(allow_none=True)


class AbsenceReportSchema(AbsenceSchema):
    replan = fields.Nested(
        ReplanSummarySchema,
        allow_none=True,
        metadata={"description": "today's re-plan when the absence covers today; null: the nightly one"},
    )
