"""The shortcuts a city month takes through the policy and the problem builder give the answers of the long
way: a month's working days asked 50,000 times, a one-status person's active days, a week split asked by every
high-risk person, the way to each home's nearest neighbour."""

from __future__ import annotations

from datetime import date, timedelta

import routing
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import ElderStatus, Willingness
from visitsvc.planning.policy import ElderFacts, active_days, weeks
from visitsvc.planning.route_problems import _nearest_minutes

DECEMBER = Month(2026, 12)


def facts(*statuses: tuple[date, ElderStatus]) -> ElderFacts:
    return ElderFacts(
        elder_id=1, categories=frozenset(), ability_level=None, disability_grade=None, age=80,
        willingness=Willingness.HOME, registered_on=statuses[0][0], statuses=statuses,
    )  # fmt: skip


def test_a_months_working_days_asked_again_are_the_same_and_a_callers_list_is_its_own() -> None:
    calendar = WorkCalendar({date(2026, 12, 7): False, date(2026, 12, 12): True})
    first = calendar.workdays(DECEMBER)
    first.clear()
    again = calendar.workdays(DECEMBER)
    assert again == [d for d in DECEMBER.days() if calendar.is_workday(d)]
    assert date(2026, 12, 7) not in again
    assert date(2026, 12, 12) in again


def test_one_status_from_before_the_month_makes_every_day_active_or_none() -> None:
    days = WorkCalendar({}).workdays(DECEMBER)
    assert active_days(facts((date(2020, 1, 1), ElderStatus.ACTIVE)), days) == days
    assert active_days(facts((date(2020, 1, 1), ElderStatus.HOSPITALIZED)), days) == []


def test_one_status_from_inside_the_month_makes_the_days_from_it_active() -> None:
    days = WorkCalendar({}).workdays(DECEMBER)
    registered = date(2026, 12, 16)
    assert active_days(facts((registered, ElderStatus.ACTIVE)), days) == [d for d in days if d >= registered]


def test_a_status_timeline_still_decides_day_by_day() -> None:
    days = WorkCalendar({}).workdays(DECEMBER)
    timeline = facts(
        (date(2020, 1, 1), ElderStatus.ACTIVE),
        (date(2026, 12, 8), ElderStatus.HOSPITALIZED),
        (date(2026, 12, 21), ElderStatus.ACTIVE),
    )
    assert active_days(timeline, days) == [d for d in days if not date(2026, 12, 8) <= d < date(2026, 12, 21)]


def test_weeks_asked_again_are_the_same_and_a_callers_lists_are_its_own() -> None:
    days = WorkCalendar({}).workdays(DECEMBER)
    first = weeks(days)
    first[0].clear()
    assert weeks(days) == weeks(list(days)) != first
    assert [d for week in weeks(days) for d in week] == days
    assert all(week[-1] - week[0] < timedelta(days=14) for week in weeks(days))


def test_each_locations_nearest_other_is_read_off_its_row_not_its_own_zero() -> None:
    # From 0: 600 s and 1,200 s; from 1: 1,500 s and 90 s; from 2: 3,000 s and 1,800 s (asymmetric).
    matrix = routing.Matrix(routing.TravelMode.WALK, 3, (0, 600, 1200, 1500, 0, 90, 3000, 1800, 0))
    assert _nearest_minutes(matrix) == [10, 2, 30]
    assert _nearest_minutes(routing.Matrix(routing.TravelMode.WALK, 1, (0,))) == [0]


def test_working_days_between_two_days_asked_again_are_the_same_and_a_callers_list_is_its_own() -> None:
    calendar = WorkCalendar({date(2026, 12, 9): False})
    first = calendar.workdays_between(date(2026, 12, 7), date(2026, 12, 13))
    assert first == [date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 10), date(2026, 12, 11)]
    first.clear()
    assert calendar.workdays_between(date(2026, 12, 7), date(2026, 12, 13)) == [
        date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 10), date(2026, 12, 11),
    ]  # fmt: skip


def test_any_working_day_between_two_days_is_whether_there_are_working_days_between_them() -> None:
    calendar = WorkCalendar({date(2026, 12, 14): False})
    saturday, monday, tuesday = (date(2026, 12, d) for d in (12, 14, 15))
    assert not calendar.any_workday(saturday, monday)  # a weekend and a day off
    assert calendar.any_workday(saturday, tuesday)
    assert not calendar.any_workday(tuesday, monday)  # an empty span
    assert calendar.any_workday(date(2024, 1, 1), tuesday)  # years long: stops at the first
