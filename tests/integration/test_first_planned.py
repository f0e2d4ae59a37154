"""A planned date is a day the plan in force on it had the visit on: what coverage counts as "a planned date
passed without a visit" when a person leaves."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.factories import make_district, make_plan
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import VisitKind


def at(day: int, hour: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=SHANGHAI)


def plan_on(uow: UnitOfWork, clock: FixedClock, made: datetime, elder: int, worker: int, day: date) -> None:
    clock.set(made)
    make_plan(uow, "2026-12", [(elder, worker, day, VisitKind.HOME)])


def first_planned(uow: UnitOfWork, elder: int) -> date | None:
    with uow:
        return uow.months.first_planned(Month(2026, 12), [elder]).get((elder, "month"))


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(
            (at(1), date(2026, 12, 10)), (at(8), date(2026, 12, 15)), date(2026, 12, 15),
            id="a day a re-plan moved the visit off before it came was never a planned date",
        ),
        pytest.param(
            (at(1), date(2026, 12, 3)), (at(8), date(2026, 12, 15)), date(2026, 12, 3),
            id="a day that passed with the visit planned stays the first planned date",
        ),
        pytest.param(
            (at(9, 1), date(2026, 12, 9)), (at(9, 7), date(2026, 12, 11)), date(2026, 12, 11),
            id="a same-morning re-plan (a sick worker at 07:30) takes the day it is made on",
        ),
    ],
)  # fmt: skip
def test_the_first_planned_date_is_the_plan_in_force_on_it(
    uow: UnitOfWork,
    clock: FixedClock,
    first: tuple[datetime, date],
    second: tuple[datetime, date],
    expected: date,
) -> None:
    district = make_district(uow)
    elder, worker = district.elders["elder_a1"], district.accounts["w_a1"]
    for made, day in (first, second):
        plan_on(uow, clock, made, elder, worker, day)
    assert first_planned(uow, elder) == expected
