"""Re-planning the rest of a month: what is still owed, solved again from the next working day with the
current plan as the warm start, stored as a new version that records what moved (docs/adr/0009).

The same shape as a planning run (docs/adr/0005): the month's lease, one short read, the solve with no
transaction open, one write. `replan_rules` decides what is kept and what is planned again.
"""

from __future__ import annotations

import time as clock_time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time
from typing import Any

import routing
from visitsvc.access.scoping import ROOT_PATH, Caller, Scope, require_register_writer
from visitsvc.infrastructure.repositories import ElderFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import Invalid, NotFound
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import PlannedVisit, Role, UnplannedVisit, Worker
from visitsvc.planning import coverage
from visitsvc.planning.coverage import Attempt, ElderCoverage, ElderMonth, Slot
from visitsvc.planning.month_coverage import attempts_of
from visitsvc.planning.month_facts import elder_facts, home_of, worker_facts
from visitsvc.planning.month_plan import hold_month, release_month
from visitsvc.planning.overflow import parent_path
from visitsvc.planning.plan_versions import (
    NewVersion,
    copy_row,
    copy_unplanned,
    hand_over_overflow,
    options_of,
    reserved_minutes,
    rows_of,
    solve_short_again,
    store_version,
    summary,
    unplanned_row,
)
from visitsvc.planning.policy import ElderFacts, Owed, PolicyRules, active_days
from visitsvc.planning.replan_decisions import Decision, changes, decide, same_rows, warm_plan
from visitsvc.planning.route_problems import (
    Home,
    PlanningSettings,
    WorkerFacts,
    WorkerMonth,
    build,
    fingerprint,
    visit_id,
)
from visitsvc.planning.today_handover import Handover, cannot_wait, hand_over_today
from visitsvc.planning.visit_ids import VisitId

DEFAULT_SETTINGS = PlanningSettings()
DEFAULT_RULES = PolicyRules()
Progress = Callable[[int, int], None]
LEASE_ATTEMPTS = 10  # half a second apart: a running plan makes a request answer 409 rather than hang
ANY_WAY_OUT = frozenset({routing.DropReason.CAPACITY, routing.DropReason.NO_ALLOWED_DAY})


@dataclass
class ReplanOutcome:
    month: str
    today: date
    version: int
    version_id: int
    created: bool
    workers: int  # whose days after today were solved again
    moved: int  # owed visits now on another worker or day
    added: int  # planned again or for the first time: misses, not at home, newcomers, released
    removed: int  # no longer planned after today: settled, no longer owed, or now unplanned
    to_colleagues: int  # taken on by a worker of another grid
    unplanned: list[dict[str, Any]]
    seconds: float

    @property
    def changed(self) -> int:
        return self.moved + self.added + self.removed

    def as_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "today": self.today.isoformat(),
            "version": self.version,
            "created": self.created,
            "workers": self.workers,
            "moved": self.moved,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "to_colleagues": self.to_colleagues,
            "unplanned": self.unplanned,
            "seconds": self.seconds,
        }


@dataclass
class _Inputs:
    month: Month
    area_path: str
    latest_id: int
    latest_fingerprint: str
    latest_summary: dict[str, Any]
    calendar_warning: str | None
    future: list[date]
    outside: list[PlannedVisit]  # rows of people outside the area: carried
    previous: list[PlannedVisit]  # the area's rows of the current version
    previous_unplanned: list[UnplannedVisit]
    decision: Decision
    months: list[WorkerMonth]  # the re-planned workers first, then the colleagues who may help
    solve_first: int  # how many of `months` are solved in any case
    colleagues: list[tuple[WorkerFacts, list[date]]]  # who may take over, and their days
    warm: list[routing.Plan]
    facts: dict[int, ElderFacts]
    homes: dict[int, Home]
    grid_of: dict[int, tuple[int, str]]
    grid_path: dict[int, str]
    fingerprint: str
    reserved: dict[int, dict[date, int]] = field(default_factory=dict)
    stay: dict[int, dict[str, date]] = field(default_factory=dict)  # worker -> visit -> its current day
    soon: dict[int, frozenset[str]] = field(default_factory=dict)  # worker -> visits with no day kept
    crew: list[WorkerFacts] = field(default_factory=list)  # at work today, when today's visits were released
    now: time = time(0, 0)  # the time of day of a same-day run
    handover: Handover = field(default_factory=Handover)  # released visits colleagues take on today


def replan(
    uow: UnitOfWork,
    *,
    caller: Caller,
    today: date,
    worker_id: int | None = None,
    area_code: str | None = None,
    settings: PlanningSettings = DEFAULT_SETTINGS,
    rules: PolicyRules = DEFAULT_RULES,
    executor: str | Any = "process",
    progress: Progress | None = None,
    wait: Callable[[float], None] = clock_time.sleep,
    lease_attempts: int | None = None,
) -> ReplanOutcome:
    """Re-plan `today`'s month after `today` (of one worker, or of every worker of the area); `today` and the
    days before stay as planned, but for today's visits of a worker absent today."""
    require_register_writer(caller)
    started = clock_time.perf_counter()
    month, holder = Month.of(today), uuid.uuid4().hex
    hold_month(uow, month, holder, wait=wait, attempts=lease_attempts)
    try:
        inputs = _read(uow, caller, today, worker_id, area_code, settings, rules)
        if inputs.fingerprint == inputs.latest_fingerprint:
            return _unchanged(uow, inputs, today, started)
        _hand_over_today(inputs, today, settings)
        first = inputs.months[: inputs.solve_first]
        plans = routing.solve_many(
            [m.problem for m in first],
            options_of(settings),
            executor=executor if len(first) > 1 else "serial",
            progress=progress,
            warm_starts=inputs.warm[: inputs.solve_first],
        )
        _loosen(inputs, plans, settings, executor)
        if any(d.reason in ANY_WAY_OUT for p in plans for d in p.dropped):
            for worker, days in inputs.colleagues:  # built only when something may go to them
                _add_month(inputs, worker, days, settings)
        plans += inputs.warm[inputs.solve_first :]  # a colleague's plan stands until it is offered a visit
        helpers = hand_over_overflow(
            inputs.months, plans, inputs.homes, inputs.grid_path, settings=settings, executor=executor,
            rebuild=lambda j, offered: _rebuild(inputs, j, offered, settings), warm=lambda j: plans[j],
            reasons=ANY_WAY_OUT,
        )  # fmt: skip
        solved = sorted(set(range(inputs.solve_first)) | set(helpers))
        return _write(
            uow, caller, today, inputs, [(inputs.months[j], plans[j]) for j in solved], rules, started
        )
    finally:
        release_month(uow, month, holder)


def replan_today(
    uow: UnitOfWork,
    *,
    caller: Caller,
    worker_id: int,
    day: date | None = None,
    settings: PlanningSettings = DEFAULT_SETTINGS,
) -> ReplanOutcome:
    """A supervisor's same-morning re-plan of one worker (an absence announced today): `day`, if given, must
    be today, so that a request prepared on another day re-plans nothing by mistake."""
    require_register_writer(caller)
    today = uow.clock.today()
    if day is not None and day != today:
        raise Invalid("输入有误", errors={"date": [f"只能重新安排今天（{today}）"]})
    # A web request: no process pool; one worker and the few colleagues who take over solve quickly in turn.
    return replan(
        uow, caller=caller, today=today, worker_id=worker_id, settings=settings, executor="serial",
        lease_attempts=LEASE_ATTEMPTS,
    )  # fmt: skip


def _read(
    uow: UnitOfWork,
    caller: Caller,
    today: date,
    worker_id: int | None,
    area_code: str | None,
    settings: PlanningSettings,
    rules: PolicyRules,
) -> _Inputs:
    month = Month.of(today)
    with uow:
        latest = uow.plans.latest(str(month))
        if latest is None:
            raise NotFound("该月尚无计划，请先生成月度计划")
        target = _target(uow, caller, worker_id)
        area_path = _area_path(uow, caller, area_code, target)
        scope = Scope((area_path,))
        calendar = WorkCalendar(uow.plans.calendar())
        future = [d for d in calendar.workdays(month) if d > today]
        workers = sorted(
            uow.workers.page(scope, role=Role.GRID_WORKER, active=True, limit=1_000_000, after_id=None),
            key=lambda w: w.id,
        )
        elders = uow.elders.page(scope, ElderFilter(), limit=10_000_000, after_id=None)
        ids = [e.id for e in elders]
        inside = set(ids)
        rows = uow.plans.visits(latest.id)
        unplanned = uow.plans.unplanned(latest.id)
        for row in [*rows, *unplanned]:
            uow.session.expunge(row)
        previous = [r for r in rows if r.elder_id in inside]
        attempts = attempts_of(uow, month, ids)
        people, facts, grid_worker = _coverage(
            uow, month, calendar, today, elders, workers, previous, attempts, rules
        )
        away: dict[int, set[date]] = defaultdict(set)
        for absence in uow.absences.overlapping([w.id for w in workers], today, month.last):
            away[absence.worker_id].update(d for d in [today, *future] if absence.covers(d))
        chosen = [target] if target else list(workers)
        now = uow.clock.now().astimezone(SHANGHAI)
        # The street's colleagues may take what the chosen cannot (overflow goes no further than the street).
        streets = tuple({parent_path(g.path, 2) for w in chosen for g in w.grids})
        helpers = [w for w in workers if w not in chosen and any(g.path.startswith(streets) for g in w.grids)]
        decision = decide(
            previous,
            ((people[e.id], grid_worker.get(e.grid_id)) for e in elders),
            attempts,
            month=month,
            today=today,
            future=future,
            active={e.id: frozenset(active_days(facts[e.id], future)) for e in elders},
            replanned=frozenset(w.id for w in [*chosen, *helpers]),
            absent_today=frozenset(w for w, days in away.items() if today in days),
        )
        inputs = _Inputs(
            month=month,
            area_path=area_path,
            latest_id=latest.id,
            latest_fingerprint=latest.fingerprint,
            latest_summary=dict(latest.summary),
            calendar_warning=calendar.warning(),
            future=future,
            outside=[r for r in rows if r.elder_id not in inside],
            previous=previous,
            previous_unplanned=unplanned,
            decision=decision,
            months=[],
            solve_first=0,
            colleagues=[(worker_facts(w), [d for d in future if d not in away[w.id]]) for w in helpers],
            warm=[],
            facts=facts,
            homes={e.id: home_of(e) for e in elders},
            grid_of={e.id: (e.grid_id, e.grid.code) for e in elders},
            grid_path={e.grid_id: e.grid.path for e in elders},
            fingerprint="",
            now=now.time(),
        )
        if decision.released and now.date() == today:  # a same-day run: colleagues may still help today
            inputs.crew = [worker_facts(w) for w in [*chosen, *helpers] if today not in away[w.id]]
        for worker in chosen:
            _add_month(
                inputs, worker_facts(worker), [d for d in future if d not in away[worker.id]], settings
            )
        inputs.solve_first = len(chosen)
        inputs.fingerprint = _fingerprint(inputs, today, worker_id, calendar, settings)
        return inputs


def _target(uow: UnitOfWork, caller: Caller, worker_id: int | None) -> Worker | None:
    if worker_id is None:
        return None
    worker = uow.workers.get(caller.scope, worker_id)  # NotFound outside the caller's area
    if worker.role is not Role.GRID_WORKER or not worker.active:
        raise Invalid("输入有误", errors={"worker": ["须为在岗的网格员"]})
    return worker


def _area_path(uow: UnitOfWork, caller: Caller, area_code: str | None, target: Worker | None) -> str:
    if area_code:
        return uow.areas.get_by_code(caller.scope, area_code).path
    if target is not None:
        # One worker's re-plan reads their street only: that is as far as their visits may go.
        streets = {parent_path(g.path, 2) for g in target.grids}
        if len(streets) == 1 and caller.scope.covers(next(iter(streets))):
            return streets.pop()
    return caller.scope.area_paths[0] if len(caller.scope.area_paths) == 1 else ROOT_PATH


def _coverage(
    uow: UnitOfWork,
    month: Month,
    calendar: WorkCalendar,
    today: date,
    elders: list[Any],
    workers: list[Worker],
    rows: list[PlannedVisit],
    attempts: dict[int, list[Attempt]],
    rules: PolicyRules,
) -> tuple[dict[int, ElderCoverage], dict[int, ElderFacts], dict[int, int]]:
    """Each person's coverage as `visitsvc.planning.coverage` judges it today: what is still owed."""
    ids = [e.id for e in elders]
    timelines = uow.plans.timelines(ids)
    first = uow.plans.first(str(month))
    plan_made_on = first.created_at.astimezone(SHANGHAI).date() if first else None
    previous = uow.plans.latest(str(month.previous()))
    substituted_before = (
        {v.elder_id for v in uow.plans.visits(previous.id) if v.substituted} if previous else set()
    )
    first_planned: dict[int, dict[str, date]] = defaultdict(dict)
    for (elder_id, obligation), day in uow.months.first_planned(str(month), ids).items():
        first_planned[elder_id][obligation] = day
    slots: dict[int, list[Slot]] = defaultdict(list)
    for row in rows:
        slots[row.elder_id].append(Slot(row.obligation, row.day, row.kind, row.substituted))
    grid_worker: dict[int, int] = {}
    for worker in workers:
        for grid in worker.grids:
            grid_worker.setdefault(grid.id, worker.id)
    facts, people = {}, {}
    for e in elders:
        facts[e.id] = elder_facts(
            e, month, timelines[e.id], substituted_last_month=e.id in substituted_before
        )
        known = ElderMonth(facts[e.id], tuple(slots[e.id]), first_planned[e.id], {}, tuple(attempts[e.id]))
        people[e.id] = coverage.evaluate(
            known, month, calendar, today=today, plan_made_on=plan_made_on, rules=rules
        )
    return people, facts, grid_worker


def _add_month(inputs: _Inputs, worker: WorkerFacts, days: list[date], settings: PlanningSettings) -> None:
    month, warm = _month(inputs, worker, days, settings)
    inputs.months.append(month)
    inputs.warm.append(warm)


def _month(
    inputs: _Inputs, worker: WorkerFacts, days: list[date], settings: PlanningSettings
) -> tuple[WorkerMonth, routing.Plan]:
    """A worker's problem from the decision, and their current routes as its warm start."""
    decision = inputs.decision
    pins = [r for r in decision.kept if r.worker_id == worker.id and r.pinned and r.day in days]
    reserved = inputs.reserved[worker.id] = reserved_minutes(pins, settings)
    current = [r for r in decision.dropped if r.worker_id == worker.id]
    stay = inputs.stay[worker.id] = {str(VisitId.of_row(r)): r.day for r in current}
    owed = decision.owed.get(worker.id, [])
    # Tried and not found, its day given up (a sick day) or newly owed: placed as early as it can be.
    soon = inputs.soon[worker.id] = frozenset(visit_id(o) for o in owed) - stay.keys()
    month = build(worker, owed, inputs.homes, days, settings, reserved=reserved, stay=stay, soon=soon)
    return month, warm_plan(month, current)


def _hand_over_today(inputs: _Inputs, today: date, settings: PlanningSettings) -> None:
    """Released visits that cannot wait for their worker's later days go to colleagues today; their
    workers' problems are built again without them."""
    if not inputs.crew:
        return
    solved = inputs.months[: inputs.solve_first]
    waiting = cannot_wait(inputs.decision, {m.worker.id: m.days for m in solved}, today, settings)
    crew_ids = {w.id for w in inputs.crew}
    kept_today = [r for r in inputs.decision.kept if r.day == today and r.worker_id in crew_ids]
    inputs.handover = handover = hand_over_today(
        waiting, inputs.crew, kept_today, inputs.homes, inputs.grid_path, today=today, now=inputs.now,
        settings=settings,
    )  # fmt: skip
    if not handover.taken:
        return
    decision = inputs.decision
    for lists in (decision.owed, decision.no_day):
        for items in lists.values():
            items[:] = [o for o in items if (o.elder_id, o.key) not in handover.taken]
    decision.owner.update(handover.taken)
    for j, month in enumerate(solved):
        if any((o.elder_id, o.key) in handover.taken for o in month.owed):
            inputs.months[j], inputs.warm[j] = _month(inputs, month.worker, list(month.days), settings)


def _loosen(
    inputs: _Inputs, plans: list[routing.Plan], settings: PlanningSettings, executor: str | Any
) -> None:
    """Planned visits first keep their days, so that a miss does not reshuffle a worker's month; a worker
    whose month then drops something is solved again with every day of each window open, from that plan."""
    full = replace(settings, retry_day=False)

    def loose(j: int) -> WorkerMonth:
        inputs.stay.pop(inputs.months[j].worker.id, None)
        return _rebuild(inputs, j, [], full)

    solve_short_again(inputs.months, plans, loose, settings, executor)


def _rebuild(inputs: _Inputs, j: int, offered: list[Owed], settings: PlanningSettings) -> WorkerMonth:
    month = inputs.months[j]
    return build(
        month.worker, list(month.owed), inputs.homes, list(month.days), settings, offered=offered,
        reserved=inputs.reserved.get(month.worker.id), stay=inputs.stay.get(month.worker.id),
        soon=inputs.soon.get(month.worker.id, frozenset()),
    )  # fmt: skip


def _fingerprint(
    inputs: _Inputs, today: date, worker_id: int | None, calendar: WorkCalendar, settings: PlanningSettings
) -> str:
    kept = sorted(
        (r.elder_id, r.obligation, r.worker_id, str(r.day), r.seq, r.kind.value, r.pinned)
        for r in [*inputs.decision.kept, *inputs.outside]
    )
    extra: dict[str, object] = {
        "trigger": "replan",
        "today": str(today),
        "area": inputs.area_path,
        "worker": worker_id,
        "calendar": sorted(map(str, calendar.overrides.items())),
        "settings": repr(settings),
        "kept": kept,
        "no_day": sorted((str(o), visit_id(i)) for o, items in inputs.decision.no_day.items() for i in items),
        "colleagues": [
            (w.id, [str(d) for d in days], sorted(map(visit_id, inputs.decision.owed.get(w.id, []))))
            for w, days in inputs.colleagues
        ],
        "crew_today": [w.id for w in inputs.crew],
    }
    return fingerprint(inputs.months, extra)


def _write(
    uow: UnitOfWork,
    caller: Caller,
    today: date,
    inputs: _Inputs,
    solved: list[tuple[WorkerMonth, routing.Plan]],
    rules: PolicyRules,
    started: float,
) -> ReplanOutcome:
    months, plans = [m for m, _ in solved], [p for _, p in solved]
    rows = rows_of(
        months, plans, facts=inputs.facts, grid_of=inputs.grid_of, grid_path=inputs.grid_path,
        workdays=inputs.future, rules=rules,
    )  # fmt: skip
    ids = {m.worker.id for m in months}
    decision = inputs.decision
    # A colleague who was offered nothing keeps every row, today's too.
    kept = [*decision.kept, *(r for r in [*decision.dropped, *decision.released] if r.worker_id not in ids)]
    after = inputs.handover.seq  # a colleague's desk calls of today come after the visits they took on
    visits = [copy_row(r, seq=after.get(id(r))) for r in [*inputs.outside, *kept]]
    visits += rows.visits + inputs.handover.rows
    unplanned = [copy_unplanned(u) for u in inputs.previous_unplanned if _still_unplanned(u, inputs, ids)]
    unplanned += [unplanned_row(o, inputs.grid_of[o.elder_id][0], reason) for o, reason in rows.missing]
    for owner, items in decision.no_day.items():
        if owner is None or owner in ids:
            reason = "no_worker" if owner is None else "no_working_day"
            unplanned += [unplanned_row(o, inputs.grid_of[o.elder_id][0], reason) for o in items]
    if same_rows([*inputs.outside, *inputs.previous], inputs.previous_unplanned, visits, unplanned):
        return _unchanged(uow, inputs, today, started)
    counts = changes(inputs.previous, decision.released, visits, today)
    grids = summary([v for v in visits if v.elder_id in inputs.homes], unplanned, inputs.grid_of, months)[
        "grids"
    ]
    new = NewVersion(
        month=inputs.month,
        area_path=inputs.area_path,
        trigger="replan",
        fingerprint=inputs.fingerprint,
        solver_seconds=round(sum(p.stats.wall_time for p in plans), 2),
        substituted=sum(1 for v in visits if v.substituted),
        calendar_warning=inputs.calendar_warning,
        summary={
            **inputs.latest_summary,
            "grids": {**inputs.latest_summary.get("grids", {}), **grids},
            "moved": len(rows.moved),
            "replan": {"today": today.isoformat(), **counts},
        },
    )
    version_id = store_version(uow, caller, new, visits, unplanned, expected_latest=inputs.latest_id)
    return _outcome(uow, inputs, version_id, today, created=True, workers=len(ids), counts=counts,
                    to_colleagues=len(rows.moved) + len(inputs.handover.rows), started=started)  # fmt: skip


def _still_unplanned(row: UnplannedVisit, inputs: _Inputs, solved: set[int]) -> bool:
    """A previous version's unplanned visit stands unless this run looked at it again (or it is settled)."""
    if row.elder_id not in inputs.homes:
        return True  # outside the area
    key = (row.elder_id, row.obligation)
    if key not in inputs.decision.owner:
        return False  # settled, or no longer owed
    owner = inputs.decision.owner[key]
    return owner is not None and owner not in solved


def _unchanged(uow: UnitOfWork, inputs: _Inputs, today: date, started: float) -> ReplanOutcome:
    nothing = {"moved": 0, "added": 0, "removed": 0}
    return _outcome(uow, inputs, inputs.latest_id, today, created=False, workers=0, counts=nothing,
                    to_colleagues=0, started=started)  # fmt: skip


def _outcome(
    uow: UnitOfWork,
    inputs: _Inputs,
    version_id: int,
    today: date,
    *,
    created: bool,
    workers: int,
    counts: dict[str, int],
    to_colleagues: int,
    started: float,
) -> ReplanOutcome:
    with uow:
        version = uow.plans.get(version_id)
        mine = [u for u in uow.plans.unplanned(version.id) if u.elder_id in inputs.homes]
        codes = dict(inputs.grid_of.values())
        unplanned = [
            {"elder_id": u.elder_id, "grid": codes.get(u.grid_id, ""), "obligation": u.obligation,
             "reason": u.reason}
            for u in sorted(mine, key=lambda u: (u.elder_id, u.obligation))
        ]  # fmt: skip
        return ReplanOutcome(
            month=version.month,
            today=today,
            version=version.number,
            version_id=version.id,
            created=created,
            workers=workers,
            moved=counts["moved"],
            added=counts["added"],
            removed=counts["removed"],
            to_colleagues=to_colleagues,
            unplanned=unplanned,
            seconds=round(clock_time.perf_counter() - started, 2),
        )
