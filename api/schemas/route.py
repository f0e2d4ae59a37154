"""The day's route as a phone reads it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate

from api.schemas.common import StrictSchema
from api.schemas.register import enum
from visitsvc.model import AbilityLevel, Category, Sex, VisitKind, VisitOutcome


class RouteQuery(StrictSchema):
    date = fields.Date(load_default=None, metadata={"description": "默认：今天（Asia/Shanghai）"})
    since_version = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={
            "description": "手机上这一天所持的计划版本（上次取到的 plan_version）："
            "当前版本更新时，答复带 changes；该日所在月份没有此版本时 422"
        },
    )


class OpenFollowUpSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    urgent = fields.Boolean()


class EmergencyContactSchema(Schema):
    name = fields.String(allow_none=True)
    phone = fields.String(
        allow_none=True, metadata={"description": "与本人电话一样：自己的路线不脱敏，每人每天审计一次"}
    )


class StopElderSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    age = fields.Integer(
        metadata={"description": "当年年龄（今年 − 出生年份）：元旦变化而非生日当天，不透露出生日期"}
    )
    sex = enum(Sex)
    categories = fields.List(enum(Category))
    ability_level = enum(AbilityLevel, allow_none=True)
    address = fields.String()
    phone = fields.String(
        allow_none=True, metadata={"description": "本人电话：自己的路线不脱敏，每人每天审计一次"}
    )
    emergency_contact = fields.Nested(
        EmergencyContactSchema,
        allow_none=True,
        metadata={"description": "紧急联系人；台账中既无姓名也无电话时为 null"},
    )
    id_number = fields.String(metadata={"description": "始终脱敏"})
    risk_notes = fields.List(fields.String())
    notes = fields.String(allow_none=True)
    open_follow_ups = fields.List(fields.Nested(OpenFollowUpSchema))


class PointSchema(Schema):
    lon = fields.Float()
    lat = fields.Float()


class StopLocationSchema(Schema):
    lon = fields.Float(metadata={"description": "WGS-84"})
    lat = fields.Float(metadata={"description": "WGS-84"})
    verified = fields.Boolean()
    gcj02 = fields.Nested(PointSchema)


class NavSchema(Schema):
    amap = fields.String(metadata={"description": "高德（GCJ-02）"})
    baidu = fields.String(metadata={"description": "百度（BD-09）"})


class LastVisitSchema(Schema):
    date = fields.Date()
    kind = enum(VisitKind)
    outcome = enum(VisitOutcome)
    concerns = fields.List(fields.String())


class StopAppointmentSchema(Schema):
    id = fields.Integer()
    window_start = fields.Time(format="%H:%M")
    window_end = fields.Time(format="%H:%M")


class StopSchema(Schema):
    visit_id = fields.Integer(metadata={"description": "planned_visit_id for POST /visits"})
    order = fields.Integer()
    kind = enum(VisitKind)
    planned_arrival = fields.Time(allow_none=True, format="%H:%M")
    service_minutes = fields.Integer()
    status = fields.String(metadata={"description": "pending | done | not_home | refused | ..."})
    elder = fields.Nested(StopElderSchema)
    location = fields.Nested(StopLocationSchema, allow_none=True)
    nav = fields.Nested(NavSchema, allow_none=True)
    last_visit = fields.Nested(LastVisitSchema, allow_none=True)
    appointment = fields.Nested(
        StopAppointmentSchema,
        allow_none=True,
        metadata={"description": "预约：与老人约定的上门时间；没有预约时省略（即 null）"},
    )

    @post_dump
    def _without_absent_appointment(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        # Most stops have none: left out rather than null, since a 25-stop day must stay under 30 KB.
        if data.get("appointment", False) is None:
            del data["appointment"]
        return data


class TotalsSchema(Schema):
    stops = fields.Integer()
    travel_minutes = fields.Integer()
    distance_km = fields.Float()


class MovedStopSchema(Schema):
    visit_id = fields.Integer(metadata={"description": "当前版本中的 visit_id（见 stops）"})
    from_visit_id = fields.Integer(metadata={"description": "since_version 中同一探访的 visit_id"})
    from_order = fields.Integer()
    from_arrival = fields.Time(allow_none=True, format="%H:%M")
    from_kind = enum(VisitKind)


class RouteChangesSchema(Schema):
    since_version = fields.Integer()
    added = fields.List(fields.Integer(), metadata={"description": "新增站点的 visit_id（当前版本）"})
    removed = fields.List(
        fields.Integer(),
        metadata={"description": "不再在这一天的站点的 visit_id（since_version 中的，即手机上持有的）"},
    )
    moved = fields.List(
        fields.Nested(MovedStopSchema),
        metadata={"description": "时间、相对顺序或方式（上门/电话）变了的站点"},
    )


class DayRouteSchema(Schema):
    date = fields.Date()
    plan_version = fields.Integer(allow_none=True)
    stops = fields.List(fields.Nested(StopSchema))
    totals = fields.Nested(TotalsSchema)
    next_day = fields.Date(
        allow_none=True,
        metadata={
            "description": "这一天之后本人有站点的第一天（本月及下月的当前计划版本），没有为 null；"
            "手机提前取来，当天无站点时打开它"
        },
    )
    changes = fields.Nested(
        RouteChangesSchema,
        allow_none=True,
        metadata={
            "description": "仅当给出 since_version 且当前版本更新时：这一天相对该版本的变化；否则 null"
        },
    )
