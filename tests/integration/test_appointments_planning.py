"""An agreed appointment (预约) is kept by planning as a supervisor's pin is: the person's next home visit on
the agreed day, arriving inside the agreed window, through the month's plan, `plan --force` and every
re-plan; when the worker is away that day a colleague at work takes it at that time, else the appointment
needs a new date and the person is back on the call-ahead list (docs/adr/0019)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import pytest

from tests.factories import SYSTEM, District, elder_data, make_district
from tests.fieldwork import set_elder
from visitsvc.access.scoping import caller_for
from visitsvc.field import appointments, call_ahead
from visitsvc.field.appointment_input import AppointmentInput
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import AbsenceKind, Category, PlannedVisit, VisitKind
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import absences, elders

DECEMBER = Month(2026, 12)
REPRODUCIBLE = PlanningSettings(solution_limit=30)
FIRST = date(2026, 12, 1)  # a Tuesday
AGREED_DAY = date(2026, 12, 9)  # a Wednesday
START, END = time(14, 0), time(15, 0)


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    """One home visit each in December (nobody weekly), four more people in grid a1."""
    d = make_district(uow)
    for key in ("elder_a1", "elder_a2", "elder_b1"):
        set_elder(uow, d.elders[key], birth_date=date(1955, 3, 1))
    for n in range(4):
        data = elder_data(
            d.codes["grid_a1"], name=f"陈阿婆{n}", birth_date=date(1950, 8, 2),
            categories=frozenset({Category.EMPTY_NEST}),
        )  # fmt: skip
        d.elders[f"a1_{n}"] = elders.create_elder(uow, caller=SYSTEM, data=data).id
    return d


def agree(uow: UnitOfWork, elder_id: int, day: date = AGREED_DAY) -> appointments.AppointmentRead:
    item = AppointmentInput(str(uuid.uuid4()), elder_id, day, START, END)
    return appointments.record_appointment(uow, caller=SYSTEM, item=item).appointment


def plan(uow: UnitOfWork, *, force: bool = False) -> None:
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE, force=force)


def home_rows(uow: UnitOfWork, elder_id: int) -> list[PlannedVisit]:
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        return [r for r in uow.plans.visits(latest.id) if r.elder_id == elder_id and r.kind is VisitKind.HOME]


def kept(uow: UnitOfWork, elder_id: int) -> PlannedVisit:
    """The person's one home visit, asserted on the agreed day inside the window."""
    (row,) = home_rows(uow, elder_id)
    assert row.day == AGREED_DAY
    assert row.arrival is not None
    assert START <= row.arrival <= END
    return row


def read(uow: UnitOfWork, appointment_id: int) -> appointments.AppointmentRead:
    return appointments.get_appointment(uow, caller=SYSTEM, appointment_id=appointment_id)


def go_to(clock: FixedClock, day: date) -> None:
    clock.set(datetime.combine(day, time(18, 0), SHANGHAI))


def away(uow: UnitOfWork, worker_id: int, day: date = AGREED_DAY) -> None:
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=worker_id, first_day=day, last_day=day, kind=AbsenceKind.LEAVE
    )


def test_an_appointment_made_before_the_plan_is_the_visits_day_and_time(
    uow: UnitOfWork, district: District
) -> None:
    person = district.elders["a1_2"]
    made = agree(uow, person)
    plan(uow)
    row = kept(uow, person)
    assert row.worker_id == district.accounts["w_a1"]
    after = read(uow, made.id)
    assert (after.planned_visit_id, after.needs_new_date) == (row.id, False)


def test_an_appointment_survives_a_replan_and_a_forced_plan(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    person = district.elders["a1_1"]
    plan(uow)
    (before,) = home_rows(uow, person)
    day = AGREED_DAY if before.day != AGREED_DAY else date(2026, 12, 10)  # a day it was not on
    appointments.record_appointment(
        uow, caller=SYSTEM, item=AppointmentInput(str(uuid.uuid4()), person, day, START, END)
    )
    go_to(clock, FIRST)
    assert replan(uow, caller=SYSTEM, today=FIRST, executor="serial", settings=REPRODUCIBLE).created
    assert_on(uow, person, day)
    plan(uow, force=True)
    assert_on(uow, person, day)


def assert_on(uow: UnitOfWork, person: int, day: date) -> None:
    (row,) = home_rows(uow, person)
    assert row.day == day
    assert row.arrival is not None
    assert START <= row.arrival <= END


def test_a_colleague_at_work_takes_the_visit_at_the_agreed_time_when_the_worker_is_away(
    uow: UnitOfWork, district: District
) -> None:
    person = district.elders["a1_0"]
    away(uow, district.accounts["w_a1"])
    made = agree(uow, person)
    plan(uow)
    row = kept(uow, person)
    assert row.worker_id == district.accounts["w_a2"], "the colleague of the community"
    assert read(uow, made.id).needs_new_date is False


def test_nobody_at_work_that_day_the_visit_goes_elsewhere_and_the_appointment_needs_a_new_date(
    uow: UnitOfWork, district: District
) -> None:
    person = district.elders["a1_0"]
    w_a1 = district.accounts["w_a1"]
    away(uow, w_a1)
    # Overflow goes as far as the district: every other worker of it is away that day too.
    away(uow, district.accounts["w_a2"])
    away(uow, district.accounts["w_b1"])
    made = agree(uow, person)
    plan(uow)
    (row,) = home_rows(uow, person)
    assert row.day != AGREED_DAY
    assert row.worker_id == w_a1
    after = read(uow, made.id)
    assert (after.planned_visit_id, after.needs_new_date) == (None, True)
    # The day before the visit, it is on the worker's call-ahead list: no time is agreed for that day.
    with uow:
        worker = uow.workers.find_by_account_id(w_a1)
        assert worker is not None
        caller = caller_for(worker)
    listed = call_ahead.call_ahead(uow, caller=caller, day=row.day)
    assert person in [s.elder.id for s in listed.stops]


def test_an_absence_announced_later_hands_the_agreed_visit_to_a_colleague_at_the_next_replan(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    person = district.elders["a1_3"]
    agree(uow, person)
    plan(uow)
    assert kept(uow, person).worker_id == district.accounts["w_a1"]
    away(uow, district.accounts["w_a1"])
    go_to(clock, FIRST)
    assert replan(uow, caller=SYSTEM, today=FIRST, executor="serial", settings=REPRODUCIBLE).created
    assert kept(uow, person).worker_id == district.accounts["w_a2"]
    # The colleague holds it now, and keeps it on the agreed day night after night.
    second = date(2026, 12, 2)
    go_to(clock, second)
    replan(uow, caller=SYSTEM, today=second, executor="serial", settings=REPRODUCIBLE)
    assert kept(uow, person).worker_id == district.accounts["w_a2"]


def test_a_sick_day_reported_that_morning_hands_the_agreed_visit_to_a_colleague_at_the_agreed_time(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    """The visit has weeks of its window left, so without the appointment it would wait for w_a1's later
    days; promised for today at 14:00-15:00, w_a2 of the community makes it today at that time."""
    person, w_a1 = district.elders["a1_0"], district.accounts["w_a1"]
    made = agree(uow, person)
    plan(uow)
    assert kept(uow, person).worker_id == w_a1
    clock.set(datetime.combine(AGREED_DAY, time(8, 0), SHANGHAI))
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=w_a1, first_day=AGREED_DAY, last_day=AGREED_DAY, kind=AbsenceKind.SICK
    )
    outcome = replan(uow, caller=SYSTEM, today=AGREED_DAY, worker_id=w_a1, executor="serial",
                     settings=REPRODUCIBLE)  # fmt: skip
    assert outcome.to_colleagues >= 1
    row = kept(uow, person)
    assert row.worker_id == district.accounts["w_a2"]
    assert read(uow, made.id).planned_visit_id == row.id


def test_a_sick_day_with_nobody_to_take_over_leaves_the_appointment_needing_a_new_date(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    person, w_a1 = district.elders["a1_0"], district.accounts["w_a1"]
    made = agree(uow, person)
    plan(uow)
    clock.set(datetime.combine(AGREED_DAY, time(8, 0), SHANGHAI))
    for worker in (w_a1, district.accounts["w_a2"]):
        away(uow, worker)
    replan(uow, caller=SYSTEM, today=AGREED_DAY, worker_id=w_a1, executor="serial", settings=REPRODUCIBLE)
    (row,) = home_rows(uow, person)
    assert row.day > AGREED_DAY
    assert read(uow, made.id).needs_new_date is True
