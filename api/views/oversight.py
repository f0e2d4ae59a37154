"""A supervisor's month over HTTP: coverage, the missed list, manual moves, the monthly report."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from api.blueprint import Blueprint
from api.downloads import attachment
from api.runtime import caller, uow
from api.schemas.common import FILE, ErrorSchema, month_in_path
from api.schemas.oversight import (
    CoverageQuery,
    CoverageSchema,
    MissedPageSchema,
    MissedQuery,
    MovesInSchema,
    MovesOutSchema,
    ReportQuery,
)
from visitsvc.oversight import coverage_tables, monthly_report
from visitsvc.oversight.coverage_tables import CoverageRead, MissedFilter, MissedPage
from visitsvc.planning import moves
from visitsvc.planning.moves import Move, MoveAll, MovesRead

blp = Blueprint(
    "oversight", __name__, url_prefix="/api/v1", description="督导：覆盖率、未覆盖名单、调整计划、月报"
)


@blp.route("/coverage")
class Coverage(MethodView):
    @blp.arguments(CoverageQuery, location="query")
    @blp.response(200, CoverageSchema)
    def get(self, query: dict[str, Any]) -> CoverageRead:
        """Coverage of a month per child area (streets of a district, communities of a street, grids of a
        community), per category and in total, with the reasons of everyone not covered or not coverable."""
        return coverage_tables.coverage_table(
            uow(), caller=caller(), month=query["month"], area_code=query["area"]
        )


@blp.route("/missed")
class Missed(MethodView):
    @blp.arguments(MissedQuery, location="query")
    @blp.response(200, MissedPageSchema)
    def get(self, query: dict[str, Any]) -> MissedPage:
        """Every coverable person not yet covered this month: reason, at-risk flag, working days left, the
        next planned date and worker, the attempts so far. Ordered by elder id; pass `next_cursor` back."""
        flt = MissedFilter(query["category"], query["worker"], query["reason"], query["at_risk"])
        return coverage_tables.missed(
            uow(), caller=caller(), month=query["month"], area_code=query["area"], flt=flt,
            limit=query["limit"], after_id=query["cursor"],
        )  # fmt: skip


@blp.route("/plans/<month>/moves")
class Moves(MethodView):
    @blp.arguments(MovesInSchema)
    @blp.response(201, MovesOutSchema)
    @blp.alt_response(
        409,
        schema=ErrorSchema,
        description="接收人当日无法完成（工时、工作时间、请假、探访期限），计划正在生成，"
        "或该探访已与老人预约（appointment，加 confirm 后移动）",
    )
    def post(self, body: dict[str, Any], month: str) -> MovesRead:
        """Move planned visits to another worker or day, or all of a worker's remaining visits to another
        worker. Checked by the routing checker and written as a new plan version whose moved visits are
        pinned (kept by every re-plan)."""
        spec: list[Move] | MoveAll
        if "moves" in body:
            spec = [Move(m["planned_visit_id"], m["to_worker_id"], m["to_date"]) for m in body["moves"]]
        else:
            spec = MoveAll(body["from_worker_id"], body["to_worker_id"], body.get("from_date"))
        return moves.move_visits(
            uow(), caller=caller(), month=month_in_path(month), moves=spec, confirm=body["confirm"]
        )


@blp.route("/reports/monthly.xlsx")
class MonthlyReport(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, FILE, content_type=monthly_report.XLSX)
    def get(self, query: dict[str, Any]) -> Response:
        """The month's statistics as XLSX: 覆盖率, 未覆盖名单 (masked), 核查标记, 跟进事项. Audited."""
        report = monthly_report.monthly_report(
            uow(), caller=caller(), month=query["month"], area_code=query["area"]
        )
        return attachment(report)
