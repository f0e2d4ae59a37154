"""Absences of workers: recorded by supervisors, or reported by a worker for themself."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.absences import AbsenceInSchema, AbsenceReportSchema, AbsenceSchema
from visitsvc.field import sick_report
from visitsvc.register import absences
from visitsvc.register.absences import AbsenceRead

blp = Blueprint("absences", __name__, url_prefix="/api/v1", description="请假、病假与培训")


@blp.route("/workers/<id:worker_id>/absences")
class WorkerAbsences(MethodView):
    @blp.response(200, AbsenceSchema(many=True))
    def get(self, worker_id: int) -> list[AbsenceRead]:
        return absences.list_absences(uow(), caller=caller(), worker_id=worker_id)

    @blp.arguments(AbsenceInSchema)
    @blp.response(201, AbsenceSchema)
    def post(self, body: dict[str, Any], worker_id: int) -> AbsenceRead:
        """Record a worker's absence; the next re-plan moves their visits."""
        return absences.add_absence(uow(), caller=caller(), worker_id=worker_id, **body)


@blp.route("/workers/<id:worker_id>/absences/<id:absence_id>")
class WorkerAbsence(MethodView):
    @blp.response(204)
    def delete(self, worker_id: int, absence_id: int) -> None:
        """Withdraw an absence that has not started yet."""
        absences.delete_absence(uow(), caller=caller(), worker_id=worker_id, absence_id=absence_id)


@blp.route("/me/absences")
class MyAbsences(MethodView):
    @blp.arguments(AbsenceInSchema)
    @blp.response(201, AbsenceReportSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """A grid worker reports being away (请假/报病). A future absence is stored and the nightly re-plan
        moves its visits; one that covers today also re-plans today at once, as `POST /replan` does for a
        supervisor (run as the system, audited as the worker's). The absence is stored even when that re-plan
        is refused (no plan this month, a plan run under way): `replan.done` is then false."""
        report = sick_report.report_absence(uow(), caller=caller(), **body)
        return {**asdict(report.absence), "replan": report.replan}
