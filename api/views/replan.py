from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.common import ErrorSchema
from api.schemas.replan import ReplanQuery, ReplanSchema
from visitsvc.planning import replanning
from visitsvc.planning.replanning import ReplanOutcome

blp = Blueprint("replan", __name__, url_prefix="/api/v1/replan", description="当日重新规划")


@blp.route("")
class Replan(MethodView):
    @blp.arguments(ReplanQuery, location="query")
    @blp.response(200, ReplanSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="本月计划正在生成，请稍后重试")
    def post(self, query: dict[str, Any]) -> ReplanOutcome:
        """An absence announced this morning: the worker's visits of today that were not made, and the rest
        of their month, go to later days or to colleagues at once. Today's other routes and the days before
        stay as they are. Supervisors and admins, for workers of their area."""
        return replanning.replan_today(uow(), caller=caller(), worker_id=query["worker"], day=query["date"])
