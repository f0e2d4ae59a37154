from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from api.schemas.common import StrictSchema, text
from visitsvc.kernel.month import Month


class MonthField(fields.Field):  # type: ignore[type-arg]
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Month:
        try:
            return Month.parse(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


class PlanQuery(StrictSchema):
    month = MonthField(required=True)


class ShortfallQuery(StrictSchema):
    area = text(max_length=20, load_default=None)


class VersionSchema(StrictSchema):
    id = fields.Integer()
    month = fields.String()
    number = fields.Integer()
    area_path = fields.String(allow_none=True)
    trigger = fields.String()
    created_at = fields.DateTime()
    solver_seconds = fields.Float()
    planned_count = fields.Integer()
    unplanned_count = fields.Integer()
    substituted_count = fields.Integer()
    calendar_warning = fields.String(allow_none=True)


HAND_BACK = "visitor_capacity | visitor_absent | visitor_no_day | quota | no_visitor"


class UnplannedElderSchema(StrictSchema):
    elder_id = fields.Integer()
    kind = fields.String()
    reason = fields.String()
    # A paired person's visit their visitor could not make, which the grid's worker could not either.
    handed_back = fields.String(allow_none=True, metadata={"description": HAND_BACK})


class HandedBackSchema(StrictSchema):
    """A paired person's visit back with the grid's worker (docs/adr/0029)."""

    elder_id = fields.Integer()
    obligation = fields.String()
    cause = fields.String(metadata={"description": HAND_BACK})
    visitor_id = fields.Integer(allow_none=True)


class GridShortfallSchema(StrictSchema):
    grid = fields.String()
    owed = fields.Integer()
    planned = fields.Integer()
    substituted = fields.Integer()
    # Of `substituted`: high-risk people's weekly home visits made calls where the area allows it (ADR 0026).
    weekly_calls = fields.Integer()
    unplanned = fields.Integer()
    available_minutes = fields.Integer()
    unplanned_elders = fields.List(fields.Nested(UnplannedElderSchema))


class ShortfallSchema(StrictSchema):
    month = fields.String()
    version = fields.Integer()
    calendar_warning = fields.String(allow_none=True)
    # The caller's workers whose solve was stopped by its wall-clock guard: their routes are the best found by
    # then, not the reproducible plan (docs/adr/0024).
    guard_hit = fields.List(fields.Integer())
    grids = fields.List(fields.Nested(GridShortfallSchema))
    handed_back = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": f"counts by cause: {HAND_BACK}"},
    )
    handed_back_visits = fields.List(fields.Nested(HandedBackSchema))


class DiffQuery(StrictSchema):
    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1))
    to = fields.Integer(required=True, validate=validate.Range(min=1))


class OptionsQuery(StrictSchema):
    area = text(max_length=20, load_default=None)


class ApplyOptionsIn(StrictSchema):
    area = text(max_length=20, load_default=None)
    remedies = fields.List(
        fields.String(validate=validate.OneOf(["reach", "calls", "hours", "outside"])),
        required=True,
        validate=validate.Length(min=1, max=4),
    )
