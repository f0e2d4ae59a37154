"""solve_many gives the plans solve gives, in order, on every executor."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import Plan, Problem, check, process_pool, solve, solve_many

from .conftest import FAST


@pytest.fixture(scope="module")
def problems(
    three_visits_two_days: Problem, overloaded_day: Problem, unreachable_window: Problem
) -> list[Problem]:
    return [three_visits_two_days, overloaded_day, unreachable_window]


def routes_of(plans: list[Plan]) -> list[object]:
    return [(p.routes, p.dropped, p.objective) for p in plans]


def test_process_pool_matches_serial(problems: list[Problem]) -> None:
    serial = solve_many(problems, FAST, executor="serial")
    pooled = solve_many(problems, FAST, executor="process", max_workers=2)

    assert routes_of(pooled) == routes_of(serial) == routes_of([solve(p, FAST) for p in problems])


def test_a_pool_kept_open_serves_call_after_call(problems: list[Problem]) -> None:
    serial = solve_many(problems, FAST, executor="serial")
    with process_pool(2) as pool:
        first = solve_many(problems, FAST, executor=pool)
        again = solve_many(problems[::-1], FAST, executor=pool)

    assert routes_of(first) == routes_of(serial) == routes_of(again[::-1])


def test_progress_counts_every_problem(problems: list[Problem]) -> None:
    seen: list[tuple[int, int]] = []
    solve_many(problems, FAST, executor="serial", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_dask_client_matches_serial(problems: list[Problem]) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as client:
        on_dask = solve_many(problems, FAST, executor=client)
    assert routes_of(on_dask) == routes_of(solve_many(problems, FAST, executor="serial"))


def test_every_seed_gives_a_checked_plan_and_repeats_itself(three_visits_two_days: Problem) -> None:
    for seed in (1, 2, 3):
        options = replace(FAST, seed=seed)
        plan = solve(three_visits_two_days, options)
        assert check(three_visits_two_days, plan) == []
        assert not plan.dropped
        assert solve(three_visits_two_days, options).routes == plan.routes


def test_parallel_restarts_keep_the_cheapest_seed(overloaded_day: Problem) -> None:
    alone = solve(overloaded_day, FAST)
    best_of_two = solve(overloaded_day, replace(FAST, workers=2))

    assert check(overloaded_day, best_of_two) == []
    assert best_of_two.objective.total <= alone.objective.total
