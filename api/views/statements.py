"""Statements for payment (结算) over HTTP: JSON, or XLSX (`.xlsx` or `?format=xlsx`, audited)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.blueprint import Blueprint
from api.downloads import attachment
from api.runtime import caller, uow
from api.schemas.common import FILE, month_in_path
from api.schemas.statements import StatementQuery, StatementSchema
from visitsvc.infrastructure.spreadsheet import XLSX_MEDIA_TYPE
from visitsvc.settlement import statements
from visitsvc.settlement.statement import Statement

blp = Blueprint("statements", __name__, url_prefix="/api/v1", description="结算：机构按月的结算单")


@blp.route("/organisations/<id:organisation_id>/statements/<month>")
class StatementView(MethodView):
    @blp.arguments(StatementQuery, location="query")
    @blp.response(200, StatementSchema)
    @blp.alt_response(200, schema=FILE, content_type=XLSX_MEDIA_TYPE, success=True)
    def get(self, query: dict[str, Any], organisation_id: int, month: str) -> Statement | Response:
        """An organisation's statement of a month (YYYY-MM, or YYYY-MM.xlsx for the file): every visit its
        staff recorded, paid under a contract or excluded with the reasons; counts by kind and the amount.
        Supervisors and admins whose area the organisation serves, and its own coordinator."""
        as_xlsx = month.endswith(".xlsx") or query["format"] == "xlsx"
        parsed = month_in_path(month.removesuffix(".xlsx"))
        if not as_xlsx:
            return statements.get_statement(
                uow(), caller=caller(), organisation_id=organisation_id, month=parsed
            )
        export = statements.export_statement(
            uow(), caller=caller(), organisation_id=organisation_id, month=parsed
        )
        return attachment(export)
