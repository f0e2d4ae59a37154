from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.policy import AreaPolicySchema, PolicyValuesSchema
from api.schemas.register import AreaQuery, AreaSchema
from visitsvc.planning import area_policy
from visitsvc.planning.area_policy import PolicyRead
from visitsvc.register import areas
from visitsvc.register.areas import AreaRead

blp = Blueprint(
    "areas", __name__, url_prefix="/api/v1/areas", description="区划（区县 > 街道 > 社区 > 网格）"
)


@blp.route("")
class Areas(MethodView):
    @blp.arguments(AreaQuery, location="query")
    @blp.response(200, AreaSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[AreaRead]:
        """The caller's subtree of areas."""
        return areas.list_areas(uow(), caller=caller(), level=query["level"], parent_code=query["parent"])

    @blp.arguments(AreaSchema)
    @blp.response(201, AreaSchema)
    def post(self, body: dict[str, Any]) -> AreaRead:
        """Add an area under one in the caller's scope (admin)."""
        return areas.create_area(uow(), caller=caller(), **body)


@blp.route("/<id:area_id>/policy")
class AreaPolicy(MethodView):
    @blp.response(200, AreaPolicySchema)
    def get(self, area_id: int) -> PolicyRead:
        """The area's visit policy: effective values, its own settings, where each value comes from
        (supervisors and admins)."""
        return area_policy.get_policy(uow(), caller=caller(), area_id=area_id)

    @blp.arguments(PolicyValuesSchema)
    @blp.response(200, AreaPolicySchema)
    def put(self, body: dict[str, Any], area_id: int) -> PolicyRead:
        """Replace the area's own settings; a parameter absent or null inherits from the area above (admin).
        Audited with its values before and after; the next plan or re-plan of the area's month runs again."""
        return area_policy.set_policy(uow(), caller=caller(), area_id=area_id, values=body)
