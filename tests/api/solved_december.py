"""December 2026 solved by the planner (not written by hand): everyone owed one home visit (71 years old),
four of them in grid a1. For the tests that re-plan a worker's day."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.factories import SYSTEM, District, elder_data
from tests.fieldwork import set_elder
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import Category, PlannedVisit
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import elders

DECEMBER = Month(2026, 12)


@pytest.fixture
def planned(uow: UnitOfWork, district: District) -> list[PlannedVisit]:
    """December planned on 25 November: everyone owed one home visit (71 years old), four of them in a1."""
    for key in ("elder_a1", "elder_a2", "elder_b1"):
        set_elder(uow, district.elders[key], birth_date=date(1955, 3, 1))
    for n in range(3):
        data = elder_data(
            district.codes["grid_a1"],
            birth_date=date(1950, 8, 2),
            categories=frozenset({Category.EMPTY_NEST}),
        )
        district.elders[f"a1_{n}"] = elders.create_elder(uow, caller=SYSTEM, data=data).id
    plan_month(
        uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=PlanningSettings(solution_limit=30)
    )
    return current(uow)


def current(uow: UnitOfWork) -> list[PlannedVisit]:
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        return uow.plans.visits(latest.id)


def first_day_of(worker_id: int, rows: list[PlannedVisit]) -> date:
    return min(r.day for r in rows if r.worker_id == worker_id)


def morning_of(clock: FixedClock, day: date) -> None:
    clock.set(datetime.combine(day, time(8, 0), SHANGHAI))
