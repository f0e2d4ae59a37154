"""Appointments (预约) at the desk: the office agrees a day and window for a person's next home visit after a
call, on the person's page, and cancels one. Through h-appt's `field.appointments` service, as the API's
`POST /appointments` and `DELETE /appointments/<id>`: scoped like the person, audited, and exactly once per
client_id, which the page makes when it is drawn, so a form sent twice (a double click, a resend) is stored
once."""

from __future__ import annotations

import uuid

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.forms import FormReader, FormState
from api.console.views.elders import profile
from api.console.web import caller
from api.runtime import uow
from visitsvc.field import appointments
from visitsvc.field.appointment_input import AppointmentInput
from visitsvc.kernel.errors import Conflict, Invalid, NotFound

NOTE_LENGTH = 200  # as the API's AppointmentInSchema


@blp.post("/elders/<id:elder_id>/appointments")
def appointment_add(elder_id: int) -> ResponseReturnValue:
    form = FormReader()
    day = form.day("day")
    start = form.clock_time("window_start")
    end = form.clock_time("window_end")
    note = form.text("note", max_length=NOTE_LENGTH)
    try:
        client_id = str(uuid.UUID(request.form.get("client_id", "")))
    except ValueError:
        client_id = appointments.new_client_id()  # a page drawn without one: no retry to recognise
    try:
        form.check()
        if day is None:  # form.check() refused it already
            raise Invalid("输入有误")
        item = AppointmentInput(client_id, elder_id, day, start, end, note)
        recorded = appointments.record_appointment(uow(), caller=caller(), item=item)
    except (Invalid, Conflict) as error:
        return profile(elder_id, form=FormState.refused("appointment", error))
    a = recorded.appointment
    window = f"{a.window_start:%H:%M}–{a.window_end:%H:%M}" if a.window_start and a.window_end else ""
    said = "已约定" if recorded.created else "该预约已记录过"
    flash(f"{said}：{a.day.isoformat()} {window} 上门", "ok")
    return redirect(url_for("console.elder", elder_id=elder_id) + "#appointments", code=303)


@blp.post("/elders/<id:elder_id>/appointments/<id:appointment_id>/cancel")
def appointment_cancel(elder_id: int, appointment_id: int) -> ResponseReturnValue:
    if (
        appointments.get_appointment(uow(), caller=caller(), appointment_id=appointment_id).elder_id
        != elder_id
    ):
        raise NotFound("预约不存在")  # another person's appointment under this person's page
    try:
        cancelled = appointments.cancel_appointment(uow(), caller=caller(), appointment_id=appointment_id)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(f"已取消 {cancelled.day.isoformat()} 的预约", "ok")
    return redirect(url_for("console.elder", elder_id=elder_id) + "#appointments", code=303)
