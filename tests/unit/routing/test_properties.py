"""Random small problems: every plan the solver returns passes the checker and accounts for every visit."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing import DropReason, Matrix, Options, Problem, Shift, TravelMode, Visit, Window, check, solve

FIRST_DAY = date(2026, 12, 1)
FEW_SOLUTIONS = Options(time_limit=None, solution_limit=15)


@st.composite
def small_problems(draw: st.DrawFn) -> Problem:
    size = draw(st.integers(2, 8))  # location 0 is home
    points = draw(
        st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 2000)), min_size=size, max_size=size)
    )
    seconds = tuple(round(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5) for ax, ay in points for bx, by in points)
    days = [FIRST_DAY + timedelta(days=i) for i in range(draw(st.integers(1, 3)))]
    workers = ["w1", "w2"][: draw(st.integers(1, 2))]
    capacity = draw(st.none() | st.integers(1, 6))
    shift_end = draw(st.integers(3600, 4 * 3600))
    shifts = tuple(Shift(w, d, 0, 0, shift_end, TravelMode.WALK, capacity) for w in workers for d in days)
    visits = []
    for i in range(1, size):
        window = None
        if draw(st.booleans()):
            start = draw(st.integers(0, shift_end))
            window = Window(start, start + draw(st.integers(0, 3600)))
        allowed = draw(st.none() | st.frozensets(st.sampled_from([*days, FIRST_DAY - timedelta(days=1)])))
        visits.append(
            Visit(
                id=f"v{i}",
                location=i,
                service=draw(st.integers(0, 2400)),
                days=allowed,
                window=window,
                penalty=draw(st.none() | st.integers(0, 10_000)),
                load=draw(st.integers(0, 3)),
            )
        )
    return Problem(tuple(visits), shifts, (Matrix(TravelMode.WALK, size, seconds),))


def reachable_alone(problem: Problem, visit: Visit, shift: Shift) -> bool:
    matrix = problem.matrix(shift.mode)
    begin = shift.start + matrix(shift.location, visit.location)
    if visit.window is not None:
        begin = max(begin, visit.window.start)
        if begin > visit.window.end:
            return False
    return begin + visit.service + matrix(visit.location, shift.location) <= shift.end


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_every_plan_passes_the_checker_and_accounts_for_every_visit(problem: Problem) -> None:
    plan = solve(problem, FEW_SOLUTIONS)

    assert check(problem, plan) == []
    routed = [s.visit_id for r in plan.routes for s in r.stops]
    dropped = [d.visit_id for d in plan.dropped]
    assert sorted(routed + dropped) == sorted(v.id for v in problem.visits)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_each_drop_reason_is_true(problem: Problem) -> None:
    plan = solve(problem, FEW_SOLUTIONS)
    visits = {v.id: v for v in problem.visits}

    for dropped in plan.dropped:
        visit = visits[dropped.visit_id]
        allowed = [s for s in problem.shifts if visit.allows(s)]
        if dropped.reason is DropReason.NO_ALLOWED_DAY:
            assert not allowed
        elif dropped.reason is DropReason.TIME_WINDOW:
            assert allowed
            assert not any(reachable_alone(problem, visit, s) for s in allowed)
        else:
            assert any(reachable_alone(problem, visit, s) for s in allowed)


@settings(max_examples=15, deadline=None)
@given(small_problems())
def test_same_limits_same_plan(problem: Problem) -> None:
    assert solve(problem, FEW_SOLUTIONS).routes == solve(problem, FEW_SOLUTIONS).routes
