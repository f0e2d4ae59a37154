from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.register import AuditPageSchema, AuditQuery
from visitsvc.accounts import audit
from visitsvc.infrastructure.repositories.audit import AuditFilter

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="审计日志（管理员）")


@blp.route("")
class Audit(MethodView):
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Newest first, within the admin's area."""
        limit, cursor = query.pop("limit"), query.pop("cursor")
        items, next_id = audit.list_audit(
            uow(), caller=caller(), flt=AuditFilter(**query), limit=limit, before_id=cursor
        )
        return {"items": items, "next_cursor": next_id}
