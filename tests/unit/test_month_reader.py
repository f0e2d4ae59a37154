"""The month reader's one rule of its own: which of the given days a worker's absences cover."""

from __future__ import annotations

from datetime import date

from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.planning.month_reader import Absence, MonthInputs

DAYS = [date(2026, 12, d) for d in (14, 15, 16, 17, 18)]


def month_with(*absences: Absence) -> MonthInputs:
    return MonthInputs(
        month=Month(2026, 12), calendar=WorkCalendar({}), plan_made_on=None, elders=(), facts={}, homes={},
        grid_of={}, grid_path={}, workers=(), grid_worker={}, absences=absences,
    )  # fmt: skip


def test_an_absence_covers_the_given_days_from_its_first_to_its_last_day() -> None:
    away = month_with(Absence(1, date(2026, 12, 15), date(2026, 12, 16))).away(DAYS)
    assert away == {1: {date(2026, 12, 15), date(2026, 12, 16)}}


def test_a_worker_with_two_absences_is_away_on_the_days_of_both() -> None:
    away = month_with(
        Absence(1, date(2026, 12, 1), date(2026, 12, 14)), Absence(1, date(2026, 12, 18), date(2026, 12, 31))
    ).away(DAYS)
    assert away == {1: {date(2026, 12, 14), date(2026, 12, 18)}}


def test_only_the_given_days_count_and_nobody_else_is_away() -> None:
    away = month_with(Absence(2, date(2026, 12, 1), date(2026, 12, 13))).away(DAYS)
    assert away == {2: set()}
    assert 1 not in away
