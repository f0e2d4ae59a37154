from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.register import (
    WorkerInSchema,
    WorkerPageSchema,
    WorkerPatchSchema,
    WorkerQuery,
    WorkerSchema,
)
from visitsvc.register import workers
from visitsvc.register.workers import WorkerData, WorkerRead

blp = Blueprint("workers", __name__, url_prefix="/api/v1/workers", description="网格员、督导与管理员账号")


@blp.route("")
class Workers(MethodView):
    @blp.arguments(WorkerQuery, location="query")
    @blp.response(200, WorkerPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Accounts in the caller's area."""
        items, next_id = workers.list_workers(
            uow(), caller=caller(), role=query["role"], active=query["active"],
            limit=query["limit"], after_id=query["cursor"],
        )  # fmt: skip
        return {"items": items, "next_cursor": next_id}

    @blp.arguments(WorkerInSchema)
    @blp.response(201, WorkerSchema)
    def post(self, body: dict[str, Any]) -> WorkerRead:
        """Create an account (supervisor: grid workers of their area; admin: anyone in their area)."""
        password = body.pop("password", None)
        return workers.create_worker(uow(), caller=caller(), data=WorkerData(**body), password=password)


@blp.route("/<id:worker_id>")
class WorkerItem(MethodView):
    @blp.response(200, WorkerSchema)
    def get(self, worker_id: int) -> WorkerRead:
        return workers.get_worker(uow(), caller=caller(), worker_id=worker_id)

    @blp.arguments(WorkerPatchSchema(partial=True))
    @blp.response(200, WorkerSchema)
    def patch(self, body: dict[str, Any], worker_id: int) -> WorkerRead:
        """Change an account; a new password, a new role or deactivation ends its sessions."""
        password = body.pop("password", None)
        if "grid_codes" in body:
            body["grid_codes"] = tuple(body["grid_codes"])
        return workers.update_worker(
            uow(), caller=caller(), worker_id=worker_id, changes=body, password=password
        )
