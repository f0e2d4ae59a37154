"""Schemas of statements for payment (结算) and of a visit's photos as a supervisor sees them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from api.schemas.common import StrictSchema
from api.schemas.register import enum
from visitsvc.model import FlagKind, FlagState, VisitKind, VisitorKind, VisitOutcome


class StatementQuery(StrictSchema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "xlsx"]),
        metadata={"description": "json 或 xlsx"},
    )


class FlagRefSchema(Schema):
    kind = enum(FlagKind)
    state = enum(FlagState)


class ReasonSchema(Schema):
    code = fields.Function(lambda r: r.value)
    label = fields.Function(lambda r: r.label)


class StatementLineSchema(Schema):
    visit_id = fields.Integer()
    day = fields.Date()
    started_at = fields.DateTime()
    elder_id = fields.Integer()
    elder_name = fields.String(metadata={"description": "脱敏姓名"})
    worker_id = fields.Integer()
    worker_name = fields.String()
    visitor_kind = enum(VisitorKind, allow_none=True)
    kind = enum(VisitKind)
    outcome = enum(VisitOutcome)
    minutes_on_site = fields.Integer(metadata={"description": "在场分钟数（结束 - 开始）"})
    distance_m = fields.Float(allow_none=True)
    accuracy_m = fields.Float(allow_none=True)
    photos = fields.Integer()
    flags = fields.List(fields.Nested(FlagRefSchema))
    contract_id = fields.Integer(allow_none=True)
    contract_code = fields.String(allow_none=True)
    unit_price = fields.Decimal(as_string=True, allow_none=True)
    reasons = fields.List(fields.Nested(ReasonSchema), metadata={"description": "空：计费"})


class KindTotalSchema(Schema):
    kind = enum(VisitKind)
    count = fields.Integer()
    unit_price = fields.Decimal(as_string=True)
    amount = fields.Decimal(as_string=True)


class ContractTotalSchema(Schema):
    contract_id = fields.Integer()
    code = fields.String()
    first_day = fields.Date()
    last_day = fields.Date()
    monthly_quota = fields.Integer()
    pays_not_found = fields.Boolean()
    delivered = fields.Integer()
    beyond_quota = fields.Integer()
    by_kind = fields.List(fields.Nested(KindTotalSchema))
    amount = fields.Decimal(as_string=True)


def _keyed(counts: dict[Any, int]) -> dict[str, int]:
    return {key.value: count for key, count in counts.items()}


class StatementSchema(Schema):
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    month = fields.String()
    recorded = fields.Integer(metadata={"description": "本月该机构人员的全部探访记录数 = 计费 + 未计费"})
    amount = fields.Decimal(as_string=True, metadata={"description": "元，两位小数"})
    delivered_by_kind = fields.Function(lambda s: _keyed(s.delivered_by_kind))
    excluded_by_reason = fields.Function(lambda s: _keyed(s.excluded_by_reason))
    contracts = fields.List(fields.Nested(ContractTotalSchema))
    delivered = fields.List(fields.Nested(StatementLineSchema))
    excluded = fields.List(fields.Nested(StatementLineSchema))


class PhotoEntrySchema(Schema):
    id = fields.Integer()
    visit_id = fields.Integer()
    content_type = fields.String()
    size = fields.Integer()
    created_at = fields.DateTime()
