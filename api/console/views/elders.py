"""An elder's profile: the register entry (masked; unmasked on request for those allowed, audited by the
service), the status history, the visits with their findings, open follow-ups and the month's plan; and the
desk's actions on the person: a status change with its effective date, through the register service the API
uses (it checks, keeps the history and audits), and appointments (views/appointments.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.forms import FormReader, FormState
from api.console.labels import label
from api.console.web import caller, month_arg
from api.runtime import runtime, uow
from visitsvc.field import appointments
from visitsvc.kernel.errors import Conflict, Invalid
from visitsvc.kernel.month import Month
from visitsvc.model import ElderStatus
from visitsvc.oversight import elder_activity
from visitsvc.register import elder_reads, elders

REASON_LENGTH = 500  # as the API's StatusInSchema
APPOINTMENTS = 200  # the person's appointments shown (one page of the service's; a person has a few a year)


@blp.get("/elders/<id:elder_id>")
def elder(elder_id: int) -> ResponseReturnValue:
    return profile(elder_id, unmask=False)


@blp.post("/elders/<id:elder_id>/unmask")
def elder_unmasked(elder_id: int) -> ResponseReturnValue:
    """A POST, so that the unmasked page is never a bookmark, a history entry or a log line."""
    return profile(elder_id, unmask=True)


@blp.post("/elders/<id:elder_id>/status")
def elder_status(elder_id: int) -> ResponseReturnValue:
    """In hospital, home again, deceased, moved out: from the date it took effect. A refused change is the
    profile again with each message beside its field, and nothing stored."""
    form = FormReader()
    status = form.choice("status", ElderStatus)
    effective = form.day("effective_date")
    reason = form.text("reason", max_length=REASON_LENGTH, required=True)
    try:
        form.check()
        if status is None or effective is None or reason is None:  # form.check() refused these already
            raise Invalid("输入有误")
        change = elders.change_status(
            uow(), caller=caller(), elder_id=elder_id, status=status, effective=effective, reason=reason
        )
    except (Invalid, Conflict) as error:
        return profile(elder_id, unmask=False, form=FormState.refused("status", error))
    flash(f"状态已变更为“{label(change.to_status)}”，自 {change.effective_date.isoformat()} 起生效", "ok")
    return redirect(url_for("console.elder", elder_id=elder_id), code=303)


def profile(elder_id: int, *, unmask: bool = False, form: FormState | None = None) -> ResponseReturnValue:
    """The page, with a refused form's values and errors when there is one (and its status: 422 or 409)."""
    who = caller()
    month = month_arg() or Month.of(runtime().clock.today())
    person = elder_reads.get_elder(uow(), caller=who, elder_id=elder_id, unmask=unmask)
    history = elders.status_history(uow(), caller=who, elder_id=elder_id)
    activity = elder_activity.elder_activity(uow(), caller=who, elder_id=elder_id, month=month)
    booked, _ = appointments.list_appointments(uow(), caller=who, elder_id=elder_id, limit=APPOINTMENTS)
    page = render_template(
        "console/elder.html",
        month=month,
        elder=person,
        history=history,
        activity=activity,
        may_unmask=who.may_unmask,
        today=runtime().clock.today(),
        statuses=[s for s in ElderStatus if s is not person.status],
        appointments=sorted(booked, key=lambda a: a.created_at, reverse=True),
        client_id=appointments.new_client_id(),
        form=form,
    )
    return (page, form.status) if form else page
