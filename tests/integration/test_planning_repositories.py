"""The small repositories planning reads besides its plan versions: planning locks, the holiday calendar,
status timelines; and a month crossing the plan and visit repositories as a `Month`."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from tests.factories import make_district, make_plan
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.month import Month
from visitsvc.model import CalendarDay, ElderStatus, StatusChange, VisitKind

AT = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
DECEMBER = Month(2026, 12)


def test_a_planning_lock_is_held_by_one_holder_until_that_holder_releases_it(uow: UnitOfWork) -> None:
    with uow:
        uow.planning_locks.take("plan:2026-12", "run-1", AT)
        uow.commit()
    with uow, pytest.raises(IntegrityError):
        uow.planning_locks.take("plan:2026-12", "run-2", AT)
    with uow:
        uow.planning_locks.release("plan:2026-12", "run-2")  # not the holder: nothing happens
        uow.commit()
    with uow:
        held = uow.planning_locks.find("plan:2026-12")
        assert held is not None
        assert held.holder == "run-1"
        uow.planning_locks.release("plan:2026-12", "run-1")
        uow.commit()
    with uow:
        assert uow.planning_locks.find("plan:2026-12") is None


def test_the_calendar_gives_each_loaded_day_and_whether_it_is_worked(uow: UnitOfWork) -> None:
    with uow:
        uow.session.add_all(
            [
                CalendarDay(day=date(2026, 10, 8), is_workday=False, source="notice", loaded_at=AT),
                CalendarDay(day=date(2026, 10, 10), is_workday=True, source="notice", loaded_at=AT),
            ]
        )
        uow.commit()
    with uow:
        days = uow.calendar.days()
    assert days[date(2026, 10, 8)] is False
    assert days[date(2026, 10, 10)] is True
    assert date(2026, 10, 9) not in days


def test_a_status_timeline_lists_changes_by_effective_date_and_is_empty_for_someone_without(
    uow: UnitOfWork,
) -> None:
    district = make_district(uow)
    elder = district.elders["elder_a1"]
    with uow:
        registered = uow.status_timelines.of([elder])[elder]
        for effective, status in (
            (date(2026, 12, 20), ElderStatus.DECEASED),
            (date(2026, 12, 5), ElderStatus.HOSPITALIZED),
        ):
            uow.elders.add_status_change(
                StatusChange(
                    elder_id=elder, from_status=None, to_status=status, effective_date=effective,
                    reason="test", author_id=None, recorded_at=AT,
                )
            )  # fmt: skip
        uow.flush()
        timelines = uow.status_timelines.of([elder, 2**31 - 1])
    assert timelines[elder] == [
        *registered,
        (date(2026, 12, 5), ElderStatus.HOSPITALIZED),
        (date(2026, 12, 20), ElderStatus.DECEASED),
    ]
    assert timelines[2**31 - 1] == []


def test_a_month_goes_into_the_plan_repository_and_comes_out_of_the_visit_repository_as_a_month(
    uow: UnitOfWork,
) -> None:
    district = make_district(uow)
    elder, worker = district.elders["elder_a1"], district.accounts["w_a1"]
    [planned_id] = make_plan(uow, "2026-12", [(elder, worker, date(2026, 12, 3), VisitKind.HOME)])
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        assert [v.id for v in uow.plans.versions(DECEMBER)] == [latest.id]
        assert uow.plans.latest(DECEMBER.next()) is None
        _visit, month = uow.visits.planned([planned_id])[planned_id]
    assert month == DECEMBER
