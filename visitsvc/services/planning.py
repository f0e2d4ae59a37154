"""Planning a month: what is owed, as routes per worker, stored as a new plan version.

Reads in one short transaction, solves with no transaction open, writes the version in another; a lease row
per month (`planning_locks`) keeps two runs from solving at once, and a run that finds the inputs unchanged
since the newest version makes none (docs/adr/0005).
"""

from __future__ import annotations

import time as clock_time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

import routing
from visitsvc import overflow
from visitsvc.clock import SHANGHAI
from visitsvc.errors import Conflict
from visitsvc.model import Elder, PlannedVisit, PlanVersion, Role, UnplannedVisit, VisitKind, Worker
from visitsvc.month import Month
from visitsvc.plan_problems import (
    Home,
    PlanningSettings,
    WorkerFacts,
    WorkerMonth,
    build,
    fingerprint,
    visit_id,
)
from visitsvc.policy import ElderFacts, Owed, PolicyRules, is_substitutable, obligations
from visitsvc.repositories import ElderFilter
from visitsvc.scoping import ROOT_PATH, Caller, Scope, require_register_writer
from visitsvc.services import audit
from visitsvc.services.facts import elder_facts
from visitsvc.uow import UnitOfWork
from visitsvc.workdays import WorkCalendar

LOCK_LEASE = timedelta(hours=1)  # a run killed with -9 leaves its lease; after this the next run takes over
Progress = Callable[[int, int], None]
DEFAULT_SETTINGS = PlanningSettings()
DEFAULT_RULES = PolicyRules()


@dataclass
class PlanOutcome:
    version: int
    version_id: int
    created: bool
    month: str
    planned_visits: int
    moved_to_other_workers: int
    substituted_phone: dict[str, int]
    unplanned: list[dict[str, Any]]
    seconds: float
    calendar_warning: str | None = None
    grids: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "planned_visits": self.planned_visits,
            "moved_to_other_workers": self.moved_to_other_workers,
            "substituted_phone": self.substituted_phone,
            "unplanned": self.unplanned,
            "seconds": self.seconds,
        }


@dataclass
class _Inputs:
    area_path: str
    calendar: WorkCalendar
    workdays: list[date]
    months: list[WorkerMonth]
    facts: dict[int, ElderFacts]
    grid_of: dict[int, tuple[int, str]]  # elder -> (grid id, grid code)
    homes: dict[int, Home]
    grid_path: dict[int, str]
    unassigned: list[tuple[Owed, str]]  # (owed, reason) before solving
    carried: list[PlannedVisit]
    fingerprint: str
    latest: tuple[int, str] | None  # (version id, fingerprint) of the month's newest version


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
    require_register_writer(caller)
    started = clock_time.perf_counter()
    lock, holder = f"plan:{month}", uuid.uuid4().hex
    _acquire(uow, lock, holder, wait)
    try:
        inputs = _read(uow, caller, month, area_code, settings, rules)
        latest = inputs.latest
        if latest is not None and not force and latest[1] == inputs.fingerprint:
            return _outcome_of(uow, latest[0], created=False, seconds=clock_time.perf_counter() - started)
        options = routing.Options(
            time_limit=None if settings.solution_limit else settings.time_per_worker,
            solution_limit=settings.solution_limit,
        )
        plans = routing.solve_many(
            [m.problem for m in inputs.months], options, executor=executor, progress=progress
        )
        _hand_over_overflow(inputs, plans, options, executor, settings)
        return _write(uow, caller, month, inputs, plans, trigger, rules, started)
    finally:
        with uow:
            uow.plans.release(lock, holder)
            uow.commit()


def _hand_over_overflow(
    inputs: _Inputs,
    plans: list[routing.Plan],
    options: routing.Options,
    executor: str | Any,
    settings: PlanningSettings,
) -> None:
    """Offer what a worker could not fit to colleagues of the community, then the street; re-solve theirs."""
    offered = overflow.offers(
        inputs.months,
        plans,
        inputs.homes,
        inputs.grid_path,
        limit_m=settings.move_limit_m,
        home_load=settings.home_minutes,
    )
    if not offered:
        return
    helpers = sorted(offered)
    rebuilt = [
        build(
            inputs.months[j].worker,
            list(inputs.months[j].owed),
            inputs.homes,
            list(inputs.months[j].days),
            settings,
            offered=offered[j],
        )
        for j in helpers
    ]
    for j, month, plan in zip(
        helpers,
        rebuilt,
        routing.solve_many([m.problem for m in rebuilt], options, executor=executor),
        strict=True,
    ):
        inputs.months[j], plans[j] = month, plan


def hold_month(
    uow: UnitOfWork,
    month: Month,
    holder: str,
    *,
    wait: Callable[[float], None] = clock_time.sleep,
    attempts: int | None = None,
) -> None:
    """The month's planning lease for anything else that writes a plan version (a supervisor's moves), so
    that it and a plan run never interleave. With `attempts`, give up after that many tries (Conflict)."""
    _acquire(uow, f"plan:{month}", holder, wait, attempts)


def release_month(uow: UnitOfWork, month: Month, holder: str) -> None:
    with uow:
        uow.plans.release(f"plan:{month}", holder)
        uow.commit()


def _acquire(
    uow: UnitOfWork, lock: str, holder: str, wait: Callable[[float], None], attempts: int | None = None
) -> None:
    """Take the month's lease, waiting for a running plan to finish (its result is then reused)."""
    tries = 0
    while True:
        with uow:
            try:
                uow.plans.take_lock(lock, holder, uow.clock.now())
                uow.commit()
                return
            except IntegrityError:
                uow.rollback()
            held = uow.plans.lock(lock)
            if held is not None and held.acquired_at < uow.clock.now() - LOCK_LEASE:
                uow.plans.release(lock, held.holder)  # its run died; the lease has run out
                uow.commit()
                continue
        tries += 1
        if attempts is not None and tries >= attempts:
            raise Conflict("本月计划正在生成，请稍后重试", code="plan_running")
        wait(0.5)


def _read(
    uow: UnitOfWork,
    caller: Caller,
    month: Month,
    area_code: str | None,
    settings: PlanningSettings,
    rules: PolicyRules,
) -> _Inputs:
    with uow:
        if area_code:
            area_path = uow.areas.get_by_code(caller.scope, area_code).path
        else:
            area_path = caller.scope.area_paths[0] if len(caller.scope.area_paths) == 1 else ROOT_PATH
        scope = Scope((area_path,))
        calendar = WorkCalendar(uow.plans.calendar())
        workdays = calendar.workdays(month)
        if uow.clock.today() > month.first:  # never plan the past
            workdays = [d for d in workdays if d > uow.clock.today()]
        workers = uow.workers.page(scope, role=Role.GRID_WORKER, active=True, limit=1_000_000, after_id=None)
        elders = uow.elders.page(scope, ElderFilter(), limit=10_000_000, after_id=None)
        timelines = uow.plans.timelines([e.id for e in elders])
        first = uow.plans.first(str(month))
        latest = uow.plans.latest(str(month))
        previous = uow.plans.latest(str(month.previous()))
        substituted_before = (
            {v.elder_id for v in uow.plans.visits(previous.id) if v.substituted} if previous else set()
        )
        carried = uow.plans.visits_outside(latest.id, area_path) if latest and area_path != ROOT_PATH else []
        for row in carried:
            uow.session.expunge(row)
        plan_made_on = first.created_at.astimezone(SHANGHAI).date() if first else None
        facts = {
            e.id: elder_facts(e, month, timelines[e.id], substituted_last_month=e.id in substituted_before)
            for e in elders
        }
        homes = {e.id: _home(e) for e in elders}
        grid_of = {e.id: (e.grid_id, e.grid.code) for e in elders}
        worker_of_grid: dict[int, Worker] = {}
        for worker in sorted(workers, key=lambda w: w.id):
            for grid in worker.grids:
                worker_of_grid.setdefault(grid.id, worker)
        by_worker: dict[int, list[Owed]] = defaultdict(list)
        unassigned: list[tuple[Owed, str]] = []
        for elder in elders:
            result = obligations(facts[elder.id], month, calendar, plan_made_on=plan_made_on, rules=rules)
            assignee = worker_of_grid.get(elder.grid_id)
            for owed in result.owed:
                if assignee is None:
                    unassigned.append((owed, "no_worker"))
                else:
                    by_worker[assignee.id].append(owed)
        away: dict[int, set[date]] = defaultdict(set)
        for absence in uow.absences.overlapping([w.id for w in workers], month.first, month.last):
            away[absence.worker_id].update(d for d in workdays if absence.covers(d))
        months = [
            build(
                _worker_facts(w),
                by_worker[w.id],
                homes,
                [d for d in workdays if d not in away[w.id]],
                settings,
            )
            for w in sorted(workers, key=lambda w: w.id)
            if by_worker[w.id]
        ]
        extra: dict[str, object] = {
            "month": str(month),
            "area": area_path,
            "calendar": sorted(map(str, calendar.overrides.items())),
            "settings": repr(settings),
            "unassigned": sorted(visit_id(o) for o, _ in unassigned),
        }
        return _Inputs(
            area_path,
            calendar,
            workdays,
            months,
            facts,
            grid_of,
            homes,
            {e.grid_id: e.grid.path for e in elders},
            unassigned,
            carried,
            fingerprint(months, extra),
            (latest.id, latest.fingerprint) if latest else None,
        )


def _home(elder: Elder) -> Home:
    preferred = None
    if elder.preferred_start and elder.preferred_end:
        preferred = (elder.preferred_start, elder.preferred_end)
    return Home(elder.id, elder.grid_id, elder.lon, elder.lat, preferred)


def _worker_facts(worker: Worker) -> WorkerFacts:
    start = (
        (worker.start_lon, worker.start_lat)
        if worker.start_lon is not None and worker.start_lat is not None
        else None
    )
    return WorkerFacts(
        worker.id,
        worker.travel_mode,
        start,
        worker.work_start,
        worker.work_end,
        worker.visit_minutes_per_day,
        tuple(g.path for g in worker.grids),
    )


_DROP_REASON = {
    routing.DropReason.CAPACITY: "capacity",
    routing.DropReason.NO_ALLOWED_DAY: "no_working_day",
    routing.DropReason.TIME_WINDOW: "unreachable_window",
}


def _write(
    uow: UnitOfWork,
    caller: Caller,
    month: Month,
    inputs: _Inputs,
    plans: list[routing.Plan],
    trigger: str,
    rules: PolicyRules,
    started: float,
) -> PlanOutcome:
    visits: list[PlannedVisit] = []
    unplanned: list[UnplannedVisit] = []
    substituted: Counter[int] = Counter()
    moved = overflow.moved_ids(inputs.months, plans)

    def missing(owed: Owed, reason: str) -> None:
        grid_id, _ = inputs.grid_of[owed.elder_id]
        unplanned.append(
            UnplannedVisit(
                elder_id=owed.elder_id, grid_id=grid_id, kind=owed.kind, obligation=owed.key, reason=reason
            )
        )

    for worker_month, plan in zip(inputs.months, plans, strict=True):
        worker_id = worker_month.worker.id
        phone_seq: Counter[date] = Counter()
        for route in plan.routes:
            for seq, stop in enumerate(route.stops, start=1):
                owed = worker_month.owed_by_visit[stop.visit_id]
                row = _planned(owed, worker_id, route.day, seq, _clock(stop.arrival), owed.kind)
                row.moved = stop.visit_id in worker_month.offered
                visits.append(row)
            phone_seq[route.day] = len(route.stops)
        for owed, day in worker_month.phone:
            phone_seq[day] += 1
            visits.append(_planned(owed, worker_id, day, phone_seq[day], None, VisitKind.PHONE))
        for owed in worker_month.no_day:
            missing(owed, "no_working_day")
        for dropped in plan.dropped:
            if dropped.visit_id in worker_month.offered or dropped.visit_id in moved:
                continue  # an offer not taken stays its origin's; a drop taken by a colleague is no miss
            owed = worker_month.owed_by_visit[dropped.visit_id]
            reason = _DROP_REASON[dropped.reason]
            facts = inputs.facts[owed.elder_id]
            window = [d for d in inputs.workdays if owed.earliest <= d <= owed.latest]
            if reason == "capacity" and rules.substitute_phone and window and is_substitutable(facts):
                phone_seq[window[0]] += 1
                row = _planned(owed, worker_id, window[0], phone_seq[window[0]], None, VisitKind.PHONE)
                row.substituted = True
                visits.append(row)
                substituted[inputs.grid_of[owed.elder_id][0]] += 1
            else:
                missing(owed, reason)
    for owed, reason in inputs.unassigned:
        missing(owed, reason)
    for row in inputs.carried:
        visits.append(_copy(row))
    seconds = round(clock_time.perf_counter() - started, 1)
    with uow:
        latest = uow.plans.latest(str(month))
        grids = dict(inputs.grid_of.values())
        summary = {**_summary(visits, unplanned, grids, inputs), "moved": len(moved)}
        version = PlanVersion(
            month=str(month),
            number=(latest.number + 1) if latest else 1,
            area_path=inputs.area_path,
            trigger=trigger,
            fingerprint=inputs.fingerprint,
            created_at=uow.clock.now(),
            solver_seconds=round(sum(p.stats.wall_time for p in plans), 2),
            planned_count=len(visits),
            unplanned_count=len(unplanned),
            substituted_count=sum(substituted.values()),
            calendar_warning=inputs.calendar.warning(),
            summary=summary,
        )
        try:
            uow.plans.add(version, visits, unplanned)
            audit.record(
                uow,
                caller,
                action="plan.create",
                record_type="plan",
                record_id=version.id,
                area_path=inputs.area_path,
                details={"month": str(month), "number": version.number, "trigger": trigger},
            )
            uow.commit()
        except IntegrityError as exc:
            raise Conflict("计划已被另一任务更新，请重试", code="plan_conflict") from exc
        version_id = version.id
    return _outcome_of(uow, version_id, created=True, seconds=seconds)


def _planned(
    owed: Owed, worker_id: int, day: date, seq: int, arrival: time | None, kind: VisitKind
) -> PlannedVisit:
    return PlannedVisit(
        elder_id=owed.elder_id,
        worker_id=worker_id,
        day=day,
        seq=seq,
        arrival=arrival,
        kind=kind,
        obligation=owed.key,
        rule=owed.rule.value,
        substituted=False,
        moved=False,
        pinned=False,
    )


def _copy(row: PlannedVisit) -> PlannedVisit:
    return PlannedVisit(
        elder_id=row.elder_id,
        worker_id=row.worker_id,
        day=row.day,
        seq=row.seq,
        arrival=row.arrival,
        kind=row.kind,
        obligation=row.obligation,
        rule=row.rule,
        substituted=row.substituted,
        moved=row.moved,
        pinned=row.pinned,
    )


def _clock(seconds: int) -> time:
    return time(min(seconds // 3600, 23), seconds % 3600 // 60)


def _summary(
    visits: list[PlannedVisit], unplanned: list[UnplannedVisit], grids: dict[int, str], inputs: _Inputs
) -> dict[str, Any]:
    per_grid: dict[str, Counter[str]] = defaultdict(Counter)
    grid_of_elder = {e: grid_id for e, (grid_id, _) in inputs.grid_of.items()}
    for v in visits:
        code = grids.get(grid_of_elder.get(v.elder_id, -1), "?")
        per_grid[code]["planned"] += 1
        per_grid[code]["substituted"] += int(v.substituted)
    for u in unplanned:
        per_grid[grids.get(u.grid_id, "?")]["unplanned"] += 1
    for m in inputs.months:
        minutes = sum(s.capacity or 0 for s in m.problem.shifts)
        for code in {grids[grid_of_elder[o.elder_id]] for o in m.owed_by_visit.values()}:
            per_grid[code]["available_minutes"] = minutes
    for counts in per_grid.values():
        counts["owed"] = counts["planned"] + counts["unplanned"]
    keys = ("owed", "planned", "substituted", "unplanned", "available_minutes")
    return {"grids": {code: {k: counts[k] for k in keys} for code, counts in sorted(per_grid.items())}}


def _outcome_of(uow: UnitOfWork, version_id: int, *, created: bool, seconds: float) -> PlanOutcome:
    with uow:
        version = uow.plans.get(version_id)
        unplanned = uow.plans.unplanned(version.id)
        codes = {a.id: a.code for a in uow.areas.by_ids({u.grid_id for u in unplanned})}
        grids: dict[str, dict[str, int]] = dict(version.summary.get("grids", {}))
        return PlanOutcome(
            version=version.number,
            version_id=version.id,
            created=created,
            month=version.month,
            planned_visits=version.planned_count,
            moved_to_other_workers=int(version.summary.get("moved", 0)),
            substituted_phone={code: c["substituted"] for code, c in grids.items() if c.get("substituted")},
            unplanned=[
                {"elder_id": u.elder_id, "grid": codes[u.grid_id], "reason": u.reason} for u in unplanned
            ],
            seconds=round(seconds, 1),
            calendar_warning=version.calendar_warning,
            grids=grids,
        )
