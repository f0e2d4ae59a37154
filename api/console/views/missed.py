"""Missed and at risk: coverable people not yet covered, and what a supervisor does about them (move the
visit through the moves service, which the routing checker validates; record a refusal of all contact)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.pickers import areas_of, grid_workers
from api.console.web import (
    arg,
    back_target,
    bool_arg,
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
from visitsvc.kernel.errors import Conflict, Invalid
from visitsvc.kernel.month import Month
from visitsvc.model import Category
from visitsvc.oversight import coverage_tables, decisions, elder_activity
from visitsvc.oversight.coverage_tables import MissedFilter
from visitsvc.planning import moves
from visitsvc.planning.coverage import Missing
from visitsvc.register import elder_reads

PAGE = 50


@blp.get("/missed")
def missed() -> ResponseReturnValue:
    who = caller()
    month = month_arg() or Month.of(runtime().clock.today())
    flt = MissedFilter(
        enum_arg("category", Category), int_arg("worker"), enum_arg("reason", Missing), bool_arg("at_risk")
    )
    page = coverage_tables.missed(
        uow(), caller=who, month=month, area_code=arg("area"), flt=flt, limit=PAGE, after_id=int_arg("cursor")
    )
    return render_template(
        "console/missed.html",
        month=month,
        page=page,
        flt=flt,
        area=arg("area"),
        areas=areas_of(who),
        workers=grid_workers(who),
        categories=list(Category),
        reasons=list(Missing),
        more=query_without("cursor"),
        here=request.full_path,
    )


@blp.get("/elders/<id:elder_id>/move")
def move_form(elder_id: int) -> ResponseReturnValue:
    """The person's plan entries of the month, each with a form to hand it to another worker or day."""
    who = caller()
    month = month_arg() or Month.of(runtime().clock.today())
    elder = elder_reads.get_elder(uow(), caller=who, elder_id=elder_id)
    activity = elder_activity.elder_activity(uow(), caller=who, elder_id=elder_id, month=month)
    return render_template(
        "console/move.html",
        month=month,
        elder=elder,
        activity=activity,
        workers=grid_workers(who),
        today=runtime().clock.today(),
        here=request.path + f"?month={month}",
        confirm={  # a move of an agreed visit, waiting for its confirming click
            "visit": int_arg("confirm_visit"),
            "to_worker_id": int_arg("to_worker_id"),
            "to_date": date_arg("to_date"),
        },
    )


@blp.post("/moves")
def move() -> ResponseReturnValue:
    month, visit = need(month_arg(), "month"), need(int_arg("planned_visit_id"), "planned_visit_id")
    to_worker, to_date = int_arg("to_worker_id"), date_arg("to_date")
    spec = [moves.Move(visit, to_worker, to_date)]
    try:
        result = moves.move_visits(
            uow(), caller=caller(), month=month, moves=spec, confirm=bool_arg("confirm") or False
        )
    except Conflict as error:
        if error.code != "appointment":
            return refused(error, "console.missed")
        # A visit agreed with the person (预约): said first, then moved only on a second, confirmed click. The
        # page it came from offers that click for this entry (ids and a date in the query, nothing personal).
        agreed = next(iter(error.errors.values()))[0]
        flash(
            f"{agreed}。移到其他日期会取消该预约（需重新与老人约定），当天交给同事则保留约定时间；"
            "确认请点“确认移动”。",
            "error",
        )
        pending = {"confirm_visit": visit, "to_worker_id": to_worker, "to_date": to_date}
        query = urlencode({k: v for k, v in pending.items() if v is not None})
        target = back_target("console.missed")
        return redirect(f"{target}{'&' if '?' in target else '?'}{query}", code=303)
    except Invalid as error:
        return refused(error, "console.missed")
    moved = result.moved[0]
    return done(
        f"已调整：{moved.date.isoformat()} 第 {moved.seq} 站（计划第 {result.version} 版）", "console.missed"
    )


@blp.post("/elders/<id:elder_id>/refuses-contact")
def refuses_contact(elder_id: int) -> ResponseReturnValue:
    try:
        decisions.mark_refuses_contact(
            uow(), caller=caller(), elder_id=elder_id, reason=arg("reason") or "", since=date_arg("since")
        )
    except (Invalid, Conflict) as error:
        return refused(error, "console.missed")
    return done("已登记为拒绝一切联系，本月起不计入应覆盖", "console.missed")
