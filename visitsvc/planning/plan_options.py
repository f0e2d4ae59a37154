"""Options on planning day (issue 20): for each grid the newest plan left people out of for capacity, the
hours short and what each remedy would do, found by solving it (`month_plan.dry_run`, the path a plan run
takes), summed for the street and the whole area asked about.

Only the short grids' workers and the colleagues who may take their overflow (their street) are solved: the
rest of the area would solve as it does without the remedy. Solves are bounded by solutions, not time
(`OPTION_SETTINGS`), so that an option solved now and applied a minute later give the same plan: production's
own search (the descent of ADR 0023, the same plan on any machine), so the base an option starts from is the
plan the planning day made, and a county's overloaded workers are not searched with guided local search,
which slows down as more of a worker's visits cannot fit (ADR 0024).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from itertools import pairwise
from typing import Any

import routing
from visitsvc.access.scoping import Caller, require_supervisor
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import AreaLevel, TravelMode, VisitKind
from visitsvc.planning import remedies as remedy
from visitsvc.planning.month_plan import DryRun, Memo, dry_run
from visitsvc.planning.overflow import parent_path
from visitsvc.planning.plan_versions import executor_for, options_of
from visitsvc.planning.policy import PolicyRules
from visitsvc.planning.remedies import NO_REMEDIES, Remedies
from visitsvc.planning.route_problems import PlanningSettings, WorkerFacts, build, visit_id

OPTION_SETTINGS = PlanningSettings()
DEFAULT_RULES = PolicyRules()
HOURS_ROUNDS = 4  # solves of the extra-hours search at most: raise, solve, raise by what is still short
HOURS_STEP = 10  # minutes a day: extra hours are offered in steps a rota can follow
WORKDAYS_A_WEEK = 5
OUTSIDE_NOTE = "外部力量（合作机构、志愿者）仅给出所需工时；安排到人随第 19 号议题（合作伙伴）提供"
CALLS_NOTE = "高风险人员每周上门改电话的规则尚未启用（政策参数议题合并后提供）"


@dataclass(frozen=True, slots=True)
class ShortGrid:
    id: int
    code: str
    path: str
    street: str  # the street's (or the grid's own ancestor's) code


@dataclass(frozen=True)
class Situation:
    """What the options are about: the area, the newest version's short grids, who may be solved."""

    area_code: str | None
    version: int
    grids: tuple[ShortGrid, ...]

    def candidate(self, worker: WorkerFacts) -> bool:
        """Who is solved: overflow may go to any worker the run plans within reach (community, street, then
        the area: docs/adr/0024), so everyone; the memo of first solves makes each of them one solve."""
        return True


Run = Callable[[Remedies], DryRun]


def options(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month,
    area_code: str | None = None,
    settings: PlanningSettings = OPTION_SETTINGS,
    rules: PolicyRules = DEFAULT_RULES,
    executor: str | Any = "serial",
) -> dict[str, Any]:
    """Per short grid of the caller's area (or `area_code`'s): hours and visits short, and each remedy's
    figures, solved; the same summed per street and for the area."""
    require_supervisor(caller)
    situation = situation_of(uow, caller, month, area_code)
    run = runner(uow, caller, month, situation, settings, rules, executor)
    answer: dict[str, Any] = {
        "month": str(month),
        "area": area_code,
        "version": situation.version,
        "grids": [],
        "streets": [],
        "total": {},
        "notes": {remedy.OUTSIDE: OUTSIDE_NOTE},
    }
    if not situation.grids:
        return answer
    base = run(NO_REMEDIES)
    before = shortfall_by_grid(base, situation)
    reach = run(Remedies(reach=True))
    extra, hours = hours_search(run, base, situation)
    calls = (
        run(Remedies(calls_in=tuple(g.path for g in situation.grids))) if remedy.calls_available() else None
    )
    outside = outside_hours(base, situation, settings, executor)
    travel = travel_by_street(base, reach, situation)
    rows: list[dict[str, Any]] = []
    after = {name: shortfall_by_grid(r, situation) for name, r in (("reach", reach), ("hours", hours))}
    # A worker of several short grids is counted once, with the first of them, so that sums add up.
    first_grid = {w: next((g.code for g in situation.grids if _works_in(hours, w, g)), None) for w in extra}
    for g in situation.grids:
        worker_extra = {w: m for w, m in extra.items() if first_grid[w] == g.code}
        rows.append(
            {
                "grid": g.code,
                "street": g.street,
                **before[g.code],
                "options": {
                    remedy.REACH: {
                        "visits_moved": _moved(reach, g) - _moved(base, g),
                        **_after(after["reach"][g.code]),
                    },
                    remedy.CALLS: _calls(base, calls, situation, g),
                    remedy.HOURS: {
                        "hours_per_week": _weekly_hours(sum(worker_extra.values())),
                        "extra_minutes_per_day": {str(w): m for w, m in sorted(worker_extra.items())},
                        **_after(after["hours"][g.code]),
                    },
                    remedy.OUTSIDE: outside[g.code],
                },
            }
        )
    answer["grids"] = rows
    by_street: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_street[row["street"]].append(row)
    answer["streets"] = [
        {"street": code, **_summed(members), "travel_hours_added": travel.get(code, 0.0)}
        for code, members in sorted(by_street.items())
    ]
    # Colleagues of other streets may travel too: the area's total counts every worker solved.
    added = sum(_travel_seconds(m.problem, p) for m, p in zip(reach.months, reach.plans, strict=True)) - sum(
        _travel_seconds(m.problem, p) for m, p in zip(base.months, base.plans, strict=True)
    )
    answer["total"] = {**_summed(rows), "travel_hours_added": round(added / 3600, 2)}
    return answer


def situation_of(uow: UnitOfWork, caller: Caller, month: Month, area_code: str | None) -> Situation:
    """The newest version's grids with visits left out for capacity, in the caller's area (404 outside)."""
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        latest = uow.plans.latest(month)
        if latest is None:
            raise NotFound("该月尚无计划")
        short_ids = {u.grid_id for u in uow.plans.unplanned(latest.id) if u.reason == "capacity"}
        grids = [a for a in uow.areas.by_ids(short_ids) if scope.covers(a.path)]
        ancestors = {int(p) for g in grids for p in g.path.strip("/").split("/")}
        streets = {a.path: a.code for a in uow.areas.by_ids(ancestors) if a.level is AreaLevel.STREET}
        return Situation(
            area_code,
            latest.number,
            tuple(
                ShortGrid(g.id, g.code, g.path, streets.get(parent_path(g.path, 2), g.code))
                for g in sorted(grids, key=lambda a: a.code)
            ),
        )


def runner(
    uow: UnitOfWork,
    caller: Caller,
    month: Month,
    situation: Situation,
    settings: PlanningSettings,
    rules: PolicyRules,
    executor: str | Any,
) -> Run:
    memo: Memo = {}  # a colleague's first solve is the same under every remedy: made once

    def run(tried: Remedies) -> DryRun:
        return dry_run(
            uow, caller=caller, month=month, area_code=situation.area_code, settings=settings, rules=rules,
            remedies=tried, workers=situation.candidate, executor=executor, memo=memo,
        )  # fmt: skip

    return run


def shortfall_by_grid(run: DryRun, situation: Situation) -> dict[str, dict[str, float]]:
    """Per short grid: home visits left out for capacity and the hours they need (on site and the way to
    the nearest other home, as a day's budget counts them)."""
    load = {v.id: v.load for m in run.months for v in m.problem.visits if v.id not in m.offered}
    codes = {g.id: g.code for g in situation.grids}
    result: dict[str, dict[str, float]] = {
        g.code: {"visits_short": 0, "hours_short": 0.0} for g in situation.grids
    }
    for owed, reason in run.rows.missing:
        code = codes.get(run.grid_of[owed.elder_id][0])
        if reason != "capacity" or code is None:
            continue
        minutes = load.get(visit_id(owed), run.settings.home_minutes)
        result[code]["visits_short"] += 1
        result[code]["hours_short"] += minutes / 60
    for counts in result.values():
        counts["hours_short"] = round(counts["hours_short"], 2)
    return result


def hours_search(run: Run, base: DryRun, situation: Situation) -> tuple[dict[int, int], DryRun]:
    """(c) Extra visiting minutes a working day for the short grids' workers that make their grids fit: the
    minutes short spread over their days (at the share a plan fills), solved, raised again by what is still
    short, up to `HOURS_ROUNDS` solves or a full working day. Returns the minutes and the last solve."""
    worker_of = {g.id: _grid_worker(base, g) for g in situation.grids}
    months = {m.worker.id: m for m in base.months}
    extra: dict[int, int] = {}
    current = base
    for _ in range(HOURS_ROUNDS):
        short: dict[int, float] = defaultdict(float)
        left = shortfall_by_grid(current, situation)
        for g in situation.grids:
            worker = worker_of[g.id]
            if worker is not None:
                short[worker] += left[g.code]["hours_short"] * 60
        raised = dict(extra)
        for worker, minutes in short.items():
            if minutes <= 0:
                continue
            m = months[worker]
            span = _minutes(m.worker.work_end) - _minutes(m.worker.work_start)
            share = base.settings.first_plan_share if base.settings.retry_day else 1.0
            step = math.ceil(minutes / max(len(m.days), 1) / share / HOURS_STEP) * HOURS_STEP
            raised[worker] = min(extra.get(worker, 0) + step, max(span - m.worker.minutes_per_day, 0))
        if raised == extra:
            break
        extra = raised
        current = run(Remedies(extra_minutes=tuple(sorted(extra.items()))))
    return extra, current


def outside_hours(
    base: DryRun, situation: Situation, settings: PlanningSettings, executor: str | Any
) -> dict[str, dict[str, Any]]:
    """(d) Per short grid, the visits still left out solved for one visitor from outside (on an e-bike,
    from the middle of those homes, a full working day): hours a week of visiting and travel they need."""
    codes = {g.id: g for g in situation.grids}
    left: dict[str, list[Any]] = defaultdict(list)
    for owed, reason in base.rows.missing:
        grid = codes.get(base.grid_of[owed.elder_id][0])
        if reason == "capacity" and grid is not None and owed.kind is VisitKind.HOME:
            left[grid.code].append(owed)
    result: dict[str, dict[str, Any]] = {}
    problems, names = [], []
    for g in situation.grids:
        result[g.code] = {"hours_per_week": 0.0, "visits_short_after": 0, "applicable": False}
        if left[g.code]:
            visitor = WorkerFacts(0, TravelMode.EBIKE, None, *_day_of(base, g), grid_paths=(g.path,))
            problems.append(build(visitor, left[g.code], base.homes, base.workdays, settings))
            names.append(g.code)
    plans = routing.solve_many(
        [m.problem for m in problems], options_of(settings), executor=executor_for(executor, len(problems))
    )
    weeks = max(len(base.workdays) / WORKDAYS_A_WEEK, 1.0)
    for code, month, plan in zip(names, problems, plans, strict=True):
        seconds = _travel_seconds(month.problem, plan) + sum(
            v.service for v in month.problem.visits if v.id in plan.routed_ids
        )
        result[code].update(
            hours_per_week=round(seconds / 3600 / weeks, 1), visits_short_after=len(plan.dropped)
        )
    return result


def travel_by_street(base: DryRun, tried: DryRun, situation: Situation) -> dict[str, float]:
    """Travel hours the remedy adds, per street of the workers who travel (a colleague's way to the visits
    they take is the street's, not one grid's)."""
    streets = {parent_path(g.path, 2): g.street for g in situation.grids}
    totals: dict[str, float] = defaultdict(float)
    for run, sign in ((tried, 1), (base, -1)):
        for m, plan in zip(run.months, run.plans, strict=True):
            street = streets.get(parent_path(m.worker.grid_paths[0], 2)) if m.worker.grid_paths else None
            if street is not None:
                totals[street] += sign * _travel_seconds(m.problem, plan) / 3600
    return {code: round(hours, 2) for code, hours in totals.items()}


def _travel_seconds(problem: routing.Problem, plan: routing.Plan) -> int:
    location = {v.id: v.location for v in problem.visits}
    shifts = {s.key: s for s in problem.shifts}
    matrix = {m.mode: m for m in problem.matrices}
    total = 0
    for route in plan.routes:
        shift = shifts[(route.worker_id, route.day)]
        seconds, n = matrix[shift.mode].seconds, matrix[shift.mode].size
        stops = [shift.location, *(location[s.visit_id] for s in route.stops), shift.location]
        total += sum(seconds[a * n + b] for a, b in pairwise(stops))
    return total


def _grid_worker(run: DryRun, grid: ShortGrid) -> int | None:
    return next((m.worker.id for m in run.months if grid.path in m.worker.grid_paths), None)


def _works_in(run: DryRun, worker: int, grid: ShortGrid) -> bool:
    return any(m.worker.id == worker and grid.path in m.worker.grid_paths for m in run.months)


def _day_of(run: DryRun, grid: ShortGrid) -> tuple[time, time, int]:
    """The grid's worker's working hours, all of them for visiting."""
    worker = next((m.worker for m in run.months if grid.path in m.worker.grid_paths), None)
    start, end = (worker.work_start, worker.work_end) if worker else (time(8, 30), time(17, 30))
    return start, end, _minutes(end) - _minutes(start)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _moved(run: DryRun, grid: ShortGrid) -> int:
    return sum(1 for v in run.rows.visits if v.moved and run.grid_of[v.elder_id][0] == grid.id)


def _calls(base: DryRun, calls: DryRun | None, situation: Situation, grid: ShortGrid) -> dict[str, Any]:
    if calls is None:
        return {"available": False, "note": CALLS_NOTE}

    def phone(run: DryRun) -> int:
        return sum(
            1 for v in run.rows.visits if v.kind is VisitKind.PHONE and run.grid_of[v.elder_id][0] == grid.id
        )

    return {
        "available": True,
        "calls": phone(calls) - phone(base),
        **_after(shortfall_by_grid(calls, situation)[grid.code]),
    }


def _after(counts: dict[str, float]) -> dict[str, float]:
    return {"visits_short_after": counts["visits_short"], "hours_short_after": counts["hours_short"]}


def _weekly_hours(minutes_a_day: int) -> float:
    return round(minutes_a_day * WORKDAYS_A_WEEK / 60, 1)


def _summed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The grids' figures added up (per option; lists and notes are per grid only)."""
    total: dict[str, Any] = {
        "visits_short": sum(r["visits_short"] for r in rows),
        "hours_short": round(sum(r["hours_short"] for r in rows), 2),
    }
    options: dict[str, dict[str, Any]] = {}
    for name in remedy.KINDS:
        sums: dict[str, Any] = {}
        for r in rows:
            for key, value in r["options"][name].items():
                if isinstance(value, bool) or not isinstance(value, int | float):
                    continue
                sums[key] = round(sums.get(key, 0) + value, 2)
        options[name] = sums
    total["options"] = options
    return total


__all__ = ["OPTION_SETTINGS", "hours_search", "options", "runner", "situation_of"]
