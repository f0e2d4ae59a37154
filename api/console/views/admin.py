"""Plans (versions, their diff, the shortfall), the scheduler's runs and the audit log. Who may read which is
the services' rule: the job runs and the audit log are for admins (others get the 403 page)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.web import arg, caller, date_arg, int_arg, month_arg, query_without
from api.runtime import runtime, uow
from visitsvc.accounts import audit
from visitsvc.infrastructure.repositories.audit import AuditFilter
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.month import Month
from visitsvc.oversight import job_runs as jobs
from visitsvc.planning import plan_reports

PAGE = 50


@blp.get("/plans", endpoint="plans")
def plan_versions() -> ResponseReturnValue:
    who = caller()
    month = month_arg() or Month.of(runtime().clock.today())
    versions = plan_reports.list_versions(uow(), caller=who, month=month)
    diff: dict[str, Any] | None = None
    to_number = int_arg("to") or (versions[-1].number if versions else None)
    from_number = int_arg("from") or (to_number - 1 if to_number and to_number > 1 else None)
    if from_number is not None and to_number is not None:
        diff = plan_reports.diff(uow(), caller=who, month=month, from_number=from_number, to_number=to_number)
    shortfall: dict[str, Any] | None
    try:
        shortfall = plan_reports.shortfall(uow(), caller=who, month=month, area_code=arg("area"))
    except NotFound:
        shortfall = None
    return render_template(
        "console/plans.html",
        month=month,
        versions=versions,
        diff=diff,
        from_number=from_number,
        to_number=to_number,
        shortfall=shortfall,
    )


@blp.get("/jobs", endpoint="jobs")
def job_runs() -> ResponseReturnValue:
    runs, after = jobs.list_runs(uow(), caller=caller(), limit=PAGE, before_id=int_arg("cursor"))
    return render_template("console/jobs.html", runs=runs, next_cursor=after)


@blp.get("/audit", endpoint="audit")
def audit_log() -> ResponseReturnValue:
    since, until = date_arg("since"), date_arg("until")
    flt = AuditFilter(
        actor_id=int_arg("actor"),
        action=arg("action"),
        record_type=arg("record_type"),
        record_id=arg("record_id"),
        since=None if since is None else datetime.combine(since, time(), SHANGHAI),
        until=None if until is None else datetime.combine(until, time(), SHANGHAI) + timedelta(days=1),
    )
    who = caller()
    items, after = audit.list_audit(uow(), caller=who, flt=flt, limit=PAGE, before_id=int_arg("cursor"))
    names = audit.actor_names(uow(), caller=who, actor_ids={e.actor_id for e in items if e.actor_id})
    return render_template(
        "console/audit.html", items=items, next_cursor=after, more=query_without("cursor"), flt=flt,
        since=since, until=until, actions=ACTIONS, names=names,
    )  # fmt: skip


ACTIONS = {
    "elder.unmask": "查看完整信息",
    "ledger.export": "导出台账",
    "ledger.import.elders": "导入台账",
    "elder.search_id_number": "按身份证号查询",
    "route.phone_shown": "路线显示电话",
    "elder.refuses_contact": "登记拒绝一切联系",
    "plan.move": "调整计划",
    "elder.status": "状态变更",
    "elder.update": "修改台账",
    "elder.create": "新增老人",
    "area.policy": "修改探访规则",
}
