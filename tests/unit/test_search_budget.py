"""How much search a worker's month gets: production descends to a local optimum within a budget that follows
the worker's size; an operator's seconds or a run's solution limit search with guided local search."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

import routing
from routing import Location, Problem, Shift, TravelMode, Visit, build_matrices
from visitsvc.planning.plan_versions import options_of
from visitsvc.planning.route_problems import PlanningSettings

MONDAY = date(2026, 12, 7)


def _street(visits: int) -> Problem:
    """Homes 100 m apart along one street, one day of a walking worker."""
    locations = [Location(116.4 + i * 0.00117, 39.9) for i in range(visits + 1)]
    return Problem(
        tuple(Visit(f"e{i}", i, 1200) for i in range(1, visits + 1)),
        (Shift("w1", MONDAY, 0, 8 * 3600, 17 * 3600, TravelMode.WALK),),
        build_matrices(locations, [TravelMode.WALK]),
    )


def test_production_descends_to_a_local_optimum_with_a_budget_per_visit() -> None:
    options = options_of(PlanningSettings())
    assert options.metaheuristic == "GREEDY_DESCENT"
    assert options.time_limit is None
    assert options.solution_limit is None
    assert options.sized_for(71).solution_limit == 71 * PlanningSettings().solutions_per_visit


def test_production_s_search_runs_and_is_the_same_on_every_run() -> None:
    """The operators it switches off are OR-Tools' own names (a misspelt one would fail the solve)."""
    problem = _street(12)
    first, second = (routing.solve(problem, options_of(PlanningSettings())) for _ in range(2))
    assert not first.dropped
    assert first.routes == second.routes


@pytest.mark.parametrize(
    ("settings", "time_limit", "solution_limit"),
    [(PlanningSettings(time_per_worker=2.5), 2.5, None), (PlanningSettings(solution_limit=40), None, 40)],
)
def test_seconds_or_a_solution_limit_search_with_guided_local_search(
    settings: PlanningSettings, time_limit: float | None, solution_limit: int | None
) -> None:
    options = options_of(settings)
    assert options.metaheuristic == "GUIDED_LOCAL_SEARCH"
    assert (options.time_limit, options.solution_limit) == (time_limit, solution_limit)


def test_production_s_descent_is_followed_by_the_settings_rounds_of_ruin_and_recreate() -> None:
    assert options_of(PlanningSettings(ruin_rounds=10)).ruins == 10
    assert options_of(PlanningSettings()).ruins == PlanningSettings().ruin_rounds == 0  # off: ADR 0002


def test_a_re_plan_runs_its_share_of_the_rounds_from_the_month_searched_already() -> None:
    settings = PlanningSettings(ruin_rounds=30, replan_share=1 / 3)
    assert options_of(settings.for_replan()).ruins == 10
    assert PlanningSettings(ruin_rounds=1).for_replan().ruin_rounds == 1  # a share of some is never none


@pytest.mark.parametrize(
    "settings", [PlanningSettings(time_per_worker=2.5), PlanningSettings(solution_limit=40)]
)
def test_guided_local_search_has_no_rounds_after_it(settings: PlanningSettings) -> None:
    """A time limit leaves them no time, and a run's solution limit keeps the plan it has always given."""
    assert options_of(settings).ruins == 0


def test_production_s_rounds_find_a_cheaper_month_than_its_descent_alone_and_the_same_each_time() -> None:
    problem = _scattered_month()
    descent = routing.solve(problem, options_of(PlanningSettings()))
    first, second = (routing.solve(problem, options_of(PlanningSettings(ruin_rounds=10))) for _ in range(2))
    assert first.objective.total < descent.objective.total
    assert first.routes == second.routes
    assert first.dropped == descent.dropped == ()


def _scattered_month() -> Problem:
    """50 homes scattered over 3 km around the worker's, a walking worker's week: the descent stops short."""
    rng = random.Random(7)
    locations = [Location(116.4 + rng.uniform(0, 0.035), 39.9 + rng.uniform(0, 0.027)) for _ in range(51)]
    shifts = tuple(
        Shift("w1", MONDAY + timedelta(days=d), 0, 8 * 3600, 17 * 3600, TravelMode.WALK) for d in range(5)
    )
    visits = tuple(Visit(f"e{i}", i, 1200) for i in range(1, len(locations)))
    return Problem(visits, shifts, build_matrices(locations, [TravelMode.WALK]))


def test_settings_print_as_before_the_rounds_existed_until_rounds_are_set() -> None:
    # The text of plans' and workers' fingerprints: versions stored before the field stay current.
    before = (
        "PlanningSettings(home_minutes=30, phone_minutes=10, solutions_per_visit=20.0, time_per_worker=None, "
        "solution_limit=None, retry_day=True, later_tries=4, later_try_cost=4000, leave_day_cost=6000, "
        "first_plan_share=0.85, replan_share=0.3333333333333333, guard_seconds=None)"
    )
    assert repr(PlanningSettings()) == before
    assert "ruin_rounds=10" in repr(PlanningSettings(ruin_rounds=10))
