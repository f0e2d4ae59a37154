"""A solve always ends: a wall-clock guard behind the solution limit, and a fixed prefix that overruns its day
closes that day instead of leaving the solver a model no dropping can make feasible (docs/adr/0024)."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from routing import (
    GUARD_SECONDS,
    GUARD_SECONDS_PER_VISIT,
    DropReason,
    Matrix,
    Options,
    Prefix,
    Problem,
    Shift,
    Status,
    TravelMode,
    Visit,
    Window,
    check,
    solve,
)

from .conftest import DAY_END, DAY_START, FAST, HALF_HOUR, MONDAY

WEEK = tuple(MONDAY + timedelta(days=d) for d in range(5))
FAR = 2400  # the hamlet is 40 minutes from everything else


def _village(elders: int) -> Problem:
    """A worker's week: `elders` homes a few minutes apart, and a hamlet (`far`) 40 minutes away."""
    size = elders + 2
    far = size - 1
    rows = [
        [0 if a == b else FAR if far in (a, b) else 300 + 60 * abs(a - b) for b in range(size)]
        for a in range(size)
    ]
    matrix = Matrix.from_rows(TravelMode.WALK, tuple(tuple(r) for r in rows))
    visits = (*(Visit(f"e{i}", i, HALF_HOUR) for i in range(1, elders + 1)), Visit("far", far, HALF_HOUR))
    shifts = tuple(Shift("w1", d, 0, DAY_START, DAY_END, TravelMode.WALK, capacity=8 * 60) for d in WEEK)
    return Problem(visits, shifts, (matrix,))


def _late_in_the_hamlet(problem: Problem) -> Problem:
    """The hamlet's visit may only start at 16:00: whoever made it is not home before 17:10."""
    visits = tuple(
        replace(v, window=Window(16 * 3600, 16 * 3600 + 600)) if v.id == "far" else v for v in problem.visits
    )
    return replace(problem, visits=visits)


def test_a_prefix_after_which_the_worker_cannot_be_home_in_time_closes_its_day_and_the_rest_is_planned() -> (
    None
):
    """Monday's route as served ends in the hamlet at 16:30, 40 minutes from home at a 17:00 end: no route
    of Monday can meet its end. That Monday once made the whole model infeasible, so all ten visits of the
    rest of the week were dropped with it."""
    problem = _late_in_the_hamlet(_village(10))

    plan = solve(problem, FAST, prefixes=[Prefix("w1", MONDAY, ("far",))])

    assert plan.stats.status is Status.FEASIBLE
    assert plan.overrun == (("w1", MONDAY),)
    assert plan.route("w1", MONDAY).visit_ids == ("far",)  # type: ignore[union-attr]
    assert not plan.dropped
    assert sum(len(r.stops) for r in plan.routes if r.day != MONDAY) == 10


def test_a_prefix_carrying_more_load_than_its_day_holds_closes_its_day() -> None:
    """A negative capacity left after the prefix aborted the process inside OR-Tools (a failed CHECK)."""
    problem = _village(6)
    shifts = tuple(replace(s, capacity=45) if s.day == MONDAY else s for s in problem.shifts)
    loaded = tuple(replace(v, load=30) for v in problem.visits)
    problem = replace(problem, visits=loaded, shifts=shifts)

    plan = solve(problem, FAST, prefixes=[Prefix("w1", MONDAY, ("e1", "e2"))])

    assert plan.overrun == (("w1", MONDAY),)
    assert plan.route("w1", MONDAY).visit_ids == ("e1", "e2")  # type: ignore[union-attr]
    assert not plan.dropped


def test_a_prefix_that_leaves_room_is_no_overrun() -> None:
    plan = solve(_village(4), FAST, prefixes=[Prefix("w1", MONDAY, ("far",))])

    assert plan.overrun == ()
    assert not plan.dropped


def _scattered(seed: int, elders: int) -> Problem:
    chance = random.Random(seed)
    points = [(0.0, 0.0)] + [(chance.uniform(-3, 3), chance.uniform(-3, 3)) for _ in range(elders)]
    rows = tuple(
        tuple(round(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 * 600) for bx, by in points) for ax, ay in points
    )
    visits = tuple(Visit(f"e{i}", i, HALF_HOUR) for i in range(1, elders + 1))
    shifts = tuple(
        Shift("w1", MONDAY + timedelta(days=d), 0, DAY_START, DAY_END, TravelMode.WALK) for d in range(20)
    )
    return Problem(visits, shifts, (Matrix.from_rows(TravelMode.WALK, rows),))


@pytest.fixture(scope="module")
def scattered() -> Problem:
    return _scattered(3, 80)


def test_a_search_that_would_run_on_is_stopped_by_its_guard_and_says_so(scattered: Problem) -> None:
    """A million solutions would take hours; the guard stops the search at half a second, with its best."""
    options = Options(time_limit=None, solution_limit=10**6, guard_seconds=0.5)

    started = time.perf_counter()
    plan = solve(scattered, options)

    assert time.perf_counter() - started < 10
    assert plan.guard_hit
    assert plan.stats.guard_hit
    assert check(scattered, plan) == []
    assert not plan.dropped


def test_a_warm_started_search_stopped_before_its_first_solution_keeps_the_warm_start(
    scattered: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped by its guard before it collected anything (OR-Tools answers no assignment), the search
    keeps its start, which OR-Tools restored and checked; a tiny guard would cut the restore itself."""
    from ortools.constraint_solver import pywrapcp

    from routing import _ortools

    before = solve(scattered, FAST)
    monkeypatch.setattr(pywrapcp.RoutingModel, "SolveFromAssignmentWithParameters", lambda *_: None)
    monkeypatch.setattr(_ortools, "_past", lambda guard, since: True)

    plan = solve(scattered, FAST, warm_start=before)

    assert plan.guard_hit
    assert [r.visit_ids for r in plan.routes] == [r.visit_ids for r in before.routes]
    assert check(scattered, plan) == []


def test_a_search_ended_by_its_solution_limit_did_not_hit_the_guard_and_is_the_same_under_any_guard(
    scattered: Problem,
) -> None:
    default, generous = solve(scattered, FAST), solve(scattered, replace(FAST, guard_seconds=3600.0))

    assert not default.guard_hit
    assert [r.visit_ids for r in default.routes] == [r.visit_ids for r in generous.routes]
    assert default.objective == generous.objective


def test_the_guard_follows_the_problem_size_and_a_time_limit_needs_none() -> None:
    sized = Options(time_limit=None, solutions_per_visit=20.0)

    assert sized.guard(100) == GUARD_SECONDS + 100 * GUARD_SECONDS_PER_VISIT
    assert replace(sized, guard_seconds=7.0).guard(100) == 7.0
    assert Options(time_limit=2.0).guard(100) is None


def test_a_solution_limited_search_gets_its_guard_as_the_time_limit_and_no_cp_sat_fallback(
    scattered: Problem,
) -> None:
    # CP-SAT's fallback searches until the time limit: inside a guarded solve it would spend the whole
    # guard, where "no solution" lets the caller's own fallbacks answer at once.
    from routing._ortools import _search_parameters
    from routing.prepare import prepare

    options = Options(time_limit=None, solution_limit=5, guard_seconds=42.0)
    params = _search_parameters(prepare(scattered, options).model)

    assert params.time_limit.ToMilliseconds() == 42_000
    assert params.fallback_to_cp_sat_size_threshold == 0


def test_one_overloaded_day_of_mandatory_visits_with_a_stale_warm_start_ends_quickly() -> None:
    """ADR 0018's month-end night: every visit allowed on one day only, twice its load, and a warm start
    holding some of them on a day they may no longer take. The heuristic places what fits; nothing runs on."""
    problem = _village(15)
    last, before_last = WEEK[-1], WEEK[-2]
    visits = tuple(replace(v, days=frozenset({before_last}), load=30) for v in problem.visits)
    shifts = tuple(replace(s, capacity=240) for s in problem.shifts)
    problem = replace(problem, visits=visits, shifts=shifts)
    stale = solve(replace(problem, visits=tuple(replace(v, days=None) for v in visits)), FAST)
    assert any(r.day == last for r in stale.routes) or any(r.day != before_last for r in stale.routes)

    started = time.perf_counter()
    plan = solve(problem, replace(FAST, guard_seconds=30.0), warm_start=stale)

    assert time.perf_counter() - started < 5
    assert not plan.guard_hit
    assert check(problem, plan) == []
    assert {d.reason for d in plan.dropped} == {DropReason.CAPACITY}
    assert {r.day for r in plan.routes} == {before_last}


def test_a_search_stopped_a_moment_before_its_guard_by_our_clock_counts_as_stopped_by_it() -> None:
    """OR-Tools' clock for the time limit starts before ours: a 0.3-s guard was seen to stop a search
    at 0.2996 s by ours (the re-plan guard test failed on a loaded CI run). A quick search is no guard hit."""
    from routing._ortools import _past

    now = time.perf_counter()
    assert _past(0.3, now - 0.2996)
    assert not _past(0.3, now - 0.1)
    assert not _past(None, now - 1000.0)
