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
