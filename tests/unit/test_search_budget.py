"""How much search a worker's month gets: production descends to a local optimum within a budget that follows
the worker's size; an operator's seconds or a run's solution limit search with guided local search."""

from __future__ import annotations

from datetime import date

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
