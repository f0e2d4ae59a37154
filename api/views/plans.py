from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.common import month_in_path
from api.schemas.plans import (
    ApplyOptionsIn,
    DiffQuery,
    OptionsQuery,
    PlanQuery,
    ShortfallQuery,
    ShortfallSchema,
    VersionSchema,
)
from visitsvc.planning import option_apply, plan_options, plan_reports
from visitsvc.planning.plan_reports import VersionRead

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans", description="月度探访计划")


@blp.route("")
class Plans(MethodView):
    @blp.arguments(PlanQuery, location="query")
    @blp.response(200, VersionSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[VersionRead]:
        """The month's plan versions, oldest first; the last is the current one."""
        return plan_reports.list_versions(uow(), caller=caller(), month=query["month"])


@blp.route("/<month>/shortfall")
class Shortfall(MethodView):
    @blp.arguments(ShortfallQuery, location="query")
    @blp.response(200, ShortfallSchema)
    def get(self, query: dict[str, Any], month: str) -> dict[str, Any]:
        """What the newest plan could not fit, per grid of the caller's area, with reasons."""
        return plan_reports.shortfall(
            uow(), caller=caller(), month=month_in_path(month), area_code=query["area"]
        )


@blp.route("/<month>/options")
class Options(MethodView):
    @blp.arguments(OptionsQuery, location="query")
    @blp.response(200)
    def get(self, query: dict[str, Any], month: str) -> dict[str, Any]:
        """For each grid the newest plan left people out of for capacity, summed per street and for the area:
        the hours short and what each remedy would do, solved (supervisors and admins)."""
        return plan_options.options(
            uow(), caller=caller(), month=month_in_path(month), area_code=query["area"],
            settings=plan_options.OPTION_SETTINGS,
        )  # fmt: skip


@blp.route("/<month>/options/apply")
class ApplyOptions(MethodView):
    @blp.arguments(ApplyOptionsIn)
    @blp.response(200)
    def post(self, body: dict[str, Any], month: str) -> dict[str, Any]:
        """Apply remedies (reach, calls, hours) to the month of an area: stored, audited, kept by later plan
        runs; a new plan version and the shortfall after it. Visitors from outside come with issue 19."""
        return option_apply.apply_options(
            uow(), caller=caller(), month=month_in_path(month), kinds=body["remedies"],
            area_code=body["area"], settings=plan_options.OPTION_SETTINGS,
        )  # fmt: skip


@blp.route("/<month>/diff")
class Diff(MethodView):
    @blp.arguments(DiffQuery, location="query")
    @blp.response(200)
    def get(self, query: dict[str, Any], month: str) -> dict[str, Any]:
        """Owed visits added, removed or moved (worker, day or kind) between two versions."""
        return plan_reports.diff(
            uow(),
            caller=caller(),
            month=month_in_path(month),
            from_number=query["from_"],
            to_number=query["to"],
        )
