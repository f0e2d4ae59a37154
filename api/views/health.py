from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.blueprint import Blueprint
from api.runtime import runtime

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="运行状态")


@blp.route("")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200)
    @blp.alt_response(503, description="数据库不可达：{status: degraded, database: unreachable}")
    def get(self) -> tuple[dict[str, str], int]:
        """Liveness and database reachability, for load balancers and monitoring (no login)."""
        try:
            with runtime().sessions() as session:
                session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return {"status": "degraded", "database": "unreachable"}, 503
        return {"status": "ok", "database": "ok"}, 200
