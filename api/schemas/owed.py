"""Schemas of a grid worker's 本月待访: the people still owed a visit this month."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.common import Cursor, PageArgs
from api.schemas.plans import MonthField
from api.schemas.register import enum
from visitsvc.model import Category, VisitKind
from visitsvc.planning.coverage import AtRisk, Missing
from visitsvc.planning.policy import Rule


class OwedQuery(PageArgs):
    month = MonthField(load_default=None, metadata={"description": "YYYY-MM；默认：本月（北京时间）"})


class OwedVisitSchema(Schema):
    kind = enum(VisitKind)
    rule = enum(Rule)
    earliest = fields.Date(metadata={"description": "due between these two working days"})
    latest = fields.Date()


class OwedPersonSchema(Schema):
    elder_id = fields.Integer()
    name = fields.String()
    age = fields.Integer(metadata={"description": "this year minus the birth year, as the route shows it"})
    grid_code = fields.String()
    categories = fields.List(enum(Category))
    owed = fields.List(fields.Nested(OwedVisitSchema), metadata={"description": "visits not yet settled"})
    reason = enum(Missing)
    at_risk = enum(AtRisk, allow_none=True)
    next_planned = fields.Date(allow_none=True, metadata={"description": "null: no planned day left"})
    next_kind = enum(VisitKind, allow_none=True)
    next_is_mine = fields.Boolean(metadata={"description": "false: a colleague is planned, or nobody"})


OwedPageSchema = Schema.from_dict(
    {
        "month": fields.String(),
        "as_of": fields.Date(),
        "items": fields.List(fields.Nested(OwedPersonSchema)),
        "next_cursor": Cursor(allow_none=True),
    },
    name="OwedPageSchema",
)
