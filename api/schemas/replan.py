from __future__ import annotations

from marshmallow import fields, validate

from api.schemas.common import StrictSchema


class ReplanQuery(StrictSchema):
    worker = fields.Integer(
        required=True, validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "网格员编号"}
    )
    date = fields.Date(load_default=None, metadata={"description": "今天（默认）；其他日期被拒绝"})


class UnplannedSchema(StrictSchema):
    elder_id = fields.Integer()
    grid = fields.String()
    obligation = fields.String()
    reason = fields.String(
        metadata={"description": "capacity | no_working_day | unreachable_window | no_worker"}
    )


class ReplanSchema(StrictSchema):
    month = fields.String()
    today = fields.Date(metadata={"description": "this day and the ones before stay as planned"})
    version = fields.Integer(metadata={"description": "the plan version now current"})
    created = fields.Boolean(metadata={"description": "false: nothing changed, no new version"})
    workers = fields.Integer(metadata={"description": "workers whose days after today were solved again"})
    moved = fields.Integer(metadata={"description": "owed visits now on another worker or day"})
    added = fields.Integer(metadata={"description": "owed visits planned again or for the first time"})
    removed = fields.Integer(metadata={"description": "owed visits no longer planned after today"})
    changed = fields.Integer()
    to_colleagues = fields.Integer(metadata={"description": "taken on by a worker of another grid"})
    unplanned = fields.List(fields.Nested(UnplannedSchema))
    seconds = fields.Float()
