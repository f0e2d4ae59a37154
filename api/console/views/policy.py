"""The area admin's visit policy: the areas of the caller's subtree, and for each its effective rules, its own
settings and where each inherited value comes from; admins change them (`area_policy.set_policy`, the same
service as the API's PUT), supervisors read."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.forms import FormState
from api.console.web import caller
from api.runtime import uow
from visitsvc.kernel.errors import Invalid
from visitsvc.model import AreaLevel
from visitsvc.model.area_policy import RANGES
from visitsvc.planning import area_policy
from visitsvc.planning.policy_settings import FLAGS, PARAMETERS, validate
from visitsvc.register import areas

NAMES = {
    "high_risk_min_age": "高风险年龄（岁及以上）",
    "new_elder_workdays": "新登记老人首访期限（工作日）",
    "back_from_hospital_workdays": "出院后探访期限（工作日）",
    "min_workdays_in_week": "每周最少工作日（不足并入相邻周）",
    "substitute_phone": "人手不足时低风险上门可改电话",
    "weekly_home_to_calls_when_short": "人手不足时高风险每周上门（当月首次除外）可改电话",
    "reach_minutes": "同事可接手的单程时间（分钟）",
}
INHERIT = ""  # the form's value for "no own setting"


@blp.get("/areas", endpoint="areas")
def area_list() -> ResponseReturnValue:
    listed = [a for a in areas.list_areas(uow(), caller=caller()) if a.level is not AreaLevel.GRID]
    return render_template("console/areas.html", areas=listed)


@blp.get("/areas/<id:area_id>/policy", endpoint="area_policy")
def policy_page(area_id: int) -> ResponseReturnValue:
    return _page(area_id)


@blp.post("/areas/<id:area_id>/policy")
def policy_save(area_id: int) -> ResponseReturnValue:
    values, errors = _read_form()
    # Every field's problem at once: what the form could not read, and what the service would refuse.
    errors.update(validate({name: v for name, v in values.items() if name not in errors}))
    try:
        if errors:
            raise Invalid("输入有误", errors=errors)
        area_policy.set_policy(uow(), caller=caller(), area_id=area_id, values=values)
    except Invalid as error:
        return _page(area_id, FormState.refused("policy", error))
    flash("探访规则已保存；该区域下月度计划和每晚重新规划将按新规则运行", "ok")
    return redirect(url_for("console.area_policy", area_id=area_id), code=303)


def _read_form() -> tuple[dict[str, int | bool | None], dict[str, list[str]]]:
    values: dict[str, int | bool | None] = {}
    errors: dict[str, list[str]] = {}
    for name in PARAMETERS:
        raw = request.form.get(name, INHERIT).strip()
        if raw == INHERIT:
            values[name] = None
        elif name in FLAGS:
            if raw not in ("true", "false"):
                errors[name] = ["请选择"]
            values[name] = raw == "true"
        elif raw.isascii() and raw.isdigit() and len(raw) <= 4:  # "²" is a digit, not an int
            values[name] = int(raw)
        else:
            low, high = RANGES[name]
            errors[name] = [f"须为 {low} 到 {high} 之间的整数，或留空继承上级"]
    return values, errors


def _page(area_id: int, form: FormState | None = None) -> ResponseReturnValue:
    policy = area_policy.get_policy(uow(), caller=caller(), area_id=area_id)  # 404 outside, 403 grid worker
    page = render_template(
        "console/area_policy.html", policy=policy, names=NAMES, flags=FLAGS, ranges=RANGES, form=form
    )
    return (page, form.status) if form else page
