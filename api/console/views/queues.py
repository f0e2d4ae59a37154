"""The supervisor's queues and their decisions: follow-ups, proof-of-visit flags, status-change proposals and
late records in quarantine. Every rule (who, once only, audit) is in oversight.review_queues/decisions."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from api.console.blueprint import blp
from api.console.web import (
    arg,
    caller,
    date_arg,
    done,
    enum_arg,
    int_arg,
    month_arg,
    need,
    query_without,
    refused,
)
from api.runtime import runtime, uow
from visitsvc.kernel.errors import Conflict, Invalid, invalid_field
from visitsvc.model import FlagState, FollowUpStatus, ProposalState
from visitsvc.oversight import decisions, review_queues

TABS = {"followups": "跟进事项", "flags": "核查标记", "proposals": "状态变更", "quarantine": "迟到记录"}
PAGE = 50


@blp.get("/queues")
def queues() -> ResponseReturnValue:
    who = caller()
    tab = arg("tab") or "followups"
    if tab not in TABS:
        raise invalid_field("tab", "不是可选的值")
    area, cursor, month = arg("area"), int_arg("cursor"), month_arg()
    items: list[object]
    if tab == "followups":
        status = enum_arg("status", FollowUpStatus)
        found, after = review_queues.list_follow_ups(
            uow(), caller=who, area_code=area, status=status, month=month, limit=PAGE, after=cursor
        )
        items, selected = list(found), (status.value if status else "")
    elif tab == "flags":
        state = enum_arg("state", FlagState) if arg("state") != "all" else None
        state = FlagState.OPEN if arg("state") is None else state
        flags, after = review_queues.list_flags(
            uow(), caller=who, month=month, area_code=area, state=state, limit=PAGE, after_id=cursor
        )
        items, selected = list(flags), (state.value if state else "all")
    elif tab == "proposals":
        pstate = enum_arg("state", ProposalState) if arg("state") != "all" else None
        pstate = ProposalState.PENDING if arg("state") is None else pstate
        proposals, after = review_queues.list_proposals(
            uow(), caller=who, area_code=area, state=pstate, limit=PAGE, after_id=cursor
        )
        items, selected = list(proposals), (pstate.value if pstate else "all")
    else:
        records, after = decisions.list_quarantine(
            uow(), caller=who, area_code=area, month=month, limit=PAGE, after_id=cursor
        )
        items, selected = list(records), ""
    return render_template(
        "console/queues.html",
        tab=tab,
        tabs=TABS,
        items=items,
        next_cursor=after,
        selected=selected,
        more=query_without("cursor"),
        here=request.full_path,
        today=runtime().clock.today(),
        statuses=list(FollowUpStatus),
    )


def _decide(run: Callable[[], object], message: str) -> Response:
    try:
        run()
    except (Invalid, Conflict) as error:
        return refused(error, "console.queues")
    return done(message, "console.queues")


@blp.post("/followups/<id:item_id>")
def follow_up_update(item_id: int) -> ResponseReturnValue:
    status = need(enum_arg("status", FollowUpStatus), "status")
    return _decide(
        lambda: review_queues.update_follow_up(
            uow(), caller=caller(), follow_up_id=item_id, status=status, note=arg("note")
        ),
        f"跟进事项已改为“{status.value}”",
    )


@blp.post("/flags/<id:item_id>/<any(accept, dismiss):decision>")
def flag_decide(item_id: int, decision: str) -> ResponseReturnValue:
    decide = review_queues.accept_location if decision == "accept" else review_queues.dismiss_flag
    return _decide(lambda: decide(uow(), caller=caller(), flag_id=item_id), "核查标记已处理")


@blp.post("/proposals/<id:item_id>/<any(confirm, reject):decision>")
def proposal_decide(item_id: int, decision: str) -> ResponseReturnValue:
    who, note = caller(), arg("note")
    if decision == "reject":
        return _decide(
            lambda: review_queues.reject_proposal(uow(), caller=who, proposal_id=item_id, note=note), "已驳回"
        )
    effective = need(date_arg("effective_date"), "effective_date", "请填写生效日期")
    return _decide(
        lambda: review_queues.confirm_proposal(
            uow(), caller=who, proposal_id=item_id, effective_date=effective, note=note
        ),
        "已确认，状态已变更",
    )


@blp.post("/quarantine/<id:item_id>/<any(accept, reject):decision>")
def quarantine_decide(item_id: int, decision: str) -> ResponseReturnValue:
    decide = decisions.accept_quarantined if decision == "accept" else decisions.reject_quarantined
    return _decide(
        lambda: decide(uow(), caller=caller(), visit_id=item_id, note=arg("note")),
        "迟到记录已计入" if decision == "accept" else "迟到记录已驳回（保留但不计入）",
    )
