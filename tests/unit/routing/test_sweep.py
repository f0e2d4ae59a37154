"""The sweep start (`Options.start="sweep"`): days cut out of the circle around the home, then the descent."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import timedelta

import pytest

from routing import Matrix, Options, Problem, Shift, TravelMode, Visit, Window, check, solve
from routing._sweep import _angles, _Days, sweep_routes
from routing.prepare import prepare

from .conftest import MONDAY

# Production's kind of search: a descent to its first local optimum, capped by solutions.
DESCENT = Options(time_limit=None, solution_limit=2000, metaheuristic="GREEDY_DESCENT")
SWEEP = replace(DESCENT, start="sweep")


def _month(seed: int, visits: int, days: int, *, windows: bool) -> Problem:
    rng = random.Random(seed)
    points = [(1500.0, 1500.0)] + [(rng.uniform(0, 3000), rng.uniform(0, 3000)) for _ in range(visits)]
    rows = [[round(math.dist(a, b) / 1.2) for b in points] for a in points]
    shapes = [None, None, Window(8 * 3600, 12 * 3600), Window(13 * 3600, 16 * 3600)] if windows else [None]
    owed = [MONDAY + timedelta(days=d) for d in range(days)]
    elders = tuple(
        Visit(f"e{i}", i, 1800, window=shapes[i % len(shapes)], due=owed[i % len(owed)])
        for i in range(1, len(points))
    )
    shifts = tuple(
        Shift("w1", MONDAY + timedelta(days=d), 0, 8 * 3600, 17 * 3600, TravelMode.WALK) for d in range(days)
    )
    return Problem(elders, shifts, (Matrix.from_rows(TravelMode.WALK, rows),))


@pytest.fixture(scope="module")
def petal_month() -> Problem:
    """90 elders scattered over 3 km around the worker's home, 12 days, a month's due days and a third with
    a window: the descent from the insertion heuristic's start keeps days that cross each other."""
    return _month(6, 90, 12, windows=True)


def test_a_sweep_start_ends_with_less_travel_than_the_insertion_start(petal_month: Problem) -> None:
    inserted = solve(petal_month, DESCENT)
    swept = solve(petal_month, SWEEP)
    assert swept.objective.travel < inserted.objective.travel * 0.97
    assert swept.objective.total < inserted.objective.total


def test_a_sweep_start_gives_a_checked_plan_with_every_visit_and_the_same_plan_again(
    petal_month: Problem,
) -> None:
    plan = solve(petal_month, SWEEP)
    assert check(petal_month, plan) == []
    assert plan.dropped == ()
    assert not plan.stats.warm_started  # a start of its own, not a previous plan
    assert solve(petal_month, SWEEP).routes == plan.routes


def test_every_start_route_fits_its_day_and_takes_a_visit_only_where_allowed() -> None:
    problem = _month(2, 40, 4, windows=True)
    first_two = frozenset({MONDAY, MONDAY + timedelta(days=1)})
    problem = replace(problem, visits=(replace(problem.visits[0], days=first_two), *problem.visits[1:]))
    model = prepare(problem, SWEEP).model
    routes = sweep_routes(model)
    assert routes is not None
    days = _Days(model)
    placed = [i for route in routes for i in route]
    assert len(placed) == len(set(placed))
    assert 0 in routes[0] + routes[1]  # the visit allowed on two days only is on one of them
    for v, route in enumerate(routes):
        assert days.cost(v, route) is not None
        assert all(v in model.allowed[i] for i in route)
    assert len(routes[0]) <= model.balance_target  # balance on: no day above its even share


def test_without_one_home_there_is_no_sweep_and_the_solver_starts(petal_month: Problem) -> None:
    shifts = tuple(replace(s, location=1) if k % 2 else s for k, s in enumerate(petal_month.shifts))
    two_homes = replace(petal_month, shifts=shifts)
    assert sweep_routes(prepare(two_homes, SWEEP).model) is None
    assert solve(two_homes, SWEEP).routes == solve(two_homes, DESCENT).routes


def test_the_plane_keeps_the_angles_of_points_around_the_home() -> None:
    """Four elders due north, east, south and west of the home: their angles a quarter turn apart."""
    points = [(0.0, 0.0), (0.0, 100.0), (100.0, 0.0), (0.0, -100.0), (-100.0, 0.0)]
    rows = [[round(math.dist(a, b)) for b in points] for a in points]
    angles = _angles(rows)
    turns = sorted((a - angles[0]) % (2 * math.pi) for a in angles)
    assert turns == pytest.approx([0, math.pi / 2, math.pi, 3 * math.pi / 2], abs=0.05)


def test_an_unknown_start_is_refused() -> None:
    with pytest.raises(ValueError, match="start"):
        Options(start="savings")
