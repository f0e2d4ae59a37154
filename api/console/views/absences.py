"""A worker's absences at the desk: planned leave or training ahead, or a sick call taken this morning, which
re-plans that worker's day at once. Through the services the API uses: `sick_report.report_absence` (the
absence, then today's re-plan when it covers today) and `absences.delete_absence` (only before it starts)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.forms import FormReader, FormState
from api.console.labels import label
from api.console.pickers import grid_workers
from api.console.web import caller, int_arg, refused
from api.runtime import runtime, uow
from visitsvc.field import sick_report
from visitsvc.field.sick_report import AbsenceReport
from visitsvc.kernel.errors import Conflict, Invalid
from visitsvc.model import AbsenceKind
from visitsvc.register import absences, workers

NOTE_LENGTH = 200  # as the API's AbsenceInSchema


@blp.get("/absences")
def absences_page() -> ResponseReturnValue:
    return _page(int_arg("worker"))


@blp.post("/workers/<id:worker_id>/absences")
def absence_add(worker_id: int) -> ResponseReturnValue:
    form = FormReader()
    kind = form.choice("kind", AbsenceKind)
    first_day = form.day("first_day")
    last_day = form.day("last_day")
    note = form.text("note", max_length=NOTE_LENGTH)
    try:
        form.check()
        if kind is None or first_day is None or last_day is None:  # form.check() refused these already
            raise Invalid("输入有误")
        report = sick_report.report_absence(
            uow(), caller=caller(), worker_id=worker_id, first_day=first_day, last_day=last_day, kind=kind,
            note=note,
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        return _page(worker_id, FormState.refused("absence", error))
    flash(_said(report), "ok" if report.replan is None or report.replan.done else "error")
    return redirect(url_for("console.absences_page", worker=worker_id), code=303)


@blp.post("/workers/<id:worker_id>/absences/<id:absence_id>/delete")
def absence_delete(worker_id: int, absence_id: int) -> ResponseReturnValue:
    try:
        absences.delete_absence(uow(), caller=caller(), worker_id=worker_id, absence_id=absence_id)
    except (Invalid, Conflict) as error:
        return refused(error, "console.absences_page")
    flash("请假已撤销，今晚的重新规划会把探访排回", "ok")
    return redirect(url_for("console.absences_page", worker=worker_id), code=303)


def _said(report: AbsenceReport) -> str:
    a = report.absence
    days = a.first_day.isoformat() if a.first_day == a.last_day else f"{a.first_day} 至 {a.last_day}"
    stored = f"已登记{label(a.kind)}：{days}"
    replan = report.replan
    if replan is None:
        return f"{stored}；今晚的重新规划会把这几天的探访改派"
    if not replan.done:
        return f"{stored}；但今天的探访未能立即重新安排：{replan.message}"
    if not replan.created:
        return f"{stored}；今天没有需要改派的探访"
    return (
        f"{stored}；已立即重新安排（计划第 {replan.version} 版）：{replan.moved} 次探访改期或改派，"
        f"其中 {replan.to_colleagues} 次由其他网格的同事承担"
    )


def _page(worker_id: int | None, form: FormState | None = None) -> ResponseReturnValue:
    who = caller()
    worker = listed = None
    if worker_id is not None:
        worker = workers.get_worker(uow(), caller=who, worker_id=worker_id)  # NotFound outside the area
        listed = absences.list_absences(uow(), caller=who, worker_id=worker_id)
    page = render_template(
        "console/absences.html",
        workers=grid_workers(who),
        worker=worker,
        absences=listed,
        kinds=list(AbsenceKind),
        today=runtime().clock.today(),
        form=form,
    )
    return (page, form.status) if form else page
