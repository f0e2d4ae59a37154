"""Schemas of organisations, contracts and pairings (issue 19)."""

from __future__ import annotations

from marshmallow import fields, validate

from api.ids import ID_RANGE
from api.schemas.common import PageArgs, StrictSchema, page_of, text
from api.schemas.register import enum
from visitsvc.model import OrganisationKind, VisitKind


class OrganisationInSchema(StrictSchema):
    name = text(required=True, max_length=100)
    kind = enum(OrganisationKind, required=True)
    credit_code = text(required=True, max_length=40, metadata={"description": "统一社会信用代码, 18 位"})
    area_codes = fields.List(text(max_length=20), required=True, validate=validate.Length(min=1, max=200))
    contact_name = text(max_length=50, allow_none=True)
    contact_phone = text(max_length=30, allow_none=True)
    active = fields.Boolean()


class OrganisationPatchSchema(OrganisationInSchema):
    pass


class OrganisationSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    kind = enum(OrganisationKind)
    credit_code = fields.String()
    area_codes = fields.List(fields.String())
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True, metadata={"description": "masked unless unmask=true"})
    active = fields.Boolean()
    masked = fields.Boolean()
    updated_at = fields.DateTime()


class OrganisationQuery(PageArgs):
    unmask = fields.Boolean(load_default=False)


# Loaded without `places`: marshmallow would round 1.234 to 1.23 where the office must be told (422).
PRICE_IN = fields.Decimal(as_string=True, allow_nan=False)


class ContractInSchema(StrictSchema):
    code = text(required=True, max_length=40)
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    covered_area_codes = fields.List(
        text(max_length=20), required=True, validate=validate.Length(min=1, max=200)
    )
    prices = fields.Dict(
        keys=enum(VisitKind), values=PRICE_IN, required=True,
        metadata={"description": "yuan per visit of each kind, at most 2 decimal places"},
    )  # fmt: skip
    monthly_quota = fields.Integer(required=True, validate=validate.Range(0, 1_000_000))
    pays_not_found = fields.Boolean()
    area_code = text(max_length=20, allow_none=True, metadata={"description": "filed under; default: yours"})


class ContractPatchSchema(ContractInSchema):
    pass


class ContractSchema(StrictSchema):
    id = fields.Integer()
    code = fields.String()
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    first_day = fields.Date()
    last_day = fields.Date()
    area_code = fields.String()
    covered_area_codes = fields.List(fields.String())
    prices = fields.Dict(keys=enum(VisitKind), values=fields.Decimal(places=2, as_string=True))
    monthly_quota = fields.Integer()
    pays_not_found = fields.Boolean()
    updated_at = fields.DateTime()


class ContractListSchema(StrictSchema):
    items = fields.List(fields.Nested(ContractSchema))


class PairingInSchema(StrictSchema):
    elder_id = fields.Integer(required=True, validate=ID_RANGE)
    first_day = fields.Date(required=True)
    last_day = fields.Date(
        allow_none=True, metadata={"description": "none: open (under a contract: its end)"}
    )
    visitor_id = fields.Integer(allow_none=True, validate=ID_RANGE)
    organisation_id = fields.Integer(allow_none=True, validate=ID_RANGE)
    contract_id = fields.Integer(allow_none=True, validate=ID_RANGE)


class PairingEndSchema(StrictSchema):
    last_day = fields.Date(load_default=None, metadata={"description": "default: today"})


class PairingSchema(StrictSchema):
    id = fields.Integer()
    elder_id = fields.Integer()
    visitor_id = fields.Integer(allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    contract_id = fields.Integer(allow_none=True)
    first_day = fields.Date()
    last_day = fields.Date(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    ended_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class PairingQuery(PageArgs):
    elder_id = fields.Integer(load_default=None, validate=ID_RANGE)
    visitor_id = fields.Integer(load_default=None, validate=ID_RANGE)
    organisation_id = fields.Integer(load_default=None, validate=ID_RANGE)


class OrganisationImportSchema(StrictSchema):
    organisations = fields.Integer(metadata={"description": "rows of the sheet 机构"})
    staff = fields.Integer(metadata={"description": "rows of the sheet 人员"})
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    dry_run = fields.Boolean()


OrganisationPageSchema = page_of(OrganisationSchema)
PairingPageSchema = page_of(PairingSchema)
