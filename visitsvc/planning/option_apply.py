"""Applying options of planning day (issue 20): the remedies are stored (audited) for the month and area, and
a plan run of the area makes the new version through the normal path, which keeps them from then on.

The figures a remedy needs (the extra minutes of `hours`) are found by the same search the options showed,
with the same settings: the version made is the plan the option solved, so its shortfall is the promised one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from visitsvc.access.scoping import Caller, require_supervisor
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Invalid
from visitsvc.kernel.month import Month
from visitsvc.model import PlanRemedy
from visitsvc.planning import remedies as remedy
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.plan_options import (
    CALLS_NOTE,
    DEFAULT_RULES,
    OPTION_SETTINGS,
    OUTSIDE_NOTE,
    hours_search,
    runner,
    situation_of,
)
from visitsvc.planning.policy import PolicyRules
from visitsvc.planning.remedies import NO_REMEDIES
from visitsvc.planning.route_problems import PlanningSettings


def apply_options(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month,
    kinds: Sequence[str],
    area_code: str | None = None,
    settings: PlanningSettings = OPTION_SETTINGS,
    rules: PolicyRules = DEFAULT_RULES,
    executor: str | Any = "serial",
) -> dict[str, Any]:
    """Store the chosen remedies for the month of the caller's area (or `area_code`'s) and plan it again;
    the new version and, per grid of the area, the visits and people left out for capacity after it."""
    require_supervisor(caller)
    chosen = _checked(kinds)
    situation = situation_of(uow, caller, month, area_code)
    params: dict[str, dict[str, Any]] = {kind: {} for kind in chosen}
    if remedy.HOURS in chosen and situation.grids:
        run = runner(uow, caller, month, situation, settings, rules, executor)
        extra, _ = hours_search(run, run(NO_REMEDIES), situation)
        params[remedy.HOURS] = {"extra_minutes_per_day": {str(w): m for w, m in sorted(extra.items())}}
    with uow:
        path = uow.areas.scope_within(caller.scope, area_code).home_path
        for kind in chosen:
            row = PlanRemedy(
                month=str(month), area_path=path, kind=kind, params=params[kind], applied_by=caller.worker_id,
                applied_at=uow.clock.now(),
            )  # fmt: skip
            uow.remedies.add(row)
            audit.record(
                uow, caller, action="plan.remedy", record_type="plan_remedy", record_id=row.id,
                area_path=path, details={"month": str(month), "kind": kind, **params[kind]},
            )  # fmt: skip
        uow.commit()
    outcome = plan_month(
        uow, caller=caller, month=month, area_code=area_code, trigger="options", settings=settings,
        rules=rules, executor=executor,
    )  # fmt: skip
    short = Counter(u["grid"] for u in outcome.unplanned if u["reason"] == "capacity")
    return {
        "month": str(month),
        "version": outcome.version,
        "created": outcome.created,
        "moved_to_other_workers": outcome.moved_to_other_workers,
        "applied": [{"kind": kind, **params[kind]} for kind in chosen],
        # The grids short before: what the options promised for them.
        "visits_short_after": {g.code: short.get(g.code, 0) for g in situation.grids},
    }


def _checked(kinds: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(kinds))
    problems = []
    if not chosen:
        problems.append("请至少选择一项措施")
    unknown = [k for k in chosen if k not in remedy.KINDS]
    if unknown:
        problems.append(f"未知措施：{', '.join(unknown)}（可选 {', '.join(sorted(remedy.APPLICABLE))}）")
    if remedy.OUTSIDE in chosen:
        problems.append(OUTSIDE_NOTE)
    if remedy.CALLS in chosen and not remedy.calls_available():
        problems.append(CALLS_NOTE)
    if problems:
        raise Invalid("输入有误", errors={"remedies": problems})
    return chosen
