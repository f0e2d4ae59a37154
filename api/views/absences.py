"""Absences of workers: recorded by supervisors, or reported by a worker for themself."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.absences import AbsenceInSchema, AbsenceSchema
from visitsvc.kernel.errors import Forbidden
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
    @blp.response(201, AbsenceSchema)
    def post(self, body: dict[str, Any]) -> AbsenceRead:
        """A grid worker reports being away (a sick day in the morning)."""
        me = caller()
        if me.worker_id is None:
            raise Forbidden("仅限登录的工作人员")
        return absences.add_absence(uow(), caller=me, worker_id=me.worker_id, **body)
