"""Schemas of the register: areas, workers, elders, their status and the audit log."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from api.ids import ID_RANGE
from api.schemas.common import Instant, PageArgs, StrictSchema, page_of, text
from visitsvc.kernel.geo import Datum
from visitsvc.model import (
    AbilityLevel,
    AreaLevel,
    Category,
    DisabilityGrade,
    ElderStatus,
    Role,
    Sex,
    TravelMode,
    VisitorKind,
    Willingness,
)

LON = validate.Range(-180, 180)
LAT = validate.Range(-90, 90)


def enum(kind: type, **kwargs: object) -> fields.Enum[Any]:
    return fields.Enum(kind, by_value=True, **kwargs)  # type: ignore[arg-type]


class AreaSchema(StrictSchema):
    code = text(required=True, max_length=20)
    name = text(required=True, min_length=1, max_length=100)
    level = enum(AreaLevel, required=True)
    parent_code = text(max_length=20, allow_none=True, load_default=None)


class AreaQuery(StrictSchema):
    level = enum(AreaLevel, load_default=None)
    parent = text(max_length=20, load_default=None)


class WorkerInSchema(StrictSchema):
    account = text(required=True, max_length=50)
    name = text(required=True, max_length=50)
    role = enum(Role, load_default=Role.GRID_WORKER)
    phone = text(max_length=30, allow_none=True)
    area_code = text(max_length=20, allow_none=True)
    grid_codes = fields.List(text(max_length=20), validate=validate.Length(max=50))
    travel_mode = enum(TravelMode)
    start_lon = fields.Float(allow_none=True, validate=LON)
    start_lat = fields.Float(allow_none=True, validate=LAT)
    work_start = fields.Time()
    work_end = fields.Time()
    visit_minutes_per_day = fields.Integer(validate=validate.Range(1, 24 * 60))
    active = fields.Boolean()
    password = text(max_length=200, load_only=True)
    visitor_kind = enum(
        VisitorKind, allow_none=True, metadata={"description": "a visitor's: not grid_worker"}
    )
    organisation_id = fields.Integer(allow_none=True, validate=ID_RANGE)
    work_weekdays = text(max_length=7, allow_none=True, metadata={"description": "a visitor's, e.g. 135"})


class WorkerPatchSchema(WorkerInSchema):
    class Meta(StrictSchema.Meta):
        exclude = ("account",)


class WorkerSchema(StrictSchema):
    id = fields.Integer()
    account = fields.String()
    name = fields.String()
    phone = fields.String(allow_none=True)
    role = enum(Role)
    area_code = fields.String(allow_none=True)
    grid_codes = fields.List(fields.String())
    travel_mode = enum(TravelMode)
    start_lon = fields.Float(allow_none=True)
    start_lat = fields.Float(allow_none=True)
    work_start = fields.Time()
    work_end = fields.Time()
    visit_minutes_per_day = fields.Integer()
    active = fields.Boolean()
    has_password = fields.Boolean()
    updated_at = fields.DateTime()
    visitor_kind = enum(VisitorKind, allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    work_weekdays = fields.String(allow_none=True)


class WorkerQuery(PageArgs):
    role = enum(Role, load_default=None)
    active = fields.Boolean(load_default=None)


class ElderInSchema(StrictSchema):
    name = text(required=True, max_length=50)
    id_number = text(required=True, max_length=30)
    sex = enum(Sex, required=True)
    birth_date = fields.Date(required=True)
    phone = text(max_length=30, allow_none=True)
    address = text(required=True, max_length=200)
    lon = fields.Float(allow_none=True, validate=LON)
    lat = fields.Float(allow_none=True, validate=LAT)
    datum = enum(Datum, metadata={"description": "datum of lon/lat; stored as WGS-84"})
    grid_code = text(required=True, max_length=20)
    categories = fields.List(enum(Category), required=True, validate=validate.Length(min=1, max=10))
    ability_level = enum(AbilityLevel, allow_none=True)
    disability_grade = enum(DisabilityGrade, allow_none=True)
    emergency_contact = text(max_length=50, allow_none=True)
    emergency_phone = text(max_length=30, allow_none=True)
    willingness = enum(Willingness)
    preferred_start = fields.Time(allow_none=True)
    preferred_end = fields.Time(allow_none=True)
    notes = text(max_length=1000, allow_none=True)


class ElderPatchSchema(ElderInSchema):
    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "optimistic lock"})


class ElderSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    id_number = fields.String(
        metadata={"description": "masked (region and last four kept) unless unmask=true, which is audited"}
    )
    sex = enum(Sex)
    birth_date = fields.Date(
        allow_none=True,
        metadata={
            "description": "the full date only with unmask=true (audited); null when masked, since the "
            "hidden digits of the masked id_number are this date"
        },
    )
    birth_year = fields.Integer(
        metadata={"description": "always given: as much of the birth date as a masked view may show"}
    )
    age = fields.Integer(
        metadata={
            "description": "unmasked: completed years today; masked: the age reached this calendar year "
            "(this year - birth_year), which changes on 1 January, not on the birthday"
        }
    )
    phone = fields.String(allow_none=True, metadata={"description": "masked unless unmask=true"})
    address = fields.String()
    lon = fields.Float(allow_none=True)
    lat = fields.Float(allow_none=True)
    location_verified = fields.Boolean()
    grid_code = fields.String()
    grid_name = fields.String()
    categories = fields.List(enum(Category))
    ability_level = enum(AbilityLevel, allow_none=True)
    disability_grade = enum(DisabilityGrade, allow_none=True)
    emergency_contact = fields.String(allow_none=True)
    emergency_phone = fields.String(allow_none=True, metadata={"description": "masked unless unmask=true"})
    willingness = enum(Willingness)
    preferred_start = fields.Time(allow_none=True)
    preferred_end = fields.Time(allow_none=True)
    notes = fields.String(allow_none=True)
    status = enum(ElderStatus)
    status_since = fields.Date()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()
    masked = fields.Boolean(
        metadata={
            "description": "true: id_number and phones masked, birth_date null (birth_year and age only)"
        }
    )


class ElderQuery(PageArgs):
    area = text(max_length=20, load_default=None)
    category = enum(Category, load_default=None)
    status = enum(ElderStatus, load_default=None)
    ability_level = enum(AbilityLevel, load_default=None)
    q = text(max_length=50, load_default=None)
    unmask = fields.Boolean(load_default=False)


class ElderLookupSchema(StrictSchema):
    """A search by ID number travels in a POST body: a query string ends up in access logs and histories."""

    id_number = text(required=True, min_length=1, max_length=30)
    area = text(max_length=20, load_default=None)
    unmask = fields.Boolean(load_default=False)


class UnmaskQuery(StrictSchema):
    unmask = fields.Boolean(load_default=False)


class StatusInSchema(StrictSchema):
    status = enum(ElderStatus, required=True)
    effective_date = fields.Date(required=True)
    reason = text(required=True, min_length=1, max_length=500)


class StatusChangeSchema(StrictSchema):
    id = fields.Integer()
    from_status = enum(ElderStatus, allow_none=True)
    to_status = enum(ElderStatus)
    effective_date = fields.Date()
    reason = fields.String()
    author_id = fields.Integer(allow_none=True)
    recorded_at = fields.DateTime()


class ImportQuery(StrictSchema):
    dry_run = fields.Boolean(load_default=False)


class ImportResultSchema(StrictSchema):
    kind = fields.String()
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    dry_run = fields.Boolean()


class ExportQuery(StrictSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv"]))
    area = text(max_length=20, load_default=None)
    unmask = fields.Boolean(load_default=False)


class AuditSchema(StrictSchema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    record_type = fields.String()
    record_id = fields.String(allow_none=True)
    details = fields.Dict(
        metadata={
            "description": "ID numbers and phones masked, birth dates as YYYY-**-**: never the full values"
        }
    )


class AuditQuery(PageArgs):
    actor_id = fields.Integer(load_default=None, validate=ID_RANGE)
    action = text(max_length=100, load_default=None)
    record_type = text(max_length=50, load_default=None)
    record_id = text(max_length=50, load_default=None)
    since = Instant(load_default=None)
    until = Instant(load_default=None)


WorkerPageSchema = page_of(WorkerSchema)
ElderPageSchema = page_of(ElderSchema)
AuditPageSchema = page_of(AuditSchema)
