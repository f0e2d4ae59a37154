"""Schemas of an area's visit policy (issue 20): own values in, effective and own values out."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from api.schemas.common import StrictSchema
from visitsvc.model.area_policy import RANGES


def _whole(name: str) -> fields.Integer:
    low, high = RANGES[name]
    return fields.Integer(
        strict=True, allow_none=True, load_default=None,
        validate=validate.Range(low, high, error=f"须在 {low} 到 {high} 之间"),
    )  # fmt: skip


class StrictBoolean(fields.Boolean):
    """JSON true or false only: 1, "yes" or "true" is a typo here, not a setting."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _flag() -> fields.Boolean:
    return StrictBoolean(allow_none=True, load_default=None, error_messages={"invalid": "须为 true 或 false"})


class PolicyValuesSchema(StrictSchema):
    """The parameters; in a PUT each one absent or null inherits from the area above."""

    high_risk_min_age = _whole("high_risk_min_age")
    new_elder_workdays = _whole("new_elder_workdays")
    back_from_hospital_workdays = _whole("back_from_hospital_workdays")
    min_workdays_in_week = _whole("min_workdays_in_week")
    substitute_phone = _flag()
    weekly_home_to_calls_when_short = _flag()
    reach_minutes = _whole("reach_minutes")


class AreaPolicySchema(StrictSchema):
    area_id = fields.Integer()
    area_code = fields.String()
    area_name = fields.String()
    effective = fields.Nested(PolicyValuesSchema)
    own = fields.Nested(PolicyValuesSchema)
    inherited_from = fields.Dict(
        keys=fields.String(), values=fields.String(allow_none=True),
        metadata={"description": "Per parameter: the code of the area setting it; null: the default"},
    )  # fmt: skip
    changed_by = fields.Integer(allow_none=True)
    changed_at = fields.DateTime(allow_none=True)
