"""solve_many starts each search from its own warm start, on every executor, as solve does."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import Problem, solve, solve_many

from .conftest import FAST


def test_each_problem_starts_from_its_own_plan(
    three_visits_two_days: Problem, overloaded_day: Problem
) -> None:
    problems = [three_visits_two_days, overloaded_day]
    previous = [solve(p, FAST) for p in problems]
    one = replace(FAST, solution_limit=1)
    for executor in ("serial", "process"):
        plans = solve_many(problems, one, executor=executor, warm_starts=[previous[0], None])
        assert plans[0].stats.warm_started, executor
        assert plans[0].routes == previous[0].routes, executor
        assert not plans[1].stats.warm_started, executor


def test_one_warm_start_per_problem(three_visits_two_days: Problem) -> None:
    with pytest.raises(ValueError, match="one warm start"):
        solve_many([three_visits_two_days], FAST, executor="serial", warm_starts=[])
