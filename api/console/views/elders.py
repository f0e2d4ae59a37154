"""An elder's profile: the register entry (masked; unmasked on request for those allowed, audited by the
service), the status history, the visits with their findings, open follow-ups and the month's plan."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.web import caller, month_arg
from api.runtime import runtime, uow
from visitsvc.kernel.month import Month
from visitsvc.oversight import elder_activity
from visitsvc.register import elder_reads, elders


@blp.get("/elders/<id:elder_id>")
def elder(elder_id: int) -> ResponseReturnValue:
    return _profile(elder_id, unmask=False)


@blp.post("/elders/<id:elder_id>/unmask")
def elder_unmasked(elder_id: int) -> ResponseReturnValue:
    """A POST, so that the unmasked page is never a bookmark, a history entry or a log line."""
    return _profile(elder_id, unmask=True)


def _profile(elder_id: int, *, unmask: bool) -> ResponseReturnValue:
    who = caller()
    month = month_arg() or Month.of(runtime().clock.today())
    person = elder_reads.get_elder(uow(), caller=who, elder_id=elder_id, unmask=unmask)
    history = elders.status_history(uow(), caller=who, elder_id=elder_id)
    activity = elder_activity.elder_activity(uow(), caller=who, elder_id=elder_id, month=month)
    return render_template(
        "console/elder.html",
        month=month,
        elder=person,
        history=history,
        activity=activity,
        may_unmask=who.may_unmask,
        today=runtime().clock.today(),
    )
