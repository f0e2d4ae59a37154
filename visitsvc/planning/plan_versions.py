"""The steps a monthly plan run and a re-plan share: overflow handed to colleagues, solved routes turned into
plan rows (with phone substitution: low-risk people's home visits, and where an area allows it high-risk
people's weekly ones after their first), and the new version stored in one transaction."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy.exc import IntegrityError

import routing
from visitsvc.access.scoping import Caller
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict
from visitsvc.kernel.month import Month
from visitsvc.model import PlannedVisit, PlanVersion, UnplannedVisit, VisitKind
from visitsvc.planning import overflow
from visitsvc.planning.plan_rows import MissingRow, NewVisit, PlanRow
from visitsvc.planning.policy import (
    ElderFacts,
    Owed,
    PeopleRules,
    PolicyRules,
    Rule,
    first_home_visits,
    is_substitutable,
    may_become_call,
)
from visitsvc.planning.route_problems import Home, PlanningSettings, WorkerMonth

DROP_REASON = {
    routing.DropReason.CAPACITY: "capacity",
    routing.DropReason.NO_ALLOWED_DAY: "no_working_day",
    routing.DropReason.TIME_WINDOW: "unreachable_window",
}
CAPACITY_ONLY = frozenset({routing.DropReason.CAPACITY})


# Colleagues asked in turn for a visit: the nearest, then (if their solve drops it) the next nearest. Each
# round re-solves the colleagues offered something in it: a bound on what a run may spend (ADR 0025).
HANDOVER_ROUNDS = 2

# Starting a process pool (a fresh interpreter importing OR-Tools per process) costs about as much as a few
# solves: fewer problems than this are solved in turn.
POOL_FROM = 4


def executor_for(executor: str | Any, problems: int) -> str | Any:
    """`executor` for `problems` independent solves, or "serial" when a local pool would cost more than it
    saves. A Dask cluster (an address or a `distributed.Client`) always gets them: it is running already, and
    the machine that asks may be too small to solve (VISITSVC_DASK_SCHEDULER)."""
    local = executor == "process" or isinstance(executor, Executor)
    return "serial" if local and problems < POOL_FROM else executor


# The insertion-heuristic neighbourhoods cost a quarter of a descent's CPU on the city's workers and changed
# its result by 2 in 5.7 million (docs/adr/0023).
DESCENT_OPERATORS = tuple(
    (f"local_search_operators.{name}", False)
    for name in (
        "use_global_cheapest_insertion_path_lns",
        "use_local_cheapest_insertion_path_lns",
        "use_relocate_path_global_cheapest_insertion_insert_unperformed",
        "use_global_cheapest_insertion_visit_types_lns",
        "use_local_cheapest_insertion_visit_types_lns",
    )
)


def options_of(settings: PlanningSettings) -> routing.Options:
    """The search a run's settings ask for, first match wins:
    - a solution limit (simulation, tests): guided local search stopped at that many solutions, reproducible;
    - an operator's `--time-per-worker`: guided local search for that long;
    - otherwise production's: a descent capped at `solutions_per_visit`, then `ruin_rounds` (ADRs 0023, 0002).
    """
    guard = settings.guard_seconds  # None: routing's own, sized to each problem (docs/adr/0024)
    if settings.solution_limit is not None:
        return routing.Options(time_limit=None, solution_limit=settings.solution_limit, guard_seconds=guard)
    if settings.time_per_worker is not None:
        return routing.Options(time_limit=settings.time_per_worker)
    return routing.Options(
        time_limit=None,
        solutions_per_visit=settings.solutions_per_visit,
        metaheuristic="GREEDY_DESCENT",
        search_overrides=DESCENT_OPERATORS,
        ruins=settings.ruin_rounds,
        guard_seconds=guard,
    )


def guard_hits(months: Sequence[WorkerMonth], plans: Sequence[routing.Plan]) -> list[int]:
    """The workers whose solve was stopped by its wall-clock guard: their plans are the best found by then."""
    return sorted({m.worker.id for m, p in zip(months, plans, strict=True) if p.guard_hit})


def solve_short_again(
    months: list[WorkerMonth],
    plans: list[routing.Plan],
    rebuild: Callable[[int], WorkerMonth],
    settings: PlanningSettings,
    executor: str | Any,
) -> None:
    """Workers whose plan dropped visits, solved again from that plan with the problem `rebuild(j)` gives
    (fewer restrictions), before colleagues are asked; `months` and `plans` are updated in place."""
    short = [j for j, plan in enumerate(plans) if plan.dropped]
    if not short:
        return
    rebuilt = [rebuild(j) for j in short]
    again = routing.solve_many(
        [m.problem for m in rebuilt],
        options_of(settings),
        executor=executor_for(executor, len(rebuilt)),
        warm_starts=[plans[j] for j in short],
    )
    for j, month, plan in zip(short, rebuilt, again, strict=True):
        months[j], plans[j] = month, plan


def hand_over_overflow(
    months: list[WorkerMonth],
    plans: list[routing.Plan],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    *,
    reach: overflow.Reach,
    settings: PlanningSettings,
    executor: str | Any,
    rebuild: Callable[[int, list[Owed]], WorkerMonth],
    warm: Callable[[int], routing.Plan | None] = lambda _j: None,
    reasons: frozenset[routing.DropReason] = CAPACITY_ONLY,
) -> list[int]:
    """Offer what a worker could not fit to the nearest colleague within reach (community, street, then the
    area planned); re-solve theirs. What a colleague's solve still drops goes to the next nearest, for
    `HANDOVER_ROUNDS` rounds in all.

    `rebuild(j, offered)` is helper j's month with the offered visits added; `warm(j)` its search's start.
    `reach`: minutes one way, per grid path of the person (their area's policy).
    Returns the helpers, whose months and plans are replaced in place."""
    load = settings.home_minutes
    offered = overflow.offers(
        months, plans, homes, grid_path, reasons=reasons, reach_minutes=reach, home_load=load
    )
    held: dict[int, list[Owed]] = defaultdict(list)  # what each helper is offered, all rounds so far
    refused: dict[str, set[int]] = {}
    helpers: set[int] = set()
    for round_ in range(1, HANDOVER_ROUNDS + 1):
        if not offered:
            break
        solving = sorted(offered)
        for j in solving:
            # A visit this helper dropped in an earlier round is another's to try now.
            held[j] = [o for o in held[j] if j not in refused.get(overflow.visit_id(o), ())] + offered[j]
        rebuilt = [rebuild(j, held[j]) for j in solving]
        solved = routing.solve_many(
            [m.problem for m in rebuilt],
            options_of(settings),
            executor=executor_for(executor, len(rebuilt)),
            warm_starts=[warm(j) for j in solving],
        )
        for j, month, plan in zip(solving, rebuilt, solved, strict=True):
            months[j], plans[j] = month, plan
        helpers.update(solving)
        if round_ < HANDOVER_ROUNDS:
            offered = overflow.offers_again(
                months, plans, solving, refused, homes, grid_path, reach_minutes=reach, home_load=load
            )
    return sorted(helpers)


@dataclass
class Rows:
    visits: list[NewVisit] = field(default_factory=list)
    missing: list[tuple[Owed, str]] = field(default_factory=list)  # (owed, reason)
    substituted: Counter[int] = field(default_factory=Counter)  # per grid id
    moved: set[str] = field(default_factory=set)  # visit ids a colleague took on


def rows_of(
    months: Sequence[WorkerMonth],
    plans: Sequence[routing.Plan],
    *,
    facts: dict[int, ElderFacts],
    grid_of: dict[int, tuple[int, str]],
    grid_path: dict[int, str],
    workdays: Sequence[date],
    rules: PolicyRules | PeopleRules,
    seen_at_home: Collection[int] = frozenset(),
) -> Rows:
    """Planned rows of the solved months, in route order then phone visits; what could not be placed, why.
    `rules`: each person's policy (or one for all), which says what capacity may turn into a call;
    `seen_at_home`: people seen at home this month already (a re-plan): their first home visit is behind."""
    rows = Rows(moved=overflow.moved_ids(list(months), list(plans)))
    rules_of = PeopleRules.of(rules)
    for worker_month, plan in zip(months, plans, strict=True):
        worker = worker_month.worker
        first_home = first_home_visits(worker_month.owed)

        def add(
            owed: Owed, day: date, seq: int, arrival: time | None, kind: VisitKind, **flags: bool
        ) -> None:
            # Another grid's person is this worker's to see while the visit is theirs (scoping).
            # A visitor's people are theirs by the pairing (docs/adr/0029).
            moved = not worker.visitor and grid_path[grid_of[owed.elder_id][0]] not in worker.grid_paths  # noqa: B023
            rows.visits.append(planned_row(owed, worker.id, day, seq, arrival, kind, moved=moved, **flags))  # noqa: B023

        phone_seq: Counter[date] = Counter()
        for route in plan.routes:
            # A visit agreed for a day its worker is away, which a colleague took at the agreed time, leaves
            # the worker's route (where it waited in case nobody could).
            stops = [
                s for s in route.stops if s.visit_id in worker_month.offered or s.visit_id not in rows.moved
            ]
            for seq, stop in enumerate(stops, start=1):
                owed = worker_month.owed_by_visit[stop.visit_id]
                add(owed, route.day, seq, clock_of(stop.arrival), owed.kind)
            phone_seq[route.day] = len(stops)
        for owed, day in worker_month.phone:
            phone_seq[day] += 1
            add(owed, day, phone_seq[day], None, VisitKind.PHONE)
        for owed in worker_month.no_day:
            rows.missing.append((owed, "no_working_day"))
        for dropped in plan.dropped:
            if dropped.visit_id in worker_month.offered or dropped.visit_id in rows.moved:
                continue  # an offer not taken stays its origin's; a drop taken by a colleague is no miss
            owed = worker_month.owed_by_visit[dropped.visit_id]
            reason = DROP_REASON[dropped.reason]
            window = [d for d in workdays if owed.earliest <= d <= owed.latest]
            first = None if owed.elder_id in seen_at_home else first_home.get(owed.elder_id)
            substitute = reason == "capacity" and _may_substitute(
                owed, facts[owed.elder_id], rules_of(owed.elder_id), first
            )
            if substitute and window:
                phone_seq[window[0]] += 1
                add(owed, window[0], phone_seq[window[0]], None, VisitKind.PHONE, substituted=True)
                rows.substituted[grid_of[owed.elder_id][0]] += 1
            else:
                rows.missing.append((owed, reason))
    return rows


def _may_substitute(owed: Owed, facts: ElderFacts, rules: PolicyRules, first_home: str | None) -> bool:
    """May this home visit, dropped for capacity, become a call instead?"""
    if owed.rule is Rule.WEEKLY_HIGH_RISK:
        return may_become_call(owed, rules, first_home)
    return rules.substitute_phone and is_substitutable(facts, rules)


def unplanned_row(owed: Owed, grid_id: int, reason: str) -> UnplannedVisit:
    return UnplannedVisit(
        elder_id=owed.elder_id, grid_id=grid_id, kind=owed.kind, obligation=owed.key, reason=reason
    )


def copy_unplanned(row: UnplannedVisit | MissingRow) -> UnplannedVisit:
    return UnplannedVisit(
        elder_id=row.elder_id,
        grid_id=row.grid_id,
        kind=row.kind,
        obligation=row.obligation,
        reason=row.reason,
    )


def planned_row(
    owed: Owed,
    worker_id: int,
    day: date,
    seq: int,
    arrival: time | None,
    kind: VisitKind,
    *,
    moved: bool = False,
    substituted: bool = False,
) -> NewVisit:
    return NewVisit(
        owed.elder_id, worker_id, day, seq, arrival, kind, owed.key, owed.rule.value, substituted, moved
    )


def copy_row(row: PlannedVisit | PlanRow, *, seq: int | None = None) -> PlannedVisit:
    return PlannedVisit(
        elder_id=row.elder_id, worker_id=row.worker_id, day=row.day, seq=row.seq if seq is None else seq,
        arrival=row.arrival, kind=row.kind, obligation=row.obligation, rule=row.rule,
        substituted=row.substituted, moved=row.moved, pinned=row.pinned,
    )  # fmt: skip


def clock_of(seconds: int) -> time:
    return time(min(seconds // 3600, 23), seconds % 3600 // 60)


def reserved_minutes(rows: Iterable[PlanRow], settings: PlanningSettings) -> dict[date, int]:
    """What kept rows (a supervisor's pins) take of their days' budget."""
    minutes: dict[date, int] = defaultdict(int)
    for row in rows:
        minutes[row.day] += settings.phone_minutes if row.kind is VisitKind.PHONE else settings.home_minutes
    return dict(minutes)


def summary(
    visits: Sequence[NewVisit],
    unplanned: Sequence[UnplannedVisit],
    grid_of: dict[int, tuple[int, str]],
    months: Sequence[WorkerMonth],
) -> dict[str, Any]:
    """Per grid: owed, planned, substituted (of them `weekly_calls`: high-risk people's weekly home visits),
    unplanned, and the minutes its workers had."""
    grids = dict(grid_of.values())
    per_grid: dict[str, Counter[str]] = defaultdict(Counter)
    grid_of_elder = {e: grid_id for e, (grid_id, _) in grid_of.items()}
    for v in visits:
        code = grids.get(grid_of_elder.get(v.elder_id, -1), "?")
        per_grid[code]["planned"] += 1
        per_grid[code]["substituted"] += int(v.substituted)
        per_grid[code]["weekly_calls"] += int(v.substituted and v.rule == Rule.WEEKLY_HIGH_RISK.value)
    for u in unplanned:
        per_grid[grids.get(u.grid_id, "?")]["unplanned"] += 1
    for m in months:
        minutes = sum(s.capacity or 0 for s in m.problem.shifts)
        for code in {grids[grid_of_elder[o.elder_id]] for o in m.owed_by_visit.values()}:
            per_grid[code]["available_minutes"] = minutes
    for counts in per_grid.values():
        counts["owed"] = counts["planned"] + counts["unplanned"]
    keys = ("owed", "planned", "substituted", "weekly_calls", "unplanned", "available_minutes")
    return {"grids": {code: {k: counts[k] for k in keys} for code, counts in sorted(per_grid.items())}}


@dataclass(frozen=True, slots=True)
class NewVersion:
    month: Month
    area_path: str
    trigger: str
    fingerprint: str
    solver_seconds: float
    substituted: int
    calendar_warning: str | None
    summary: dict[str, Any]
    worker_fingerprints: dict[str, dict[str, str]] | None = None  # docs/adr/0018


def store_version(
    uow: UnitOfWork,
    caller: Caller,
    new: NewVersion,
    visits: list[NewVisit],
    unplanned: list[UnplannedVisit],
    *,
    expected_latest: int | None = None,
) -> int:
    """Write the version and its rows in one transaction; its id. With `expected_latest` (a version id), a
    version written meanwhile by someone else makes this one a Conflict instead of silently replacing it."""
    month = str(new.month)
    with uow:
        latest = uow.plans.latest(new.month)
        if expected_latest is not None and (latest is None or latest.id != expected_latest):
            raise Conflict("计划已被另一任务更新，请重试", code="plan_conflict")
        version = PlanVersion(
            month=month,
            number=(latest.number + 1) if latest else 1,
            area_path=new.area_path,
            trigger=new.trigger,
            fingerprint=new.fingerprint,
            created_at=uow.clock.now(),
            solver_seconds=new.solver_seconds,
            planned_count=len(visits),
            unplanned_count=len(unplanned),
            substituted_count=new.substituted,
            calendar_warning=new.calendar_warning,
            summary=new.summary,
            worker_fingerprints=new.worker_fingerprints,
        )
        try:
            uow.plans.add(version, visits, unplanned)
            audit.record(
                uow,
                caller,
                action="plan.create",
                record_type="plan",
                record_id=version.id,
                area_path=new.area_path,
                details={"month": month, "number": version.number, "trigger": new.trigger},
            )
            uow.commit()
        except IntegrityError as exc:
            raise Conflict("计划已被另一任务更新，请重试", code="plan_conflict") from exc
        return version.id
