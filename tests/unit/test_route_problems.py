"""How an owed visit becomes a routing visit: which days it may go to, and what a late day costs."""

from __future__ import annotations

from datetime import date, time

from visitsvc.model import TravelMode, VisitKind
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.route_problems import (
    Home,
    PlanningSettings,
    WorkerFacts,
    build,
    first_plan_share,
    visit_id,
)

WORKER = WorkerFacts(1, TravelMode.WALK, (120.1, 30.2), time(8, 30), time(17, 30), 240)
HOMES = {7: Home(7, 1, 120.11, 30.21), 8: Home(8, 1, 120.12, 30.22)}
WEEK = [date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 16), date(2026, 12, 17), date(2026, 12, 18)]


def weekly(elder: int, first: date, last: date) -> Owed:
    return Owed(elder, VisitKind.HOME, first, last, Rule.WEEKLY_HIGH_RISK, f"week-{first}")


def day_costs(
    owed: Owed, settings: PlanningSettings, *, soon: bool = False, stay: dict[str, date] | None = None
) -> dict[date, int]:
    (visit,) = build(
        WORKER, [owed], HOMES, WEEK, settings, soon={visit_id(owed)} if soon else (), stay=stay
    ).problem.visits
    return dict(visit.day_costs)


def allowed_days(owed: Owed, settings: PlanningSettings, stay: dict[str, date] | None = None) -> set[date]:
    month = build(WORKER, [owed], HOMES, WEEK, settings, stay=stay)
    (visit,) = month.problem.visits
    return set(visit.days or ())


def test_the_last_day_of_a_window_is_left_for_a_second_try() -> None:
    owed = weekly(7, WEEK[0], WEEK[-1])
    assert allowed_days(owed, PlanningSettings()) == set(WEEK[:-1])
    assert allowed_days(owed, PlanningSettings(retry_day=False)) == set(WEEK)


def test_a_window_of_one_day_keeps_it() -> None:
    owed = weekly(7, WEEK[-1], WEEK[-1])
    assert allowed_days(owed, PlanningSettings()) == {WEEK[-1]}


def test_a_planned_visit_keeps_its_day_unless_leaving_it_is_worth_its_cost() -> None:
    settings = PlanningSettings(later_tries=2, later_try_cost=100, leave_day_cost=1000)
    owed = weekly(8, WEEK[0], WEEK[-1])
    on_wednesday = {visit_id(owed): WEEK[2]}
    assert allowed_days(owed, settings, on_wednesday) == set(WEEK[:-1])
    # Its own day is free; an earlier day costs the move only; Thursday and Friday also a try each.
    assert day_costs(owed, settings, stay=on_wednesday) == {
        WEEK[0]: 1000,
        WEEK[1]: 1000,
        WEEK[3]: 1100,
        WEEK[4]: 1200,
    }


def test_a_visit_planned_on_the_retry_day_is_priced_as_a_new_one() -> None:
    settings = PlanningSettings(later_tries=2, later_try_cost=100, leave_day_cost=1000)
    owed = weekly(8, WEEK[0], WEEK[-1])
    assert day_costs(owed, settings, stay={visit_id(owed): WEEK[-1]}) == day_costs(owed, settings)


def test_a_day_that_leaves_fewer_tries_after_it_costs_per_try_short() -> None:
    settings = PlanningSettings(later_tries=3, later_try_cost=100)
    # Monday leaves four days after it, Tuesday three; Wednesday one short, Thursday two, Friday three.
    assert day_costs(weekly(7, WEEK[0], WEEK[-1]), settings) == {WEEK[2]: 100, WEEK[3]: 200, WEEK[4]: 300}


def test_a_try_again_from_thursday_costs_less_on_thursday_than_on_friday() -> None:
    costs = day_costs(weekly(7, WEEK[3], WEEK[-1]), PlanningSettings(later_tries=4, later_try_cost=100))
    assert costs == {WEEK[3]: 300, WEEK[4]: 400}


def test_a_visit_to_place_soon_also_costs_per_day_it_waits() -> None:
    settings = PlanningSettings(later_tries=2, later_try_cost=100)
    # Waiting: Tuesday 1, Wednesday on 2 (capped); short of two days after: Thursday 1, Friday 2.
    costs = day_costs(weekly(7, WEEK[0], WEEK[-1]), settings, soon=True)
    assert costs == {WEEK[1]: 100, WEEK[2]: 200, WEEK[3]: 300, WEEK[4]: 400}


def test_the_month_plan_leaves_room_in_each_day_for_tries_again() -> None:
    owed = weekly(7, WEEK[0], WEEK[-1])
    month = build(WORKER, [owed], HOMES, WEEK, PlanningSettings(), share=first_plan_share(PlanningSettings()))
    assert {s.capacity for s in month.problem.shifts} == {int(240 * 0.85)}
    assert first_plan_share(PlanningSettings(retry_day=False)) == 1.0
