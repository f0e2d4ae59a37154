"""A re-plan's fresh search that hit its guard with fewer visits placed than the worker's current routes is
searched again from those routes (docs/adr/0024): a night that ends on a guard keeps what the worker had."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import routing
from visitsvc.model import TravelMode, VisitKind
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.replan_problems import WorkerReplan
from visitsvc.planning.replanning import _again_from_current
from visitsvc.planning.route_problems import Home, PlanningSettings, WorkerFacts, build

SETTINGS = PlanningSettings(solution_limit=10)
WEEK = [date(2026, 12, d) for d in range(14, 19)]
WORKER = WorkerFacts(1, TravelMode.WALK, (120.111, 30.211), time(8, 30), time(17, 30), 240, ("/1/2/3/4/",))
HOMES = {e: Home(e, 4, 120.110 + 0.001 * e, 30.210) for e in range(1, 6)}


def worker() -> WorkerReplan:
    owed = [Owed(e, VisitKind.HOME, WEEK[0], WEEK[-1], Rule.MONTHLY_HOME, "month") for e in HOMES]
    month = build(WORKER, owed, HOMES, WEEK, SETTINGS)
    current = routing.solve(month.problem, routing.Options(time_limit=None, solution_limit=10))
    return WorkerReplan(month, current, {}, None, frozenset())


def stopped(plan: routing.Plan) -> routing.Plan:
    """What a fresh search stopped by its guard before it placed anything answers."""
    dropped = tuple(routing.Dropped(i, routing.DropReason.CAPACITY) for i in sorted(plan.routed_ids))
    stats = routing.Stats(0.0, None, routing.Status.FEASIBLE, guard_hit=True)
    return replace(plan, routes=(), dropped=dropped, stats=stats)


def test_a_fresh_search_stopped_by_its_guard_is_searched_again_from_the_current_routes() -> None:
    problem = worker()
    plans = [stopped(problem.warm)]

    _again_from_current([problem], plans, [0], SETTINGS, "serial")

    assert plans[0].routed_ids == problem.warm.routed_ids
    assert not plans[0].dropped


def test_a_search_that_placed_as_much_or_ended_on_its_own_limits_is_kept() -> None:
    problem = worker()
    within = replace(stopped(problem.warm), stats=routing.Stats(0.0, None, routing.Status.FEASIBLE))
    plans = [within]

    _again_from_current([problem], plans, [0], SETTINGS, "serial")

    assert plans[0] is within
