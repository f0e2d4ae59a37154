"""Planning with mixed teams (issue 19, docs/adr/0029): a pairing routes the person's visits to their visitor
on the visitor's days; what the visitor cannot make comes back to the grid's worker, named with its cause."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest

from tests.factories import SYSTEM, District, make_district, make_overloaded_grid
from tests.partner_factories import (
    make_contract,
    make_organisation,
    make_pairing,
    make_visitor,
    make_visitor_absence,
)
from visitsvc.access.scoping import caller_for
from visitsvc.field import visits
from visitsvc.field.visit_input import VisitInput
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import PlannedVisit, VisitKind, VisitOutcome
from visitsvc.planning import plan_reports
from visitsvc.planning.month_coverage import month_coverage
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.plan_outcome import PlanOutcome
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings

pytestmark = pytest.mark.db

DECEMBER = Month(2026, 12)
REPRODUCIBLE = PlanningSettings(solution_limit=30)
MON_WED_FRI = "135"


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    """The small district; its people live alone over 80: a home visit owed each of December's 5 weeks."""
    d = make_district(uow)
    d.accounts["station"] = make_organisation(uow, area_codes=(d.codes["street_a"],))
    return d


def visitor(uow: UnitOfWork, d: District, account: str, **kwargs: object) -> int:
    d.accounts[account] = make_visitor(
        uow,
        account,
        organisation_id=d.accounts["station"],
        area_code=d.codes["street_a"],
        **kwargs,  # type: ignore[arg-type]
    )
    return d.accounts[account]


def plan(uow: UnitOfWork) -> tuple[PlanOutcome, list[PlannedVisit]]:
    outcome = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    with uow:
        return outcome, uow.plans.visits(outcome.version_id)


def of_person(visits: list[PlannedVisit], elder_id: int) -> list[PlannedVisit]:
    return [v for v in visits if v.elder_id == elder_id]


def test_a_paired_persons_visits_are_all_their_visitors_on_the_visitors_weekdays(
    uow: UnitOfWork, district: District
) -> None:
    social_worker = visitor(uow, district, "sg_1", weekdays=MON_WED_FRI)
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, visitor_id=social_worker, first_day=date(2026, 11, 1))

    outcome, visits = plan(uow)

    mine = of_person(visits, paired)
    assert len(mine) == 5
    assert {v.worker_id for v in mine} == {social_worker}
    assert {v.day.isoweekday() for v in mine} <= {1, 3, 5}
    assert not any(v.moved for v in mine)
    # The grid's other person stays their grid worker's; nothing came back.
    assert {v.worker_id for v in of_person(visits, district.elders["elder_a2"])} == {
        district.accounts["w_a2"]
    }
    assert outcome.unplanned == []
    assert outcome.handed_back == {}


def test_a_pairing_from_mid_month_gives_the_visitor_the_visits_from_then_on(
    uow: UnitOfWork, district: District
) -> None:
    social_worker = visitor(uow, district, "sg_1")
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, visitor_id=social_worker, first_day=date(2026, 12, 14))

    _, visits = plan(uow)

    by_worker = Counter(v.worker_id for v in of_person(visits, paired))
    assert by_worker == {district.accounts["w_a1"]: 2, social_worker: 3}
    assert all(v.day >= date(2026, 12, 14) for v in of_person(visits, paired) if v.worker_id == social_worker)


def test_what_a_visitor_cannot_fit_comes_back_to_the_grid_worker_named_as_such(
    uow: UnitOfWork, district: District
) -> None:
    volunteer = visitor(uow, district, "zy_1", minutes_per_day=20)  # less than one home visit a day
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, visitor_id=volunteer, first_day=date(2026, 11, 1))

    outcome, visits = plan(uow)

    assert {v.worker_id for v in of_person(visits, paired)} == {district.accounts["w_a1"]}
    assert len(of_person(visits, paired)) == 5
    assert outcome.handed_back == {"visitor_capacity": 5}
    report = plan_reports.shortfall(uow, caller=SYSTEM, month=DECEMBER)
    assert report["handed_back"] == {"visitor_capacity": 5}
    assert {(h["elder_id"], h["cause"], h["visitor_id"]) for h in report["handed_back_visits"]} == {
        (paired, "visitor_capacity", volunteer)
    }


def test_a_visitors_absence_hands_their_visits_back(uow: UnitOfWork, district: District) -> None:
    social_worker = visitor(uow, district, "sg_1")
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, visitor_id=social_worker, first_day=date(2026, 11, 1))
    make_visitor_absence(uow, social_worker, date(2026, 12, 1), date(2026, 12, 11))

    outcome, visits = plan(uow)

    by_worker = Counter(v.worker_id for v in of_person(visits, paired))
    assert by_worker == {district.accounts["w_a1"]: 2, social_worker: 3}
    assert outcome.handed_back == {"visitor_absent": 2}


def test_the_quota_stops_planning_beyond_it_the_rest_goes_back_to_the_grid_worker(
    uow: UnitOfWork, district: District
) -> None:
    first, second = visitor(uow, district, "sg_1"), visitor(uow, district, "sg_2")
    contract = make_contract(
        uow, district.accounts["station"], area_code=district.codes["street_a"], first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31), quota=6,
    )  # fmt: skip
    a1, a2 = district.elders["elder_a1"], district.elders["elder_a2"]
    for person in (a1, a2):
        make_pairing(
            uow, person, organisation_id=district.accounts["station"], contract_id=contract,
            first_day=date(2026, 11, 1),
        )  # fmt: skip

    outcome, visits = plan(uow)

    paired = [v for v in visits if v.elder_id in (a1, a2)]
    assert len(paired) == 10
    by_staff = [v for v in paired if v.worker_id in (first, second)]
    assert len(by_staff) == 6
    # The earliest windows are the contract's: weeks 1 to 3 of both people; weeks 4 and 5 their grid workers'.
    assert max(v.day for v in by_staff) < min(v.day for v in paired if v.worker_id not in (first, second))
    assert {v.worker_id for v in paired if v.elder_id == a2 and v not in by_staff} == {
        district.accounts["w_a2"]
    }
    assert outcome.handed_back == {"quota": 4}


def test_an_organisation_pairing_goes_to_one_of_its_visitors_the_nearest(
    uow: UnitOfWork, district: District
) -> None:
    far = visitor(uow, district, "sg_far", start=(120.30, 30.28))
    near = visitor(uow, district, "sg_near", start=(120.121, 30.281))
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, organisation_id=district.accounts["station"], first_day=date(2026, 11, 1))

    _, visits = plan(uow)

    assert {v.worker_id for v in of_person(visits, paired)} == {near}
    assert far not in {v.worker_id for v in visits}


def test_a_new_pairing_makes_a_new_version_and_an_unchanged_one_none(
    uow: UnitOfWork, district: District
) -> None:
    first, _ = plan(uow)
    social_worker = visitor(uow, district, "sg_1")
    make_pairing(uow, district.elders["elder_a1"], visitor_id=social_worker, first_day=date(2026, 11, 1))
    second, _ = plan(uow)
    again, _ = plan(uow)
    assert second.created
    assert second.version == first.version + 1
    assert not again.created
    assert again.version == second.version


# The nightly re-plan (docs/adr/0009) solves visitors like workers and splits by the pairings in force.


def go_to(clock: FixedClock, day: date) -> None:
    clock.set(datetime.combine(day, time(18, 0), SHANGHAI))


def replan_on(uow: UnitOfWork, today: date) -> None:
    replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE)


def current(uow: UnitOfWork) -> list[PlannedVisit]:
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        return uow.plans.visits(latest.id)


def record(uow: UnitOfWork, row: PlannedVisit, outcome: VisitOutcome) -> None:
    with uow:
        worker = uow.workers.find_by_account_id(row.worker_id)
        assert worker is not None
        caller = caller_for(worker)
    start = datetime.combine(row.day, time(10, 0), SHANGHAI)
    visit = VisitInput(
        client_id=str(uuid.uuid4()), kind=VisitKind.HOME, outcome=outcome, started_at=start,
        ended_at=start + timedelta(minutes=25), planned_visit_id=row.id,
    )  # fmt: skip
    visits.record_visit(uow, caller=caller, visit=visit)


def test_the_nightly_replan_keeps_a_paired_persons_visits_with_their_visitor(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    social_worker = visitor(uow, district, "sg_1", weekdays=MON_WED_FRI)
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, visitor_id=social_worker, first_day=date(2026, 11, 1))
    plan(uow)
    first = min((v for v in current(uow) if v.elder_id == paired), key=lambda v: v.day)
    go_to(clock, first.day)
    record(uow, first, VisitOutcome.NOT_HOME)

    replan_on(uow, first.day)

    later = [v for v in current(uow) if v.elder_id == paired and v.day > first.day]
    assert len(later) == 5  # the try again of the first week, and weeks 2 to 5
    assert {v.worker_id for v in later} == {social_worker}
    assert {v.day.isoweekday() for v in later} <= {1, 3, 5}


def test_a_pairing_made_after_planning_takes_the_persons_visits_at_the_nightly_replan(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    plan(uow)
    social_worker = visitor(uow, district, "sg_1")
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, visitor_id=social_worker, first_day=date(2026, 12, 7))
    go_to(clock, date(2026, 12, 4))

    replan_on(uow, date(2026, 12, 4))

    after = [v for v in current(uow) if v.elder_id == paired and v.day > date(2026, 12, 4)]
    assert len(after) == 4
    assert {v.worker_id for v in after} == {social_worker}


def test_an_ended_pairing_gives_the_visits_back_to_the_grid_worker_at_the_nightly_replan(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    social_worker = visitor(uow, district, "sg_1")
    paired = district.elders["elder_a1"]
    pairing = make_pairing(uow, paired, visitor_id=social_worker, first_day=date(2026, 11, 1))
    plan(uow)
    with uow:
        uow.pairings.get(pairing).last_day = date(2026, 12, 11)
        uow.commit()
    go_to(clock, date(2026, 12, 4))

    replan_on(uow, date(2026, 12, 4))

    after = [v for v in current(uow) if v.elder_id == paired and v.day > date(2026, 12, 4)]
    assert {v.worker_id for v in after if v.day <= date(2026, 12, 11)} == {social_worker}
    assert {v.worker_id for v in after if v.day > date(2026, 12, 11)} == {district.accounts["w_a1"]}


def test_visits_delivered_count_against_the_quota_at_the_nightly_replan(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    social_worker = visitor(uow, district, "sg_1")
    contract = make_contract(
        uow, district.accounts["station"], area_code=district.codes["street_a"], first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31), quota=3,
    )  # fmt: skip
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, visitor_id=social_worker, contract_id=contract, first_day=date(2026, 11, 1))
    plan(uow)
    by_visitor = sorted((v for v in current(uow) if v.worker_id == social_worker), key=lambda v: v.day)
    assert len(by_visitor) == 3
    go_to(clock, by_visitor[0].day)
    record(uow, by_visitor[0], VisitOutcome.VISITED)

    replan_on(uow, by_visitor[0].day)

    later = [v for v in current(uow) if v.elder_id == paired and v.day > by_visitor[0].day]
    # One delivered, two still the contract's; the rest their grid worker's.
    assert Counter(v.worker_id for v in later) == {social_worker: 2, district.accounts["w_a1"]: 2}


def test_coverage_counts_a_visit_by_whoever_made_it(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    social_worker = visitor(uow, district, "sg_1")
    paired = district.elders["elder_a1"]
    make_pairing(uow, paired, visitor_id=social_worker, first_day=date(2026, 11, 1))
    plan(uow)
    theirs = sorted((v for v in current(uow) if v.elder_id == paired), key=lambda v: v.day)
    assert {v.worker_id for v in theirs} == {social_worker}
    for row in theirs:
        go_to(clock, row.day)
        record(uow, row, VisitOutcome.VISITED)

    result = month_coverage(uow, SYSTEM, DECEMBER, today=date(2026, 12, 31))

    (person,) = [p for p in result.people if p.elder_id == paired]
    assert person.result.covered


def test_plans_with_visitors_are_the_same_on_the_serial_and_the_process_executor(
    uow: UnitOfWork, district: District
) -> None:
    make_overloaded_grid(uow, district, people=12)
    staff = [visitor(uow, district, f"sg_{i}", minutes_per_day=60) for i in range(4)]
    for i in range(8):
        make_pairing(uow, district.elders[f"a1_{i}"], visitor_id=staff[i % 4], first_day=date(2026, 11, 1))
    serial = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    pooled = plan_month(
        uow, caller=SYSTEM, month=DECEMBER, executor="process", settings=REPRODUCIBLE, force=True
    )

    def stored(version_id: int) -> list[tuple[object, ...]]:
        with uow:
            return sorted(
                (v.elder_id, v.obligation, v.worker_id, v.day, v.seq, v.arrival, v.kind)
                for v in uow.plans.visits(version_id)
            )

    assert stored(pooled.version_id) == stored(serial.version_id)
    assert pooled.handed_back == serial.handed_back
    assert set(staff) <= {row[2] for row in stored(serial.version_id)}


def test_the_01_00_replan_keeps_the_visitors_visits_of_the_day_starting(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    """The nightly run re-plans after the day that has ended (`scheduler.replanned_after`): the day starting
    is the visitor's to work, as it is a grid worker's."""
    social_worker = visitor(uow, district, "sg_1")
    for person in ("elder_a1", "elder_a2"):
        make_pairing(uow, district.elders[person], visitor_id=social_worker, first_day=date(2026, 11, 1))
    plan(uow)
    ended = date(2026, 12, 7)
    before = {(v.elder_id, v.obligation, v.day) for v in current(uow) if v.worker_id == social_worker}
    clock.set(datetime.combine(ended + timedelta(days=1), time(1, 0), SHANGHAI))

    replan_on(uow, ended)

    after = {(v.elder_id, v.obligation, v.day) for v in current(uow) if v.worker_id == social_worker}
    assert {row for row in before if row[2] > ended} <= after
