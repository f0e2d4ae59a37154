"""The checker catches each kind of violation in plans broken by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing import (
    Dropped,
    DropReason,
    Objective,
    Plan,
    Problem,
    Route,
    Stats,
    Status,
    Stop,
    ViolationKind,
    Visit,
    Window,
    check,
)

from .conftest import DAY_END, DAY_START, HALF_HOUR, MONDAY, TUESDAY

NO_STATS = Stats(wall_time=0.0, first_solution_time=None, status=Status.FEASIBLE)


def monday_plan(*stops: Stop, end: int, travel: int, dropped: tuple[Dropped, ...] = ()) -> Plan:
    return Plan(
        routes=(Route("w1", MONDAY, stops, end),),
        dropped=dropped,
        objective=Objective(travel=travel, dropped_penalty=0, lateness=0),
        stats=NO_STATS,
    )


def chain(first_arrival: int = DAY_START + 300) -> tuple[Stop, ...]:
    """e1, e2, e3 at their earliest times: 300 s legs, half-hour visits."""
    step = HALF_HOUR + 300
    return tuple(Stop(f"e{i}", first_arrival + (i - 1) * step) for i in (1, 2, 3))


def good_plan() -> Plan:
    stops = chain()
    return monday_plan(*stops, end=stops[-1].arrival + HALF_HOUR + 600, travel=1500)


def kinds(problem: Problem, plan: Plan) -> set[ViolationKind]:
    return {v.kind for v in check(problem, plan)}


def test_a_hand_made_feasible_plan_passes(three_visits_two_days: Problem) -> None:
    assert check(three_visits_two_days, good_plan()) == []


def test_waiting_longer_than_needed_is_allowed(three_visits_two_days: Problem) -> None:
    late = chain(DAY_START + 3600)
    assert check(three_visits_two_days, monday_plan(*late, end=DAY_END, travel=1500)) == []


def test_visit_routed_twice(three_visits_two_days: Problem) -> None:
    plan = good_plan()
    twice = replace(
        plan, routes=(*plan.routes, Route("w1", TUESDAY, (Stop("e1", DAY_START + 300),), DAY_END))
    )
    assert ViolationKind.DUPLICATE in kinds(three_visits_two_days, twice)


def test_visit_routed_and_dropped(three_visits_two_days: Problem) -> None:
    plan = replace(good_plan(), dropped=(Dropped("e2", DropReason.CAPACITY),))
    assert kinds(three_visits_two_days, plan) == {ViolationKind.DUPLICATE}


def test_visit_neither_routed_nor_dropped(three_visits_two_days: Problem) -> None:
    stops = chain()[:2]
    plan = monday_plan(*stops, end=stops[-1].arrival + HALF_HOUR + 450, travel=1050)
    assert kinds(three_visits_two_days, plan) == {ViolationKind.MISSING}


def test_unknown_visit(three_visits_two_days: Problem) -> None:
    plan = replace(good_plan(), dropped=(Dropped("ghost", DropReason.CAPACITY),))
    assert kinds(three_visits_two_days, plan) == {ViolationKind.UNKNOWN_VISIT}


def test_route_on_a_day_without_shift(three_visits_two_days: Problem) -> None:
    plan = good_plan()
    wednesday = replace(plan.routes[0], day=MONDAY.replace(day=9))
    assert ViolationKind.UNKNOWN_SHIFT in kinds(three_visits_two_days, replace(plan, routes=(wednesday,)))


def test_visit_on_a_day_it_does_not_allow(three_visits_two_days: Problem) -> None:
    visits = tuple(
        replace(v, days=frozenset({TUESDAY})) if v.id == "e2" else v for v in three_visits_two_days.visits
    )
    problem = replace(three_visits_two_days, visits=visits)
    assert kinds(problem, good_plan()) == {ViolationKind.NOT_ALLOWED}


def test_visit_by_a_worker_it_does_not_allow(three_visits_two_days: Problem) -> None:
    visits = tuple(
        replace(v, workers=frozenset({"w2"})) if v.id == "e3" else v for v in three_visits_two_days.visits
    )
    problem = replace(three_visits_two_days, visits=visits)
    assert kinds(problem, good_plan()) == {ViolationKind.NOT_ALLOWED}


@pytest.mark.parametrize(
    "window", [Window(0, DAY_START), Window(DAY_END - 600, DAY_END)], ids=["too_late", "too_early"]
)
def test_visit_outside_its_window(three_visits_two_days: Problem, window: Window) -> None:
    visits = tuple(replace(v, window=window) if v.id == "e2" else v for v in three_visits_two_days.visits)
    problem = replace(three_visits_two_days, visits=visits)
    assert kinds(problem, good_plan()) == {ViolationKind.WINDOW}


def test_arrival_faster_than_travel_and_service(three_visits_two_days: Problem) -> None:
    e1, e2, e3 = chain()
    rushed = monday_plan(
        e1, replace(e2, arrival=e1.arrival + HALF_HOUR), e3, end=e3.arrival + HALF_HOUR + 600, travel=1500
    )
    assert kinds(three_visits_two_days, rushed) == {ViolationKind.TIMING}


def test_leaving_before_the_shift_starts(three_visits_two_days: Problem) -> None:
    early = chain(DAY_START)
    plan = monday_plan(*early, end=early[-1].arrival + HALF_HOUR + 600, travel=1500)
    assert kinds(three_visits_two_days, plan) == {ViolationKind.TIMING}


def test_home_too_soon(three_visits_two_days: Problem) -> None:
    plan = good_plan()
    route = replace(plan.routes[0], end=plan.routes[0].stops[-1].arrival + HALF_HOUR)
    assert kinds(three_visits_two_days, replace(plan, routes=(route,))) == {ViolationKind.TIMING}


def test_shift_exceeded(three_visits_two_days: Problem) -> None:
    late = chain(DAY_END - 2 * (HALF_HOUR + 300))
    plan = monday_plan(*late, end=late[-1].arrival + HALF_HOUR + 600, travel=1500)
    assert kinds(three_visits_two_days, plan) == {ViolationKind.SHIFT_EXCEEDED}


def test_load_above_capacity(three_visits_two_days: Problem) -> None:
    visits = tuple(replace(v, load=5) for v in three_visits_two_days.visits)
    shifts = tuple(replace(s, capacity=10) for s in three_visits_two_days.shifts)
    problem = replace(three_visits_two_days, visits=visits, shifts=shifts)
    assert kinds(problem, good_plan()) == {ViolationKind.CAPACITY}


def test_no_allowed_day_claimed_for_a_visit_that_has_one(three_visits_two_days: Problem) -> None:
    stops = chain()[:2]
    plan = monday_plan(
        *stops,
        end=stops[-1].arrival + HALF_HOUR + 450,
        travel=1050,
        dropped=(Dropped("e3", DropReason.NO_ALLOWED_DAY),),
    )
    assert kinds(three_visits_two_days, plan) == {ViolationKind.WRONG_REASON}


def test_stated_travel_differs_from_the_routes(three_visits_two_days: Problem) -> None:
    plan = good_plan()
    wrong = replace(plan, objective=replace(plan.objective, travel=1))
    assert kinds(three_visits_two_days, wrong) == {ViolationKind.OBJECTIVE}


def test_extra_visit_makes_an_unknown_visit(three_visits_two_days: Problem) -> None:
    problem = replace(three_visits_two_days, visits=three_visits_two_days.visits[:2])
    assert ViolationKind.UNKNOWN_VISIT in kinds(problem, good_plan())


def test_invalid_problem_is_refused(three_visits_two_days: Problem) -> None:
    with pytest.raises(ValueError, match="outside the matrix"):
        replace(three_visits_two_days, visits=(Visit("far", 99, HALF_HOUR),))
