"""Planning a month: what is owed, as routes per worker, stored as a new plan version.

Reads in one short transaction, solves with no transaction open, writes the version in another; a lease row
per month (`planning_locks`) keeps two runs from solving at once, and a run that finds the inputs unchanged
since the newest version makes none (docs/adr/0005).
"""

from __future__ import annotations

import time as clock_time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import routing
from visitsvc.access.scoping import ROOT_PATH, Caller, require_register_writer
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.planning.month_lease import hold_month, release_month
from visitsvc.planning.month_reader import read_month
from visitsvc.planning.pairings import Returned, after_solve, handed_back_summary, route_paired
from visitsvc.planning.plan_outcome import PlanOutcome, outcome_of
from visitsvc.planning.plan_rows import NewVisit, PlanRow, read_plan_rows
from visitsvc.planning.plan_versions import (
    NewVersion,
    Rows,
    executor_for,
    guard_hits,
    hand_over_overflow,
    options_of,
    reserved_minutes,
    rows_of,
    solve_short_again,
    store_version,
    summary,
    unplanned_row,
)
from visitsvc.planning.policy import ElderFacts, Owed, PeopleRules, PolicyRules, obligations
from visitsvc.planning.policy_settings import differing
from visitsvc.planning.remedies import NO_REMEDIES, Remedies, touches
from visitsvc.planning.route_problems import (
    Agreed,
    Home,
    PlanningSettings,
    WorkerFacts,
    WorkerMonth,
    build,
    fingerprint,
    first_plan_share,
    visit_id,
)

Progress = Callable[[int, int], None]
DEFAULT_SETTINGS = PlanningSettings()
Memo = dict[tuple[routing.Problem, routing.Options], routing.Plan]
DEFAULT_RULES = PolicyRules()


@dataclass(frozen=True)
class _Inputs:
    area_path: str
    calendar: WorkCalendar
    workdays: list[date]
    months: list[WorkerMonth]  # the shared steps of `plan_versions` replace a solved worker's in this list
    facts: dict[int, ElderFacts]
    grid_of: dict[int, tuple[int, str]]  # elder -> (grid id, grid code)
    homes: dict[int, Home]
    grid_path: dict[int, str]
    unassigned: list[tuple[Owed, str]]  # (owed, reason) before solving
    carried: list[PlanRow]  # other areas' rows of the newest version
    pinned: list[PlanRow]  # this area's pinned rows of the newest version: kept as they are
    fingerprint: str
    latest: tuple[int, str] | None  # (version id, fingerprint) of the month's newest version
    rules: PeopleRules  # each person's effective policy
    reserved: dict[int, dict[date, int]] = field(default_factory=dict)  # worker -> pinned minutes by day
    settings: PlanningSettings = DEFAULT_SETTINGS
    reach: dict[str, float] = field(default_factory=dict)  # grid path -> minutes (its policy, with remedies)
    # Mixed teams (docs/adr/0029): visitors' months, solved first; what they cannot make comes back.
    visitor_months: list[WorkerMonth] = field(default_factory=list)
    whole: dict[str, Owed] = field(default_factory=dict)  # a visitor's visit id -> its obligation as owed
    handed_back: list[Returned] = field(default_factory=list)
    grid_worker: dict[int, int] = field(default_factory=dict)  # grid id -> its worker
    at_work: dict[int, tuple[WorkerFacts, tuple[date, ...]]] = field(default_factory=dict)  # grid workers
    agreed: dict[int, Agreed] = field(default_factory=dict)  # person -> their appointment from today on


def plan_month(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month,
    area_code: str | None = None,
    trigger: str = "plan",
    force: bool = False,
    executor: str | Any = "process",
    settings: PlanningSettings = DEFAULT_SETTINGS,
    rules: PolicyRules = DEFAULT_RULES,
    progress: Progress | None = None,
    wait: Callable[[float], None] = clock_time.sleep,
) -> PlanOutcome:
    """A new version of the month for the caller's area (or `area_code` within it), unless nothing changed.
    Remedies applied to the month (`PlanRemedy`) are read and kept."""
    require_register_writer(caller)
    started = clock_time.perf_counter()
    holder = uuid.uuid4().hex
    hold_month(uow, month, holder, wait=wait)
    try:
        inputs = _read(uow, caller, month, area_code, settings, rules)
        latest = inputs.latest
        if latest is not None and not force and latest[1] == inputs.fingerprint:
            return outcome_of(uow, latest[0], created=False, seconds=clock_time.perf_counter() - started)
        inputs, plans = _solve(inputs, executor, progress)
        return _write(uow, caller, month, inputs, plans, trigger, started)
    finally:
        release_month(uow, month, holder)


@dataclass(frozen=True)
class DryRun:
    """What a planning run would make, not stored: its solved months, plans and rows."""

    months: list[WorkerMonth]
    plans: list[routing.Plan]
    rows: Rows
    homes: dict[int, Home]
    grid_of: dict[int, tuple[int, str]]
    grid_path: dict[int, str]
    workdays: list[date]
    settings: PlanningSettings


def dry_run(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month,
    area_code: str | None,
    settings: PlanningSettings,
    rules: PolicyRules,
    remedies: Remedies = NO_REMEDIES,
    workers: Callable[[WorkerFacts], bool] | None = None,
    executor: str | Any = "serial",
    memo: Memo | None = None,
) -> DryRun:
    """`plan_month`'s solve with `remedies` on top of the month's stored ones, for the `workers` chosen only
    (the rest of the area solves as it would anyway): the same code path, nothing written, no lease.
    `memo`: first solves of earlier dry runs, reused for a worker whose problem is the same (a solve limited
    by solutions gives the same plan again: only the solves a remedy changes are made)."""
    inputs = _read(uow, caller, month, area_code, settings, rules, remedies, workers)
    inputs, plans = _solve(inputs, executor, None, memo)
    rows = rows_of(
        inputs.months, plans, facts=inputs.facts, grid_of=inputs.grid_of, grid_path=inputs.grid_path,
        workdays=inputs.workdays, rules=inputs.rules,
    )  # fmt: skip
    return DryRun(
        inputs.months, plans, rows, inputs.homes, inputs.grid_of, inputs.grid_path, inputs.workdays,
        inputs.settings,
    )  # fmt: skip


def _solve(
    inputs: _Inputs, executor: str | Any, progress: Progress | None, memo: Memo | None = None
) -> tuple[_Inputs, list[routing.Plan]]:
    settings = inputs.settings
    inputs = _with_pins(inputs, settings)
    visitor_plans: list[routing.Plan] = []
    if inputs.visitor_months:
        inputs, visitor_plans = _solve_visitors(inputs, executor, memo)
    plans = _first_solve([m.problem for m in inputs.months], options_of(settings), executor, progress, memo)
    _without_retry_day(inputs, plans, settings, executor)
    hand_over_overflow(
        inputs.months, plans, inputs.homes, inputs.grid_path, reach=inputs.reach, settings=settings,
        executor=executor,
        rebuild=lambda j, offered: _rebuild(inputs, j, offered, settings),
    )  # fmt: skip
    if inputs.visitor_months:
        inputs = replace(inputs, months=[*inputs.visitor_months, *inputs.months])
        plans = [*visitor_plans, *plans]
    return inputs, plans


def _first_solve(
    problems: list[routing.Problem],
    options: routing.Options,
    executor: str | Any,
    progress: Progress | None,
    memo: Memo | None,
) -> list[routing.Plan]:
    if memo is None:
        return routing.solve_many(problems, options, executor=executor, progress=progress)
    new = [i for i, p in enumerate(problems) if (p, options) not in memo]
    solved = routing.solve_many([problems[i] for i in new], options, executor=executor, progress=progress)
    memo.update({(problems[i], options): plan for i, plan in zip(new, solved, strict=True)})
    return [memo[p, options] for p in problems]


def _solve_visitors(
    inputs: _Inputs, executor: str | Any, memo: Memo | None
) -> tuple[_Inputs, list[routing.Plan]]:
    """The visitors' months solved before the grid workers': what a visitor cannot place goes back to the
    grid's worker as one of their own visits (their months rebuilt with it), named with its cause. A visitor's
    month keeps what they make only; nobody's overflow comes to them (docs/adr/0029)."""
    settings = inputs.settings
    months = list(inputs.visitor_months)
    pool = executor_for(executor, len(months))
    plans = _first_solve([m.problem for m in months], options_of(settings), pool, None, memo)
    if settings.retry_day:
        full = replace(settings, retry_day=False)

        def again(j: int) -> WorkerMonth:
            m = months[j]
            return build(m.worker, list(m.owed), inputs.homes, list(m.days), full, agreed=m.appointments,
                         reserved=inputs.reserved.get(m.worker.id))  # fmt: skip

        solve_short_again(months, plans, again, settings, executor)
    returned = list(inputs.handed_back)
    for j, (month, plan) in enumerate(zip(months, plans, strict=True)):
        back = after_solve(month, plan, inputs.whole)
        if back:
            returned += back
            months[j] = replace(month, no_day=[])
            plans[j] = replace(plan, dropped=())
    late = returned[len(inputs.handed_back) :]
    return replace(inputs, visitor_months=months, handed_back=returned, **_given_back(inputs, late)), plans


def _given_back(inputs: _Inputs, returned: list[Returned]) -> dict[str, Any]:
    """The grid workers' months with the visits `returned` added to their own (nobody's grid: unassigned)."""
    if not returned:
        return {}
    added: dict[int, list[Owed]] = defaultdict(list)
    unassigned = list(inputs.unassigned)
    for r in returned:
        worker = inputs.grid_worker.get(inputs.grid_of[r.owed.elder_id][0])
        if worker is None:
            unassigned.append((r.owed, "no_worker"))
        elif worker in inputs.at_work:
            added[worker].append(r.owed)
    months = list(inputs.months)
    index = {m.worker.id: i for i, m in enumerate(months)}
    for worker, owed in sorted(added.items()):
        i = index.get(worker)
        facts, days = inputs.at_work[worker]
        old = list(months[i].owed) if i is not None else []
        settings = inputs.settings
        month = build(
            facts, [*old, *owed], inputs.homes, list(days), settings, reserved=inputs.reserved.get(worker),
            share=first_plan_share(settings), agreed=inputs.agreed,
        )  # fmt: skip
        if i is None:
            months.append(month)
        else:
            months[i] = month
    return {"months": months, "unassigned": unassigned}


def month_problems(
    uow: UnitOfWork, month: Month, settings: PlanningSettings = DEFAULT_SETTINGS
) -> list[routing.Problem]:
    """The worker problems a first plan of the whole month would solve now (benchmarks compare searches)."""
    return [m.problem for m in _read(uow, Caller.system(), month, None, settings, DEFAULT_RULES).months]


def _read(
    uow: UnitOfWork,
    caller: Caller,
    month: Month,
    area_code: str | None,
    settings: PlanningSettings,
    rules: PolicyRules,
    tried: Remedies = NO_REMEDIES,
    only: Callable[[WorkerFacts], bool] | None = None,
) -> _Inputs:
    with uow:
        area_path = uow.areas.scope_within(caller.scope, area_code).home_path
        stored = [(r.kind, r.area_path, r.params) for r in uow.remedies.of_month(month)]
        remedies = Remedies.of(row for row in stored if touches(row[1], area_path)).combined(tried)
        read = remedies.applied(read_month(uow, area_path, month, rules))
        calendar = read.calendar
        workdays = calendar.workdays(month)
        if uow.clock.today() > month.first:  # never plan the past
            workdays = [d for d in workdays if d > uow.clock.today()]
        latest = uow.plans.latest(month)
        carried = (
            read_plan_rows(uow, latest.id, outside=area_path) if latest and area_path != ROOT_PATH else []
        )
        outside = {r.id for r in carried}
        pinned = (
            [r for r in read_plan_rows(uow, latest.id) if r.pinned and r.id not in outside] if latest else []
        )
        by_worker: dict[int, list[Owed]] = defaultdict(list)
        unassigned: list[tuple[Owed, str]] = []
        owed = [
            o
            for elder_id in read.elders
            for o in obligations(
                read.facts[elder_id],
                month,
                calendar,
                plan_made_on=read.plan_made_on,
                rules=read.rules(elder_id),
            ).owed
        ]
        today = uow.clock.today()
        partners = read.partners.from_day(today + timedelta(days=1) if today > month.first else month.first)
        own, routed = route_paired(owed, partners, read.homes)
        for o in [*own, *(r.owed for r in routed.handed_back)]:
            assignee = read.grid_worker.get(read.grid_of[o.elder_id][0])
            if assignee is None:
                unassigned.append((o, "no_worker"))
            else:
                by_worker[assignee].append(o)
        away = read.away(workdays)
        at_work = {
            w.id: (w, tuple(d for d in workdays if d not in away.get(w.id, ())))
            for w in remedies.workers(read.workers)
            if only is None or only(w)
        }
        months = [
            build(
                w,
                by_worker[w.id],
                read.homes,
                list(days),
                settings,
                share=first_plan_share(settings),
                agreed=read.agreed,
            )
            for w, days in at_work.values()
            if by_worker[w.id]
        ]
        visitors = partners.visitors
        visitor_months = [
            build(
                visitors[v].facts,
                routed.by_visitor[v],
                read.homes,
                [d for d in visitors[v].days if d not in visitors[v].away],
                settings,
                share=first_plan_share(settings),
                agreed=read.agreed,
            )
            for v in sorted(routed.by_visitor)
        ]
        extra: dict[str, object] = {
            "month": str(month),
            "area": area_path,
            "calendar": sorted(map(str, calendar.overrides.items())),
            "settings": repr(settings),
            "unassigned": sorted(visit_id(o) for o, _ in unassigned),
        }
        policy = differing(read.grid_rules)
        if policy:  # absent when nothing is set: the fingerprints of earlier versions still hold
            extra["policy"] = policy
        if remedies:
            extra["remedies"] = remedies.as_print()
        if routed.handed_back:  # absent with nobody paired: earlier versions' fingerprints still hold
            extra["handed_back"] = sorted((visit_id(r.owed), r.cause.value) for r in routed.handed_back)
        return _Inputs(
            area_path,
            calendar,
            workdays,
            months,
            read.facts,
            read.grid_of,
            read.homes,
            read.grid_path,
            unassigned,
            carried,
            pinned,
            fingerprint([*months, *visitor_months], extra),
            (latest.id, latest.fingerprint) if latest else None,
            read.rules,
            settings=settings,
            reach=read.reach(),
            visitor_months=visitor_months,
            whole=routed.whole,
            handed_back=routed.handed_back,
            grid_worker=read.grid_worker,
            at_work=at_work,
            agreed=read.agreed,
        )


def _rebuild(inputs: _Inputs, j: int, offered: list[Owed], settings: PlanningSettings) -> WorkerMonth:
    month = inputs.months[j]
    reserved = inputs.reserved.get(month.worker.id)
    return build(
        month.worker, list(month.owed), inputs.homes, list(month.days), settings, offered=offered,
        reserved=reserved, share=first_plan_share(settings), agreed=month.appointments,
    )  # fmt: skip


def _without_retry_day(
    inputs: _Inputs, plans: list[routing.Plan], settings: PlanningSettings, executor: str | Any
) -> None:
    """A worker who drops visits while keeping each window's last day for retries is solved again with it,
    from that plan, before colleagues are asked: a visit planned late beats a visit not planned."""
    if settings.retry_day:
        full = replace(settings, retry_day=False)
        solve_short_again(inputs.months, plans, lambda j: _rebuild(inputs, j, [], full), settings, executor)


def _with_pins(inputs: _Inputs, settings: PlanningSettings) -> _Inputs:
    """A supervisor's pinned visits stay as they are: their obligations leave the problems and their minutes
    leave the day's budget. Applied after the fingerprint, so a version of moves (which keeps the fingerprint
    of its inputs) stays current until something else changes."""
    if not inputs.pinned:
        return inputs
    keys = {(r.elder_id, r.obligation) for r in inputs.pinned}
    reserved_of = dict(inputs.reserved)

    def pinned(months: list[WorkerMonth]) -> list[WorkerMonth]:
        months = list(months)
        for i, month in enumerate(months):
            mine = [r for r in inputs.pinned if r.worker_id == month.worker.id]
            owed = [o for o in month.owed if (o.elder_id, o.key) not in keys]
            if mine or len(owed) != len(month.owed):
                reserved = reserved_of[month.worker.id] = reserved_minutes(mine, settings)
                months[i] = build(
                    month.worker, owed, inputs.homes, list(month.days), settings, reserved=reserved,
                    share=first_plan_share(settings), agreed=month.appointments,
                )  # fmt: skip
        return months

    unassigned = [(o, r) for o, r in inputs.unassigned if (o.elder_id, o.key) not in keys]
    return replace(
        inputs, months=pinned(inputs.months), visitor_months=pinned(inputs.visitor_months),
        reserved=reserved_of, unassigned=unassigned,
        handed_back=[r for r in inputs.handed_back if (r.owed.elder_id, r.owed.key) not in keys],
    )  # fmt: skip


def _write(
    uow: UnitOfWork,
    caller: Caller,
    month: Month,
    inputs: _Inputs,
    plans: list[routing.Plan],
    trigger: str,
    started: float,
) -> PlanOutcome:
    rows = rows_of(
        inputs.months, plans, facts=inputs.facts, grid_of=inputs.grid_of, grid_path=inputs.grid_path,
        workdays=inputs.workdays, rules=inputs.rules,
    )  # fmt: skip
    visits = rows.visits
    unplanned = [unplanned_row(o, inputs.grid_of[o.elder_id][0], r) for o, r in rows.missing]
    unplanned += [unplanned_row(o, inputs.grid_of[o.elder_id][0], r) for o, r in inputs.unassigned]
    visits += [NewVisit.carried(row) for row in [*inputs.carried, *inputs.pinned]]
    seconds = round(clock_time.perf_counter() - started, 1)
    new = NewVersion(
        month=month,
        area_path=inputs.area_path,
        trigger=trigger,
        fingerprint=inputs.fingerprint,
        solver_seconds=round(sum(p.stats.wall_time for p in plans), 2),
        substituted=sum(rows.substituted.values()),
        calendar_warning=inputs.calendar.warning(),
        summary={
            **summary(visits, unplanned, inputs.grid_of, [m for m in inputs.months if not m.worker.visitor]),
            "moved": len(rows.moved),
            "guard_hit": guard_hits(inputs.months, plans),
            **handed_back_summary(inputs.handed_back),
        },
    )
    version_id = store_version(uow, caller, new, visits, unplanned)
    return outcome_of(uow, version_id, created=True, seconds=seconds)
