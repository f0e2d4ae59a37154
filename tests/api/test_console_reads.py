"""The reads the console added to visitsvc.services, called as the console calls them: a month's progress,
queue counts, an elder's activity, a worker's day for a supervisor, audit actors' names. Scoped like every
other read (tests/api/december.py describes the month)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.december import December, december
from tests.factories import District, make_flag, make_follow_up, make_plan, make_proposal, make_record
from tests.fieldwork import set_elder
from visitsvc.access.scoping import Caller
from visitsvc.accounts import audit, auth
from visitsvc.field import todays_route
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.kernel.errors import Forbidden, NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import ElderStatus, FlagKind, RecordState, VisitKind, VisitOutcome
from visitsvc.oversight import elder_activity, progress, queue_counts

DECEMBER = Month(2026, 12)


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def as_(uow: UnitOfWork, district: District, account: str) -> Caller:
    return auth.act_as(uow, caller=Caller.system(), worker_id=district.accounts[account])


def test_progress_counts_planned_and_visited_day_by_day_up_to_today(
    uow: UnitOfWork, district: District, month: December
) -> None:
    read = progress.month_progress(uow, caller=as_(uow, district, "sup_a"), month=DECEMBER)
    days = {d.day.day: d for d in read.days}
    assert (read.as_of, read.plan_version, len(read.days)) == (date(2026, 12, 10), 1, 31)
    assert [days[n].planned for n in (1, 2, 3, 4, 16, 31)] == [0, 1, 2, 2, 3, 3], "street A's three visits"
    assert [days[n].visited for n in (1, 2, 3, 10)] == [0, 1, 1, 1], "a1 visited on 2 Dec"
    assert [days[n].attempted for n in (2, 3, 10)] == [1, 2, 2], "a2 not at home on 3 Dec"
    assert (days[11].visited, days[11].attempted) == (None, None), "after today nothing is known yet"
    district_wide = progress.month_progress(uow, caller=as_(uow, district, "admin"), month=DECEMBER)
    assert district_wide.days[-1].planned == 4


def test_progress_of_an_area_outside_the_callers_is_not_found(
    uow: UnitOfWork, district: District, month: December
) -> None:
    with pytest.raises(NotFound):
        progress.month_progress(
            uow, caller=as_(uow, district, "sup_a"), month=DECEMBER, area_code=district.codes["street_b"]
        )


def test_queue_counts_match_what_the_lists_hold(uow: UnitOfWork, district: District, month: December) -> None:
    a2_visit = month.records["elder_a2"]
    make_follow_up(uow, a2_visit)
    make_flag(uow, a2_visit, FlagKind.TOO_FAR, distance_m=900.0)
    make_proposal(uow, a2_visit, ElderStatus.HOSPITALIZED)
    b1 = month.people["elder_b1"]
    late = make_record(
        uow, elder_id=b1, worker_id=district.accounts["w_b1"], day=date(2026, 11, 20),
        state=RecordState.QUARANTINED,
    )  # fmt: skip
    make_follow_up(uow, late)
    sup_a = queue_counts.waiting(uow, caller=as_(uow, district, "sup_a"), month=DECEMBER)
    assert (sup_a.follow_ups, sup_a.flags, sup_a.proposals, sup_a.quarantined) == (1, 1, 1, 0)
    admin = queue_counts.waiting(uow, caller=as_(uow, district, "admin"), month=DECEMBER)
    assert (admin.follow_ups, admin.flags, admin.proposals, admin.quarantined) == (2, 1, 1, 1)
    november = queue_counts.waiting(uow, caller=as_(uow, district, "admin"), month=Month(2026, 11))
    assert november.flags == 0, "flags count in the month of their visit"
    with pytest.raises(Forbidden):
        queue_counts.waiting(uow, caller=as_(uow, district, "w_a1"), month=DECEMBER)


def test_an_elders_activity_is_the_months_plan_their_visits_and_open_follow_ups(
    uow: UnitOfWork, district: District, month: December
) -> None:
    elder = month.people["elder_a2"]
    make_follow_up(uow, month.records["elder_a2"], "concern:safety", urgent=True)
    read = elder_activity.elder_activity(
        uow, caller=as_(uow, district, "sup_a"), elder_id=elder, month=DECEMBER
    )
    assert [(p.day, p.worker_name, p.kind) for p in read.plan] == [
        (date(2026, 12, 3), "李网格", VisitKind.HOME)
    ]
    assert [(v.day, v.outcome, v.worker_name) for v in read.visits] == [
        (date(2026, 12, 3), VisitOutcome.NOT_HOME, "李网格")
    ]
    assert [(f.kind, f.urgent) for f in read.follow_ups] == [("concern:safety", True)]
    with pytest.raises(NotFound):
        elder_activity.elder_activity(uow, caller=as_(uow, district, "sup_b"), elder_id=elder, month=DECEMBER)


def test_a_supervisor_sees_a_workers_day_with_phones_masked(
    uow: UnitOfWork, district: District, month: December
) -> None:
    day = todays_route.worker_day_route(
        uow, caller=as_(uow, district, "sup_a"), worker_id=district.accounts["w_a1"], day=date(2026, 12, 2)
    )
    assert (day.worker_name, day.hidden, day.route.plan_version) == ("张网格", 0, 1)
    [stop] = day.route.stops
    assert (stop.elder.id, stop.status, stop.order) == (month.people["elder_a1"], "done", 1)
    assert stop.elder.phone == "138****5678"
    assert day.start is not None
    assert (day.start.lon, day.start.lat) == (120.12, 30.28)
    assert day.start.gcj02.lon != day.start.lon, "GCJ-02 is shifted from WGS-84 inside China"


def test_a_workers_day_shows_only_the_callers_people_and_only_to_supervisors(
    uow: UnitOfWork, district: District, month: December
) -> None:
    b1 = month.people["elder_b1"]
    set_elder(uow, b1, phone="13900001111")
    w_a1 = district.accounts["w_a1"]
    make_plan(
        uow, "2026-12",
        [(month.people["elder_a1b"], w_a1, date(2026, 12, 16), VisitKind.HOME),
         (b1, w_a1, date(2026, 12, 16), VisitKind.HOME)],
    )  # fmt: skip
    day = todays_route.worker_day_route(
        uow, caller=as_(uow, district, "sup_a"), worker_id=w_a1, day=date(2026, 12, 16)
    )
    assert [s.elder.id for s in day.route.stops] == [month.people["elder_a1b"]]
    assert day.hidden == 1, "street B's person handed to street A's worker is not street A's to see"
    with pytest.raises(NotFound):
        todays_route.worker_day_route(
            uow, caller=as_(uow, district, "sup_b"), worker_id=w_a1, day=date(2026, 12, 16)
        )
    with pytest.raises(Forbidden):
        todays_route.worker_day_route(
            uow, caller=as_(uow, district, "w_a1"), worker_id=w_a1, day=date(2026, 12, 16)
        )


def test_audit_actor_names_are_for_admins(uow: UnitOfWork, district: District) -> None:
    ids = [district.accounts["sup_a"], district.accounts["w_a1"]]
    names = audit.actor_names(uow, caller=as_(uow, district, "admin"), actor_ids=ids)
    assert names == {district.accounts["sup_a"]: "北山督导", district.accounts["w_a1"]: "张网格"}
    with pytest.raises(Forbidden):
        audit.actor_names(uow, caller=as_(uow, district, "sup_a"), actor_ids=ids)
