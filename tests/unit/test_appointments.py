"""The rules of an appointment (预约): what may be agreed, what makes a retry the same, which visit it fixes,
and how the planner keeps it (docs/adr/0019)."""

from __future__ import annotations

from datetime import date, time

import routing
from visitsvc.field.appointment_input import AppointmentInput, CallResult, problems
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import TravelMode, VisitKind
from visitsvc.planning import overflow
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.route_problems import (
    Agreed,
    Home,
    PlanningSettings,
    WorkerFacts,
    build,
    match_appointments,
    visit_id,
)

TODAY = date(2026, 12, 14)  # a Monday
WEEK = [date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 16), date(2026, 12, 17), date(2026, 12, 18)]
CALENDAR = WorkCalendar()
WORKER = WorkerFacts(1, TravelMode.WALK, (120.1, 30.2), time(8, 30), time(17, 30), 240, ("/1/2/3/4/",))
COLLEAGUE = WorkerFacts(2, TravelMode.WALK, (120.1, 30.2), time(8, 30), time(17, 30), 240, ("/1/2/3/5/",))
HOMES = {7: Home(7, 4, 120.11, 30.21), 8: Home(8, 4, 120.12, 30.22)}
GRID_PATH = {4: "/1/2/3/4/", 5: "/1/2/3/5/"}


def agreed(
    day: date = WEEK[2], start: time = time(9, 0), end: time = time(10, 0), **more: object
) -> AppointmentInput:
    return AppointmentInput("c1", 7, day, start, end, **more)  # type: ignore[arg-type]


def weekly(
    elder: int, first: date = WEEK[0], last: date = WEEK[-1], kind: VisitKind = VisitKind.HOME
) -> Owed:
    return Owed(elder, kind, first, last, Rule.WEEKLY_HIGH_RISK, f"week-{first}")


def test_an_agreed_time_is_a_working_day_from_today_with_a_window_inside_visiting_hours() -> None:
    assert problems(agreed(), today=TODAY, calendar=CALENDAR) == {}
    assert problems(agreed(TODAY), today=TODAY, calendar=CALENDAR) == {}, "today may be agreed"
    assert problems(agreed(start=time(7), end=time(20)), today=TODAY, calendar=CALENDAR) == {}
    assert set(problems(agreed(date(2026, 12, 11)), today=TODAY, calendar=CALENDAR)) == {"day"}
    assert set(problems(agreed(date(2026, 12, 19)), today=TODAY, calendar=CALENDAR)) == {"day"}  # Saturday
    assert set(problems(agreed(start=time(6, 59)), today=TODAY, calendar=CALENDAR)) == {"window_start"}
    assert set(problems(agreed(end=time(20, 1)), today=TODAY, calendar=CALENDAR)) == {"window_end"}
    assert set(problems(agreed(end=time(9, 0)), today=TODAY, calendar=CALENDAR)) == {"window_end"}
    no_window = AppointmentInput("c1", 7, WEEK[2])
    assert set(problems(no_window, today=TODAY, calendar=CALENDAR)) == {"window_start", "window_end"}


def test_a_call_nobody_answered_has_a_day_and_no_window() -> None:
    call = AppointmentInput("c1", 7, WEEK[1], result=CallResult.NO_ANSWER)
    assert problems(call, today=TODAY, calendar=CALENDAR) == {}
    with_window = AppointmentInput("c1", 7, WEEK[1], time(9), time(10), result=CallResult.NO_ANSWER)
    assert set(problems(with_window, today=TODAY, calendar=CALENDAR)) == {"window_start", "window_end"}


def test_a_retry_is_the_same_body_whatever_its_client_id_and_another_time_is_not() -> None:
    one = agreed()
    assert AppointmentInput("c2", 7, WEEK[2], time(9), time(10)).body_hash() == one.body_hash()
    assert agreed(end=time(10, 30)).body_hash() != one.body_hash()
    assert agreed(note="先打电话").body_hash() != one.body_hash()


def test_an_appointment_fixes_the_first_home_visit_whose_window_holds_its_day() -> None:
    first, second = weekly(7, WEEK[0], WEEK[1]), weekly(7, WEEK[2], WEEK[4])
    phone = weekly(7, WEEK[0], WEEK[4], kind=VisitKind.PHONE)
    on_wednesday = Agreed(1, WEEK[2], time(9), time(10))
    pinned, away = match_appointments([phone, second, first], {7: on_wednesday}, WEEK)
    assert (pinned, away) == ({visit_id(second): on_wednesday}, {})


def test_an_appointment_on_a_day_the_worker_is_away_is_not_pinned_there_and_a_past_one_fixes_nothing() -> (
    None
):
    owed = weekly(7)
    on_wednesday = Agreed(1, WEEK[2], time(9), time(10))
    without_wednesday = [d for d in WEEK if d != WEEK[2]]
    assert match_appointments([owed], {7: on_wednesday}, without_wednesday) == (
        {},
        {visit_id(owed): on_wednesday},
    )
    assert match_appointments([owed], {7: on_wednesday}, WEEK[3:]) == ({}, {})


def test_the_pinned_visit_may_go_only_to_the_agreed_day_and_must_start_inside_the_window() -> None:
    owed, other = weekly(7), weekly(8)
    appointment = Agreed(1, WEEK[2], time(14), time(15, 30))
    month = build(WORKER, [owed, other], HOMES, WEEK, PlanningSettings(), agreed={7: appointment})
    visits = {v.id: v for v in month.problem.visits}
    pinned = visits[visit_id(owed)]
    assert pinned.days == frozenset({WEEK[2]})
    assert pinned.window == routing.Window(14 * 3600, 15 * 3600 + 1800)
    assert pinned.day_costs == ()
    assert visits[visit_id(other)].days == frozenset(WEEK[:-1]), "others as before"
    assert month.agreed == {visit_id(owed): appointment}
    plan = routing.solve(month.problem, routing.Options(solution_limit=20))
    (route,) = [r for r in plan.routes if any(s.visit_id == visit_id(owed) for s in r.stops)]
    stop = next(s for s in route.stops if s.visit_id == visit_id(owed))
    assert route.day == WEEK[2]
    assert 14 * 3600 <= stop.arrival <= 15 * 3600 + 1800


def test_an_agreed_visit_whose_worker_is_away_goes_only_to_a_colleague_at_work_that_day() -> None:
    owed = weekly(7)
    appointment = Agreed(1, WEEK[2], time(14), time(15))
    without_wednesday = [d for d in WEEK if d != WEEK[2]]
    mine = build(WORKER, [owed], HOMES, without_wednesday, PlanningSettings(), agreed={7: appointment})
    at_work = build(COLLEAGUE, [], HOMES, WEEK, PlanningSettings(), agreed={7: appointment})
    off_too = build(COLLEAGUE, [], HOMES, without_wednesday, PlanningSettings(), agreed={7: appointment})
    assert mine.agreed_away == {visit_id(owed): appointment}
    settings = PlanningSettings(solution_limit=10)
    options = routing.Options(solution_limit=settings.solution_limit)
    for colleague, expected in ((at_work, {1: [owed]}), (off_too, {})):
        months = [mine, colleague]
        plans = [routing.solve(m.problem, options) for m in months]
        offered = overflow.offers(months, plans, HOMES, GRID_PATH, reach_minutes=30, home_load=30)
        assert offered == expected
    taken = build(COLLEAGUE, [], HOMES, WEEK, PlanningSettings(), offered=[owed], agreed={7: appointment})
    (visit,) = taken.problem.visits
    assert visit.days == frozenset({WEEK[2]})
