"""Ruin and recreate after the descent: reproducible, never worse than the descent, always a checked plan."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import timedelta

import pytest

from routing import Matrix, Options, Problem, Shift, TravelMode, Visit, Window, check, solve, solve_many
from routing._ruin import Neighbours, ruin

from .conftest import MONDAY

# Production's kind of search: a descent to its first local optimum, capped by solutions.
DESCENT = Options(time_limit=None, solution_limit=400, metaheuristic="GREEDY_DESCENT")


@pytest.fixture(scope="module")
def scattered_month() -> Problem:
    """60 elders scattered over 3 km around the worker's home, 5 days; a third with a morning or an
    afternoon window. Big enough that the descent stops short of the best month."""
    rng = random.Random(3)
    points = [(1500.0, 1500.0)] + [(rng.uniform(0, 3000), rng.uniform(0, 3000)) for _ in range(60)]
    rows = [[round(math.dist(a, b) / 1.2) for b in points] for a in points]
    windows = [None, None, Window(8 * 3600, 12 * 3600), Window(13 * 3600, 16 * 3600)]
    visits = tuple(Visit(f"e{i}", i, 1200, window=windows[i % 4]) for i in range(1, len(points)))
    shifts = tuple(
        Shift("w1", MONDAY + timedelta(days=d), 0, 8 * 3600, 17 * 3600, TravelMode.WALK) for d in range(5)
    )
    return Problem(visits, shifts, (Matrix.from_rows(TravelMode.WALK, rows),))


def test_same_seed_and_rounds_give_the_same_plan(scattered_month: Problem) -> None:
    options = replace(DESCENT, ruins=15, seed=4)
    assert solve(scattered_month, options).routes == solve(scattered_month, options).routes


def test_rounds_never_end_worse_than_the_descent_they_start_from(scattered_month: Problem) -> None:
    descent = solve(scattered_month, DESCENT).objective.total
    for rounds in (1, 5, 15):
        assert solve(scattered_month, replace(DESCENT, ruins=rounds)).objective.total <= descent


def test_rounds_find_a_cheaper_month_than_the_descent_alone(scattered_month: Problem) -> None:
    descent = solve(scattered_month, DESCENT)
    ruined = solve(scattered_month, replace(DESCENT, ruins=15))
    assert ruined.objective.total < descent.objective.total


def test_every_round_count_and_seed_gives_a_checked_plan_with_every_visit(scattered_month: Problem) -> None:
    for seed, rounds in ((0, 1), (1, 7), (2, 15)):
        plan = solve(scattered_month, replace(DESCENT, ruins=rounds, seed=seed))
        assert check(scattered_month, plan) == []
        assert plan.dropped == ()


def test_a_time_limit_stops_the_rounds(scattered_month: Problem) -> None:
    options = Options(time_limit=0.5, metaheuristic="GREEDY_DESCENT", ruins=10**9)
    plan = solve(scattered_month, options)
    assert check(scattered_month, plan) == []
    assert plan.stats.wall_time < 5


def test_negative_rounds_are_refused() -> None:
    with pytest.raises(ValueError, match="ruins"):
        Options(ruins=-1)


def test_the_process_pool_and_dask_plan_what_solve_plans(scattered_month: Problem) -> None:
    distributed = pytest.importorskip("distributed")
    options = replace(DESCENT, ruins=5)
    problems = [scattered_month, replace(scattered_month, shifts=scattered_month.shifts[:4])]
    alone = [solve(p, options).routes for p in problems]
    pooled = solve_many(problems, options, executor="process", max_workers=2)
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as client:
        on_dask = solve_many(problems, options, executor=client)
    assert [p.routes for p in pooled] == alone == [p.routes for p in on_dask]


def test_a_ruin_takes_strings_of_consecutive_visits_and_moves_none() -> None:
    routes = [list(range(k * 12, k * 12 + 12)) for k in range(4)]
    travel = [[abs(a - b) for b in range(48)] for a in range(48)]
    for seed in range(20):
        ruined = ruin(routes, Neighbours(travel, 48), random.Random(seed))
        assert sum(map(len, ruined)) < 48
        for before, after in zip(routes, ruined, strict=True):
            assert after == [i for i in before if i in after]  # what stays keeps its order
            taken = [k for k, i in enumerate(before) if i not in after]
            assert taken == list(range(taken[0], taken[0] + len(taken))) if taken else after == before


def test_rounds_stop_at_the_wall_clock_guard_and_say_so(scattered_month: Problem) -> None:
    plan = solve(scattered_month, replace(DESCENT, ruins=10**9, guard_seconds=1.0))
    assert plan.stats.guard_hit
    assert check(scattered_month, plan) == []
    assert plan.stats.wall_time < 10


def test_rounds_within_the_guard_leave_it_unhit(scattered_month: Problem) -> None:
    assert not solve(scattered_month, replace(DESCENT, ruins=5)).stats.guard_hit
