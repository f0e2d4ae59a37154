from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.common import PageArgs, StrictSchema, page_of
from visitsvc.oversight import job_runs

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="定时任务运行记录（管理员）")


class JobRunSchema(StrictSchema):
    id = fields.Integer()
    job = fields.String()
    period = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    outcome = fields.String()
    summary = fields.Dict()


@blp.route("")
class Jobs(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(JobRunSchema))
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Each scheduled run: job, period, start, end, outcome and summary; newest first."""
        items, next_id = job_runs.list_runs(
            uow(), caller=caller(), limit=query["limit"], before_id=query["cursor"]
        )
        return {"items": items, "next_cursor": next_id}
