"""Appointments (预约): an agreed day and window for a person's next home visit, recorded by the office or a
worker; listed, cancelled; and a worker's call-ahead list for the next working day."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import caller, uow
from api.schemas.appointments import (
    AppointmentInSchema,
    AppointmentPageSchema,
    AppointmentQuery,
    AppointmentSchema,
    CallAheadQuery,
    CallAheadSchema,
    to_input,
)
from api.schemas.common import ErrorSchema
from visitsvc.field import appointments, call_ahead
from visitsvc.field.appointments import AppointmentRead
from visitsvc.field.call_ahead import CallAheadList

blp = Blueprint("appointments", __name__, url_prefix="/api/v1", description="预约上门与电话预约")


@blp.route("/appointments")
class Appointments(MethodView):
    @blp.arguments(AppointmentQuery, location="query")
    @blp.response(200, AppointmentPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The appointments of the caller's people, oldest first; `worker_id`: of that worker's grids."""
        items, after = appointments.list_appointments(
            uow(), caller=caller(), month=query["month"], elder_id=query["elder_id"],
            worker_id=query["worker_id"], state=query["state"], limit=query["limit"], after=query["cursor"],
        )  # fmt: skip
        return {"items": items, "next_cursor": after}

    @blp.arguments(AppointmentInSchema)
    @blp.response(201, AppointmentSchema)
    @blp.alt_response(
        200, schema=AppointmentSchema, description="已记录过（同一 client_id、同一内容）：原预约"
    )
    @blp.alt_response(409, schema=ErrorSchema, description="同一 client_id 已用于内容不同的预约")
    def post(self, body: dict[str, Any]) -> tuple[AppointmentRead, int]:
        """Record an agreed day and window (07:00-20:00, a working day from today on) for the person's next
        home visit, or a call ahead nobody answered (`result: no_answer`, no window). Every plan and re-plan
        puts that visit on the day within the window; a new agreement replaces the person's earlier one.
        Exactly once per `client_id` (made by the server when the office leaves it out)."""
        client_id = appointments.new_client_id() if body["client_id"] is None else str(body["client_id"])
        recorded = appointments.record_appointment(uow(), caller=caller(), item=to_input(body, client_id))
        return recorded.appointment, 201 if recorded.created else 200


@blp.route("/appointments/<id:appointment_id>")
class AppointmentItem(MethodView):
    @blp.response(200, AppointmentSchema)
    def get(self, appointment_id: int) -> AppointmentRead:
        """One appointment of the caller's people."""
        return appointments.get_appointment(uow(), caller=caller(), appointment_id=appointment_id)

    @blp.response(200, AppointmentSchema)
    def delete(self, appointment_id: int) -> AppointmentRead:
        """Call the agreed visit off (state cancelled): the next re-plan no longer keeps it."""
        return appointments.cancel_appointment(uow(), caller=caller(), appointment_id=appointment_id)


@blp.route("/me/call-ahead")
class MyCallAhead(MethodView):
    @blp.arguments(CallAheadQuery, location="query")
    @blp.response(200, CallAheadSchema)
    def get(self, query: dict[str, Any]) -> tuple[CallAheadList, int, dict[str, str]]:
        """明日需预约: the caller's home visits of a day (default: the next working day after today)
        without an agreed appointment, with the last unanswered call ahead. A stop's phone is unmasked
        (one's own stop), audited once a day as the route's are."""
        result = call_ahead.call_ahead(uow(), caller=caller(), day=query["day"])
        return result, 200, {"Cache-Control": "no-store"}
