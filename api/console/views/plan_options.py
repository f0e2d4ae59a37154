"""Options on planning day beside the shortfall (issue 20): what each remedy would do for the short grids,
solved, and a form to apply some. Through the services the API uses (`plan_options`, `option_apply`)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.web import arg, caller, month_arg, refused
from api.runtime import runtime, uow
from visitsvc.kernel.errors import Conflict, Invalid, NotFound
from visitsvc.kernel.month import Month
from visitsvc.planning import option_apply, plan_options

REMEDY_NAMES = {
    "reach": "扩大同事支援范围",
    "calls": "高风险人员每周上门改电话",
    "hours": "增加网格员探访工时",
    "outside": "外部力量（合作机构、志愿者）",
}


@blp.get("/plans/options", endpoint="plan_options")
def options_page() -> ResponseReturnValue:
    month = month_arg() or Month.of(runtime().clock.today())
    answer: dict[str, Any] | None
    try:
        answer = plan_options.options(
            uow(), caller=caller(), month=month, area_code=arg("area"), settings=plan_options.OPTION_SETTINGS
        )
    except NotFound:
        answer = None
    return render_template(
        "console/plan_options.html", month=month, area=arg("area"), answer=answer, names=REMEDY_NAMES
    )


@blp.post("/plans/options/apply", endpoint="plan_options_apply")
def options_apply() -> ResponseReturnValue:
    month = month_arg() or Month.of(runtime().clock.today())
    area = request.form.get("area") or None
    try:
        applied = option_apply.apply_options(
            uow(), caller=caller(), month=month, kinds=request.form.getlist("remedies"), area_code=area,
            settings=plan_options.OPTION_SETTINGS,
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        return refused(error, "console.plan_options")
    short = sum(applied["visits_short_after"].values())
    flash(f"已采用措施，生成计划第 {applied['version']} 版；原缺口网格仍有 {short} 次探访未排入", "ok")
    return redirect(url_for("console.plan_options", month=str(month), area=area), code=303)
