"""Schemas of a supervisor's month: coverage, the missed list, manual moves, the monthly report."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import Cursor, PageArgs, StrictSchema, text
from api.schemas.plans import MonthField
from api.schemas.register import enum
from visitsvc.model import AreaLevel, Category, VisitKind, VisitOutcome
from visitsvc.planning.coverage import AtRisk, Missing

_ID = validate.Range(min=1, max=2**31 - 1)
MAX_MOVES = 200


class CoverageQuery(StrictSchema):
    month = MonthField(load_default=None, metadata={"description": "YYYY-MM；默认：本月"})
    area = text(max_length=20, load_default=None, metadata={"description": "区划代码；默认：本人全部辖区"})


class HomeVisitsSchema(Schema):
    owed = fields.Integer(metadata={"description": "应上门探访次数（可计入的人）"})
    at_home = fields.Integer(metadata={"description": "上门见到本人"})
    by_call_after_empty_doorstep = fields.Integer(
        metadata={"description": "窗口最后一个工作日上门未遇，当天电话探访（上门未遇，电话探访）"}
    )


class FiguresSchema(Schema):
    area = fields.String(attribute="key", metadata={"description": "区划代码、类别或 total"})
    name = fields.String()
    coverable = fields.Integer()
    covered = fields.Integer()
    coverage_pct = fields.Float()
    at_risk = fields.Integer()
    not_covered_by_reason = fields.Dict(keys=fields.String(), values=fields.Integer())
    not_coverable_by_reason = fields.Dict(keys=fields.String(), values=fields.Integer())
    home_visits = fields.Nested(HomeVisitsSchema)


class CategoryFiguresSchema(FiguresSchema):
    area = fields.String(attribute="key", data_key="category")


class AreaRefSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = enum(AreaLevel)


class DeliveryFiguresSchema(Schema):
    key = fields.String(
        metadata={"description": "人员类别（visitor kind，other：督导等）或机构编号（none：无所属机构）"}
    )
    name = fields.String()
    visits = fields.Integer(metadata={"description": "计入的探访次数（任何结果）"})
    visited = fields.Integer(metadata={"description": "其中见到本人"})
    people_visited = fields.Integer(metadata={"description": "见到的人数"})
    people_covered = fields.Integer(metadata={"description": "其中本月已覆盖的人数（一人可计入多个分组）"})


class CoverageSchema(Schema):
    month = fields.String()
    as_of = fields.Date(metadata={"description": "judged as on this day (a past month: the day after it)"})
    area = fields.Nested(AreaRefSchema, allow_none=True)
    total = fields.Nested(FiguresSchema)
    by_area = fields.List(fields.Nested(FiguresSchema))
    by_category = fields.List(fields.Nested(CategoryFiguresSchema))
    by_visitor_kind = fields.List(fields.Nested(DeliveryFiguresSchema))
    by_organisation = fields.List(fields.Nested(DeliveryFiguresSchema))


class MissedQuery(PageArgs):
    month = MonthField(load_default=None, metadata={"description": "YYYY-MM；默认：本月"})
    area = text(max_length=20, load_default=None)
    category = enum(Category, load_default=None)
    worker = fields.Integer(load_default=None, validate=_ID, metadata={"description": "网格员编号"})
    reason = enum(Missing, load_default=None)
    at_risk = fields.Boolean(load_default=None)


class WorkerRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class AttemptSchema(Schema):
    day = fields.Date()
    kind = enum(VisitKind)
    outcome = enum(VisitOutcome)


class MissedSchema(Schema):
    elder_id = fields.Integer()
    name = fields.String()
    grid_code = fields.String()
    grid_name = fields.String()
    categories = fields.List(enum(Category))
    reason = enum(Missing)
    at_risk = fields.Boolean()
    at_risk_reason = enum(AtRisk, allow_none=True)
    high_risk = fields.Boolean()
    owed = fields.Integer()
    settled = fields.Integer()
    days_left = fields.Integer()
    next_planned = fields.Date(allow_none=True)
    next_worker = fields.Nested(WorkerRefSchema, allow_none=True)
    attempts = fields.List(fields.Nested(AttemptSchema))


MissedPageSchema = Schema.from_dict(
    {
        "month": fields.String(),
        "as_of": fields.Date(),
        "days_left": fields.Integer(),
        "items": fields.List(fields.Nested(MissedSchema)),
        "next_cursor": Cursor(allow_none=True),
    },
    name="MissedPageSchema",
)


class ReportQuery(StrictSchema):
    month = MonthField(load_default=None, metadata={"description": "YYYY-MM；默认：本月"})
    area = text(max_length=20, load_default=None)


class MoveSchema(StrictSchema):
    planned_visit_id = fields.Integer(required=True, validate=_ID)
    to_worker_id = fields.Integer(load_default=None, validate=_ID)
    to_date = fields.Date(load_default=None)


class MovesInSchema(StrictSchema):
    """Either `moves` (each planned visit to another worker and/or day), or all of `from_worker_id`'s
    remaining visits (from `from_date`, never before today) to `to_worker_id`."""

    moves = fields.List(fields.Nested(MoveSchema), validate=validate.Length(min=1, max=MAX_MOVES))
    from_worker_id = fields.Integer(validate=_ID)
    to_worker_id = fields.Integer(validate=_ID)
    from_date = fields.Date()
    confirm = fields.Boolean(
        load_default=False,
        metadata={"description": "移动已预约的上门探访：不给出时答 409 appointment（说明约定的时间）"},
    )

    @validates_schema
    def _one_form(self, data: dict[str, Any], **_: Any) -> None:
        whole = {"from_worker_id", "to_worker_id", "from_date"} & data.keys()
        if "moves" in data and whole:
            raise ValidationError("moves 与 from_worker_id/to_worker_id 不能同时给出", "moves")
        if "moves" not in data:
            missing = {"from_worker_id", "to_worker_id"} - data.keys()
            for name in sorted(missing):
                raise ValidationError("须给出 moves，或 from_worker_id 与 to_worker_id", name)


class MovedSchema(Schema):
    from_planned_visit_id = fields.Integer()
    planned_visit_id = fields.Integer(metadata={"description": "id in the new version"})
    elder_id = fields.Integer()
    kind = enum(VisitKind)
    from_worker_id = fields.Integer()
    from_date = fields.Date()
    worker_id = fields.Integer()
    date = fields.Date()
    seq = fields.Integer()
    arrival = fields.Time(allow_none=True)


class MovesOutSchema(Schema):
    month = fields.String()
    version = fields.Integer()
    version_id = fields.Integer()
    moved = fields.List(fields.Nested(MovedSchema))
