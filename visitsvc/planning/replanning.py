"""Re-planning the rest of a month: what is still owed, solved again from the next working day with the
current plan as the warm start, stored as a new version that records what moved (docs/adr/0009).

The same shape as a planning run (docs/adr/0005): the month's lease, one short read, the solve with no
transaction open, one write: `replan_reading` reads and decides (`replan_decisions`) what is kept and what is
planned again, `replan_problems` builds and rebuilds the workers' problems as values, `replan_writing` stores
the version.
"""

from __future__ import annotations

import time as clock_time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import routing
from visitsvc.access.scoping import Caller, require_register_writer
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Invalid
from visitsvc.kernel.month import Month
from visitsvc.planning.month_lease import hold_month, release_month
from visitsvc.planning.plan_versions import executor_for, hand_over_overflow, options_of
from visitsvc.planning.policy import PolicyRules
from visitsvc.planning.replan_decisions import Decision
from visitsvc.planning.replan_prints import still_current
from visitsvc.planning.replan_problems import (
    WorkerReplan,
    hand_over_today_of,
    loosen,
    replan_fingerprint,
    worker_replans,
)
from visitsvc.planning.replan_reading import ReplanRead, read_replan
from visitsvc.planning.replan_writing import Replanned, ReplanOutcome, unchanged, write_replan
from visitsvc.planning.route_problems import PlanningSettings

DEFAULT_SETTINGS = PlanningSettings()
DEFAULT_RULES = PolicyRules()
Progress = Callable[[int, int], None]
LEASE_ATTEMPTS = 10  # half a second apart: a running plan makes a request answer 409 rather than hang
ANY_WAY_OUT = frozenset({routing.DropReason.CAPACITY, routing.DropReason.NO_ALLOWED_DAY})

__all__ = ["ReplanOutcome", "replan", "replan_today"]


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
    settings = settings.for_replan()
    month, holder = Month.of(today), uuid.uuid4().hex
    hold_month(uow, month, holder, wait=wait, attempts=lease_attempts)
    try:
        read = read_replan(uow, caller, today, worker_id, area_code, rules)
        homes, grid_path = read.register.homes, read.register.grid_path
        agreed = read.register.agreed
        problems = worker_replans(read.decision, read.chosen, homes, settings, agreed)
        fingerprint = replan_fingerprint(read, [p.month for p in problems], settings)
        if fingerprint == read.latest_fingerprint:
            return unchanged(uow, read, started)
        handover, decision, problems = hand_over_today_of(read, problems, settings)
        # A worker whose problem is the one their routes answer keeps them: nothing to solve (docs/adr/0018).
        stale = [j for j, p in enumerate(problems) if not _current(p, read, decision, settings)]
        plans = [p.warm for p in problems]
        solved_now = routing.solve_many(
            [problems[j].month.problem for j in stale],
            options_of(settings),
            executor=executor_for(executor, len(stale)),
            progress=progress,
            warm_starts=[_start_of(problems[j]) for j in stale],
        )
        for j, plan in zip(stale, solved_now, strict=True):
            plans[j] = plan
        _again_from_current(problems, plans, stale, settings, executor)
        problems, months, plans = loosen(problems, plans, homes, settings, executor)
        if any(d.reason in ANY_WAY_OUT for p in plans for d in p.dropped) or any(
            m.agreed_away for m in months
        ):
            # Colleagues are built only when something may go to them; a plan of theirs stands until they are
            # offered a visit.
            colleagues = worker_replans(decision, read.colleagues, homes, settings, agreed)
            problems += colleagues
            months += [p.month for p in colleagues]
            plans += [p.warm for p in colleagues]
        helpers = hand_over_overflow(
            months, plans, homes, grid_path, reach=read.register.reach(), settings=settings,
            executor=executor,
            rebuild=lambda j, offered: problems[j].rebuilt(homes, settings, offered), warm=lambda j: plans[j],
            reasons=ANY_WAY_OUT,
        )  # fmt: skip
        solved = sorted(set(stale) | set(helpers))
        guarded = {
            problems[j].month.worker.id for j, plan in zip(stale, solved_now, strict=True) if plan.guard_hit
        }
        guarded |= {months[j].worker.id for j in solved if plans[j].guard_hit}
        done = Replanned(
            fingerprint,
            decision,
            handover,
            [(months[j], plans[j]) for j in solved],
            settings,
            tuple(sorted(guarded)),
        )
        outcome = write_replan(uow, caller, read, done, started)
        outcome.guard_hit = list(done.guard_hit)
        return outcome
    finally:
        release_month(uow, month, holder)


def _start_of(problem: WorkerReplan) -> routing.Plan | None:
    """The current routes when they place every visit; else nothing: the insertion heuristic places the
    visits coming back all at once, where a search from the routes adds them one solution at a time (and
    a third of the budget left some out: ADR 0021). The days stay kept either way, by their day costs."""
    warm = problem.warm
    placed = {i for route in warm.routes for i in route.visit_ids}
    return warm if all(v.id in placed for v in problem.month.problem.visits) else None


def _again_from_current(
    problems: list[WorkerReplan],
    plans: list[routing.Plan],
    stale: list[int],
    settings: PlanningSettings,
    executor: str | Any,
) -> None:
    """A fresh search stopped by its guard with fewer visits placed than the worker's current routes is
    searched again from those routes: a search that ends on its guard keeps at least what it started from
    (docs/adr/0024). `plans` is updated in place."""
    stuck = [
        j for j in stale
        if plans[j].guard_hit and not plans[j].stats.warm_started
        and len(plans[j].routed_ids) < len(problems[j].warm.routed_ids)
    ]  # fmt: skip
    if not stuck:
        return
    again = routing.solve_many(
        [problems[j].month.problem for j in stuck], options_of(settings),
        executor=executor_for(executor, len(stuck)), warm_starts=[problems[j].warm for j in stuck],
    )  # fmt: skip
    for j, plan in zip(stuck, again, strict=True):
        plans[j] = plan


def _current(problem: WorkerReplan, read: ReplanRead, decision: Decision, settings: PlanningSettings) -> bool:
    worker = problem.month.worker.id
    if decision.no_day.get(worker):
        return False  # named as unplanned by a run that solves them
    stored = read.latest_prints.get(str(worker))
    return still_current(problem, stored, read.register.homes, settings, read.today)


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
