"""The elder register over HTTP; every rule is in visitsvc.services."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import RAISE

from api.blueprint import Blueprint
from api.downloads import attachment
from api.runtime import caller, uow
from api.schemas.common import FILE, RETRY_AFTER, ErrorSchema, StrictSchema
from api.schemas.register import (
    ElderInSchema,
    ElderLookupSchema,
    ElderPageSchema,
    ElderPatchSchema,
    ElderQuery,
    ElderSchema,
    ExportQuery,
    ImportQuery,
    ImportResultSchema,
    StatusChangeSchema,
    StatusInSchema,
    UnmaskQuery,
)
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.kernel.errors import invalid_field
from visitsvc.register import elder_reads, elders, id_lookups, ledger_export, ledger_import
from visitsvc.register.elder_reads import ElderRead, PersonRead
from visitsvc.register.elder_validation import ElderData
from visitsvc.register.elders import StatusChangeRead
from visitsvc.register.ledger_format import LedgerKind
from visitsvc.register.ledger_import_result import ImportResult

blp = Blueprint("elders", __name__, url_prefix="/api/v1/elders", description="老年人台账")


class FileSchema(StrictSchema):
    file = Upload(required=True)


def _typed(body: dict[str, Any]) -> dict[str, Any]:
    if "categories" in body:
        body["categories"] = frozenset(body["categories"])
    return body


# An ID number registered in another area is a lookup across areas: audited, and limited per caller.
LOOKUP_LIMIT = f"一小时内已有 {id_lookups.LOOKUPS_PER_HOUR} 次“已在其他地区登记”的结果；Retry-After 秒后再试"
# A search by ID number that finds nobody is a guess as far as the limit knows (visitsvc.register.id_lookups).
MISS_LIMIT = f"一小时内已有 {id_lookups.MISSES_PER_HOUR} 次按身份证号查无此人；Retry-After 秒后再试"


@blp.route("")
class Elders(MethodView):
    # webargs ignores unknown query fields; here they are refused, so an old client's ?id_number= fails
    # loudly instead of listing everyone.
    @blp.arguments(ElderQuery, location="query", unknown=RAISE)
    @blp.response(200, ElderPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Search the register within the caller's area (by ID number: POST /elders/lookup); a visitor
        finds their own people, each with only what a visit needs."""
        flt = ElderFilter(
            category=query["category"],
            status=query["status"],
            ability_level=query["ability_level"],
            name_contains=query["q"],
        )
        items, next_id = elder_reads.list_people(
            uow(), caller=caller(), flt=flt, area_code=query["area"], limit=query["limit"],
            after_id=query["cursor"], unmask=query["unmask"],
        )  # fmt: skip
        return {"items": items, "next_cursor": next_id}

    @blp.arguments(ElderInSchema)
    @blp.response(201, ElderSchema)
    @blp.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER, description=LOOKUP_LIMIT)
    def post(self, body: dict[str, Any]) -> ElderRead:
        """Register a person (supervisor or admin, in a grid of their area)."""
        return elders.create_elder(uow(), caller=caller(), data=ElderData(**_typed(body)))


@blp.route("/lookup")
class ElderLookup(MethodView):
    @blp.arguments(ElderLookupSchema)
    @blp.response(200, ElderPageSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="`forbidden`：网格员不按身份证号查询")
    @blp.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER, description=MISS_LIMIT)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Find who holds an ID number, within the caller's area (supervisors and admins); audited, found or
        not. Searches that find nobody are limited per caller; once they are spent every search answers 429.

        A POST so that the number never stands in a URL (access logs, proxies, browser history).
        """
        items, next_id = elder_reads.list_elders(
            uow(), caller=caller(), flt=ElderFilter(id_number=body["id_number"]), area_code=body["area"],
            unmask=body["unmask"],
        )  # fmt: skip
        return {"items": items, "next_cursor": next_id}


@blp.route("/<id:elder_id>")
class ElderItem(MethodView):
    @blp.arguments(UnmaskQuery, location="query")
    @blp.response(200, ElderSchema)
    def get(self, query: dict[str, Any], elder_id: int) -> PersonRead:
        """One person: a visitor gets only what a visit needs (the fields of VisitElderRead)."""
        return elder_reads.get_person(uow(), caller=caller(), elder_id=elder_id, unmask=query["unmask"])

    @blp.arguments(ElderPatchSchema(partial=True))
    @blp.response(200, ElderSchema)
    @blp.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER, description=LOOKUP_LIMIT)
    def patch(self, body: dict[str, Any], elder_id: int) -> ElderRead:
        """Correct register data; a new grid is a transfer. Send `version` to refuse a stale edit (409)."""
        version = body.pop("version", None)
        return elders.update_elder(
            uow(), caller=caller(), elder_id=elder_id, changes=_typed(body), expected_version=version
        )


@blp.route("/<id:elder_id>/status")
class ElderStatus(MethodView):
    @blp.arguments(StatusInSchema)
    @blp.response(201, StatusChangeSchema)
    def post(self, body: dict[str, Any], elder_id: int) -> StatusChangeRead:
        """Change the status with an effective date and a reason; kept as history."""
        return elders.change_status(
            uow(), caller=caller(), elder_id=elder_id, status=body["status"],
            effective=body["effective_date"], reason=body["reason"],
        )  # fmt: skip


@blp.route("/<id:elder_id>/history")
class ElderHistory(MethodView):
    @blp.response(200, StatusChangeSchema(many=True))
    def get(self, elder_id: int) -> list[StatusChangeRead]:
        return elders.status_history(uow(), caller=caller(), elder_id=elder_id)


@blp.route("/import")
class ElderImport(MethodView):
    @blp.arguments(ImportQuery, location="query")
    @blp.arguments(FileSchema, location="files")
    @blp.response(200, ImportResultSchema)
    @blp.alt_response(
        422,
        schema=ErrorSchema,
        description="文件中有错误：rows 列出每一处 {row, column, message}，未写入任何数据",
    )
    @blp.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER, description=LOOKUP_LIMIT)
    def post(self, query: dict[str, Any], files: dict[str, Any]) -> ImportResult:
        """Import a 台账 file of elders (CSV or XLSX): all rows or none."""
        who = caller()
        upload = files["file"]
        name = upload.filename or ""
        if not name.lower().endswith((".csv", ".xlsx")):
            raise invalid_field("file", "仅支持 .csv 或 .xlsx 文件")
        return ledger_import.import_file(
            uow(), caller=who, kind=LedgerKind.ELDERS, data=upload.read(), filename=name,
            dry_run=query["dry_run"],
        )  # fmt: skip


@blp.route("/export")
class ElderExport(MethodView):
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, FILE, content_type=ledger_export.XLSX, description="XLSX, or CSV with format=csv")
    @blp.doc(responses={200: {"content": {"text/csv": {"schema": FILE}}}})
    def get(self, query: dict[str, Any]) -> Response:
        """The register as XLSX or CSV in the import's columns; masked unless an admin asks (audited)."""
        export = ledger_export.export_elders(
            uow(), caller=caller(), area_code=query["area"], fmt=query["format"], unmask=query["unmask"]
        )
        return attachment(export)
