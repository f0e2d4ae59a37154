"""How an owed visit becomes a routing visit: which days it may go to."""

from __future__ import annotations

from datetime import date, time

from visitsvc.model import TravelMode, VisitKind
from visitsvc.plan_problems import Home, PlanningSettings, WorkerFacts, build, visit_id
from visitsvc.policy import Owed, Rule

WORKER = WorkerFacts(1, TravelMode.WALK, (120.1, 30.2), time(8, 30), time(17, 30), 240)
HOMES = {7: Home(7, 1, 120.11, 30.21), 8: Home(8, 1, 120.12, 30.22)}
WEEK = [date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 16), date(2026, 12, 17), date(2026, 12, 18)]


def weekly(elder: int, first: date, last: date) -> Owed:
    return Owed(elder, VisitKind.HOME, first, last, Rule.WEEKLY_HIGH_RISK, f"week-{first}")


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


def test_a_planned_visit_stays_on_its_day_unless_that_is_the_retry_day() -> None:
    owed = weekly(8, WEEK[0], WEEK[-1])
    assert allowed_days(owed, PlanningSettings(), {visit_id(owed): WEEK[2]}) == {WEEK[2]}
    assert allowed_days(owed, PlanningSettings(), {visit_id(owed): WEEK[-1]}) == set(WEEK[:-1])
