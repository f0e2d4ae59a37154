from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.common import ErrorSchema
from api.schemas.partners import (
    ContractInSchema,
    ContractListSchema,
    ContractSchema,
    OrganisationImportSchema,
    OrganisationInSchema,
    OrganisationPageSchema,
    OrganisationPatchSchema,
    OrganisationQuery,
    OrganisationSchema,
)
from api.schemas.register import ImportQuery, UnmaskQuery, WorkerSchema
from api.views.elders import FileSchema
from visitsvc.kernel.errors import invalid_field
from visitsvc.partners import contracts, ledger, organisations
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


@blp.route("/import")
class OrganisationImport(MethodView):
    @blp.arguments(ImportQuery, location="query")
    @blp.arguments(FileSchema, location="files")
    @blp.response(200, OrganisationImportSchema)
    @blp.alt_response(
        422,
        schema=ErrorSchema,
        description="文件中有错误：rows 列出每一处 {row, column: 工作表/列, message}，未写入任何数据",
    )
    def post(self, query: dict[str, Any], files: dict[str, Any]) -> ledger.PartnerImportResult:
        """Import the 台账 of organisations and their staff: an XLSX workbook with sheets 机构 and 人员; all
        rows or none, updated by 统一社会信用代码 and by account."""
        who = caller()
        upload = files["file"]
        name = upload.filename or ""
        if not name.lower().endswith(".xlsx"):
            raise invalid_field("file", "仅支持 .xlsx 文件（工作表：机构、人员）")
        return ledger.import_workbook(
            uow(), caller=who, data=upload.read(), filename=name, dry_run=query["dry_run"]
        )


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
