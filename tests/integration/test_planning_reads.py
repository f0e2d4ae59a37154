"""Planning reads the register's people and a version's rows column by column (no ORM rows): what a run sees
of each is what it would see of the same register or plan row."""

from __future__ import annotations

from datetime import date, time

from tests.factories import make_district, make_plan, make_record
from tests.fieldwork import set_elder
from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import (
    AbilityLevel,
    Category,
    ElderCategory,
    ElderStatus,
    RecordState,
    StatusChange,
    VisitKind,
    VisitOutcome,
    VisitRecord,
    Willingness,
)
from visitsvc.planning.coverage import Attempt
from visitsvc.planning.month_coverage import attempts_of
from visitsvc.planning.month_facts import elder_facts, home_of
from visitsvc.planning.plan_rows import PlanRow, read_plan_rows

DECEMBER = Month(2026, 12)


def test_a_person_read_for_planning_has_the_facts_and_home_of_the_register_row(uow: UnitOfWork) -> None:
    district = make_district(uow)
    a1, a2, b1 = (district.elders[k] for k in ("elder_a1", "elder_a2", "elder_b1"))
    set_elder(uow, a1, preferred_start=time(9), preferred_end=time(11), ability_level=AbilityLevel.MILD)
    set_elder(
        uow, a2, lon=None, lat=None, willingness=Willingness.PHONE_ONLY, refused_contact_on=date(2026, 12, 9)
    )
    with uow:
        uow.session.add(ElderCategory(elder_id=a2, category=Category.DISABLED))
        uow.elders.add_status_change(
            StatusChange(
                elder_id=b1, from_status=None, to_status=ElderStatus.HOSPITALIZED,
                effective_date=date(2026, 12, 7), reason="test", author_id=None, recorded_at=uow.clock.now(),
            )
        )  # fmt: skip
        uow.commit()
    with uow:
        people = uow.elders.for_planning(Scope.everything())
        rows = uow.elders.by_ids([p.id for p in people])
        timelines = uow.status_timelines.of(sorted(rows))
        assert uow.status_timelines.within(Scope.everything(), sorted(rows)) == timelines
        assert [p.id for p in people] == sorted(rows) == sorted([a1, a2, b1])
        for person in people:
            row, timeline = rows[person.id], timelines[person.id]
            assert elder_facts(person, DECEMBER, timeline) == elder_facts(row, DECEMBER, timeline)
            assert home_of(person) == home_of(row)
            assert (person.grid_code, person.grid_path) == (row.grid.code, row.grid.path)
        added = {p.id: p.categories for p in people}[a2]
        assert {Category.LIVING_ALONE, Category.DISABLED} <= added  # and 高龄, which the register derives


def test_planning_reads_only_the_people_in_scope(uow: UnitOfWork) -> None:
    district = make_district(uow)
    with uow:
        street_a = uow.areas.scope_within(Scope.everything(), district.codes["street_a"])
        people = uow.elders.for_planning(street_a)
        timelines = uow.status_timelines.within(street_a, [p.id for p in people])
    assert [p.id for p in people] == sorted([district.elders["elder_a1"], district.elders["elder_a2"]])
    assert set(timelines) == {p.id for p in people}


def test_a_versions_rows_read_as_values_are_its_rows_in_route_order(uow: UnitOfWork) -> None:
    district = make_district(uow)
    a1, a2, b1 = (district.elders[k] for k in ("elder_a1", "elder_a2", "elder_b1"))
    w_a1, w_b1 = district.accounts["w_a1"], district.accounts["w_b1"]
    first, second = date(2026, 12, 3), date(2026, 12, 4)
    home, phone = VisitKind.HOME, VisitKind.PHONE
    rows = [(b1, w_b1, first, home), (a2, w_a1, second, phone), (a1, w_a1, second, home)]
    make_plan(uow, "2026-12", rows)
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        street_a = uow.areas.scope_within(Scope.everything(), district.codes["street_a"]).home_path
        everything = [PlanRow.of(r) for r in uow.plans.visits(latest.id)]
        outside = [PlanRow.of(r) for r in uow.plans.visits_outside(latest.id, street_a)]
        assert read_plan_rows(uow, latest.id) == everything
        assert [r.elder_id for r in everything] == [a2, a1, b1]  # by worker, day, place in the day
        assert read_plan_rows(uow, latest.id, outside=street_a) == outside
        assert [r.elder_id for r in outside] == [b1]


def test_the_outcomes_that_count_come_with_the_obligation_they_answered_oldest_first(uow: UnitOfWork) -> None:
    district = make_district(uow)
    a1, a2 = district.elders["elder_a1"], district.elders["elder_a2"]
    worker = district.accounts["w_a1"]
    [planned] = make_plan(
        uow, "2026-12", [(a1, worker, date(2026, 12, 3), VisitKind.HOME)], obligation="week:x"
    )
    make_record(uow, elder_id=a1, worker_id=worker, day=date(2026, 12, 3), planned_visit_id=planned,
                outcome=VisitOutcome.NOT_HOME)  # fmt: skip
    make_record(uow, elder_id=a1, worker_id=worker, day=date(2026, 12, 2), kind=VisitKind.PHONE)  # unplanned
    make_record(uow, elder_id=a2, worker_id=worker, day=date(2026, 12, 2), state=RecordState.QUARANTINED)
    voided = make_record(uow, elder_id=a2, worker_id=worker, day=date(2026, 12, 4))
    make_record(uow, elder_id=a2, worker_id=worker, day=date(2026, 11, 30))  # last month
    with uow:
        record = uow.session.get(VisitRecord, voided)
        assert record is not None
        record.voided_at = uow.clock.now()
        uow.commit()
    with uow:
        attempts = attempts_of(uow, DECEMBER, [a1, a2])
    assert attempts == {
        a1: [
            Attempt(date(2026, 12, 2), VisitKind.PHONE, VisitOutcome.VISITED, None),
            Attempt(date(2026, 12, 3), VisitKind.HOME, VisitOutcome.NOT_HOME, "week:x"),
        ]
    }
