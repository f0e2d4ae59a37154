"""A planned date is a day the plan in force on it had the visit on: what coverage counts as "a planned date
passed without a visit" when a person leaves."""

from __future__ import annotations

from datetime import date, datetime

from tests.factories import make_district, make_plan
from visitsvc.clock import SHANGHAI, FixedClock
from visitsvc.model import VisitKind
from visitsvc.uow import UnitOfWork


def at(day: int, hour: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=SHANGHAI)


def plan_on(uow: UnitOfWork, clock: FixedClock, made: datetime, elder: int, worker: int, day: date) -> None:
    clock.set(made)
    make_plan(uow, "2026-12", [(elder, worker, day, VisitKind.HOME)])


def first_planned(uow: UnitOfWork, elder: int) -> date | None:
    with uow:
        return uow.months.first_planned("2026-12", [elder]).get((elder, "month"))


def test_a_day_a_re_plan_moved_the_visit_off_before_it_came_was_never_a_planned_date(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    district = make_district(uow)
    elder, worker = district.elders["elder_a1"], district.accounts["w_a1"]
    plan_on(uow, clock, at(1), elder, worker, date(2026, 12, 10))
    plan_on(uow, clock, at(8), elder, worker, date(2026, 12, 15))  # moved before the 10th came
    assert first_planned(uow, elder) == date(2026, 12, 15)


def test_a_day_that_passed_with_the_visit_planned_stays_the_first_planned_date(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    district = make_district(uow)
    elder, worker = district.elders["elder_a1"], district.accounts["w_a1"]
    plan_on(uow, clock, at(1), elder, worker, date(2026, 12, 3))
    plan_on(uow, clock, at(8), elder, worker, date(2026, 12, 15))  # the 3rd passed without a visit
    assert first_planned(uow, elder) == date(2026, 12, 3)


def test_a_same_morning_re_plan_takes_the_day_it_is_made_on(uow: UnitOfWork, clock: FixedClock) -> None:
    district = make_district(uow)
    elder, worker = district.elders["elder_a1"], district.accounts["w_a1"]
    plan_on(uow, clock, at(9, 1), elder, worker, date(2026, 12, 9))
    plan_on(uow, clock, at(9, 7), elder, worker, date(2026, 12, 11))  # the worker reported sick at 07:30
    assert first_planned(uow, elder) == date(2026, 12, 11)
