from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.partners import (
    ContractInSchema,
    ContractListSchema,
    ContractSchema,
    OrganisationInSchema,
    OrganisationPageSchema,
    OrganisationPatchSchema,
    OrganisationQuery,
    OrganisationSchema,
)
from api.schemas.register import UnmaskQuery, WorkerSchema
from visitsvc.partners import contracts, organisations
from visitsvc.partners.contracts import ContractData, ContractRead
from visitsvc.partners.organisations import OrganisationData, OrganisationRead
from visitsvc.register.workers import WorkerRead

blp = Blueprint(
    "organisations", __name__, url_prefix="/api/v1/organisations",
    description="社工站、社会组织等探访机构，其人员与购买服务合同",
)  # fmt: skip


def organisation_data(body: dict[str, Any]) -> dict[str, Any]:
    if "area_codes" in body:
        body["area_codes"] = tuple(body["area_codes"])
    return body


def contract_data(body: dict[str, Any]) -> dict[str, Any]:
    if "covered_area_codes" in body:
        body["covered_area_codes"] = tuple(body["covered_area_codes"])
    return body


@blp.route("")
class Organisations(MethodView):
    @blp.arguments(OrganisationQuery, location="query")
    @blp.response(200, OrganisationPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Organisations serving the caller's area (a coordinator: their own); contact phones masked unless
        unmask=true (supervisors and admins, audited)."""
        items, next_id = organisations.list_organisations(
            uow(), caller=caller(), limit=query["limit"], after_id=query["cursor"], unmask=query["unmask"]
        )
        return {"items": items, "next_cursor": next_id}

    @blp.arguments(OrganisationInSchema)
    @blp.response(201, OrganisationSchema)
    def post(self, body: dict[str, Any]) -> OrganisationRead:
        """Register an organisation serving areas within the caller's (admins and supervisors)."""
        data = OrganisationData(**organisation_data(body))
        return organisations.create_organisation(uow(), caller=caller(), data=data)


@blp.route("/<id:organisation_id>")
class OrganisationItem(MethodView):
    @blp.arguments(UnmaskQuery, location="query")
    @blp.response(200, OrganisationSchema)
    def get(self, query: dict[str, Any], organisation_id: int) -> OrganisationRead:
        return organisations.get_organisation(
            uow(), caller=caller(), organisation_id=organisation_id, unmask=query["unmask"]
        )

    @blp.arguments(OrganisationPatchSchema(partial=True))
    @blp.response(200, OrganisationSchema)
    def patch(self, body: dict[str, Any], organisation_id: int) -> OrganisationRead:
        """Change an organisation; areas it serves outside the caller's area stay as they are."""
        return organisations.update_organisation(
            uow(), caller=caller(), organisation_id=organisation_id, changes=organisation_data(body)
        )


@blp.route("/<id:organisation_id>/staff")
class OrganisationStaff(MethodView):
    @blp.response(200, WorkerSchema(many=True))
    def get(self, organisation_id: int) -> list[WorkerRead]:
        """Its visitors and coordinators (also for its own coordinator)."""
        return organisations.list_staff(uow(), caller=caller(), organisation_id=organisation_id)


@blp.route("/<id:organisation_id>/contracts")
class OrganisationContracts(MethodView):
    @blp.response(200, ContractListSchema)
    def get(self, organisation_id: int) -> dict[str, Any]:
        items = contracts.list_contracts(uow(), caller=caller(), organisation_id=organisation_id)
        return {"items": items}

    @blp.arguments(ContractInSchema)
    @blp.response(201, ContractSchema)
    def post(self, body: dict[str, Any], organisation_id: int) -> ContractRead:
        """A contract of purchased visits with the organisation (admins and supervisors)."""
        data = ContractData(**contract_data(body))
        return contracts.create_contract(uow(), caller=caller(), organisation_id=organisation_id, data=data)
