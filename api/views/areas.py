from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.register import AreaQuery, AreaSchema
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
