"""A re-plan always ends: a worker's solve stopped by its wall-clock guard keeps what it had (the current
routes it started from), and the run, its version and the shortfall report name that worker (ADR 0024)."""

from __future__ import annotations

from datetime import date, datetime, time
from time import perf_counter

import pytest

from tests.factories import SYSTEM, District, elder_data, make_district
from visitsvc.access.scoping import caller_for
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import Category
from visitsvc.planning import plan_reports
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import elders

DECEMBER = Month(2026, 12)
REPRODUCIBLE = PlanningSettings(solution_limit=30)
# A million solutions no search of a small district reaches (guided local search never stops by itself):
# every solve runs into its guard, of a third of a second.
ENDLESS = PlanningSettings(solution_limit=10**6, guard_seconds=0.3)
TODAY = date(2026, 12, 1)


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    """Three grids, each with a few people owed a home visit in December, planned on 25 November."""
    d = make_district(uow)
    for grid in ("grid_a1", "grid_a2", "grid_b1"):
        for n in range(3):
            data = elder_data(
                d.codes[grid], birth_date=date(1950, 8, 2 + n), categories=frozenset({Category.EMPTY_NEST})
            )
            elders.create_elder(uow, caller=SYSTEM, data=data)
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    return d


def after_today(uow: UnitOfWork) -> list[tuple[int, str, int, date]]:
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        rows = uow.plans.visits(latest.id)
    return sorted((r.elder_id, r.obligation, r.worker_id, r.day) for r in rows if r.day > TODAY)


def test_a_replan_whose_solves_would_not_end_ends_on_their_guards_with_the_plan_intact(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    """A newcomer to plan, and searches that would run on: each stops at its guard with its best plan, so
    the night's re-plan ends, the newcomer is planned, nobody is left out, and the workers are named."""
    before = after_today(uow)
    workers = sorted({worker for _, _, worker, _ in before})
    assert len(workers) == 3
    newcomer = elders.create_elder(uow, caller=SYSTEM, data=elder_data(district.codes["grid_a1"])).id
    clock.set(datetime.combine(TODAY, time(18, 0), SHANGHAI))

    started = perf_counter()
    outcome = replan(uow, caller=SYSTEM, today=TODAY, executor="serial", settings=ENDLESS)

    assert perf_counter() - started < 30
    assert outcome.created
    assert outcome.guard_hit == workers
    assert outcome.as_json()["guard_hit"] == workers
    assert not outcome.unplanned
    after = after_today(uow)
    assert newcomer in {elder for elder, _, _, _ in after}
    assert {(e, o) for e, o, _, _ in before} <= {(e, o) for e, o, _, _ in after}
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        assert latest.summary["guard_hit"] == workers
    assert plan_reports.shortfall(uow, caller=SYSTEM, month=DECEMBER)["guard_hit"] == workers


def test_a_replan_within_its_guard_names_nobody(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    clock.set(datetime.combine(TODAY, time(18, 0), SHANGHAI))

    outcome = replan(uow, caller=SYSTEM, today=TODAY, executor="serial", settings=REPRODUCIBLE)

    assert outcome.guard_hit == []
    assert plan_reports.shortfall(uow, caller=SYSTEM, month=DECEMBER)["guard_hit"] == []
    with uow:
        first = uow.plans.versions(DECEMBER)[0]
        assert first.summary["guard_hit"] == [], "the month's plan, solved within its guards"


def test_a_month_plan_whose_solves_hit_their_guard_names_the_workers_in_its_version(
    uow: UnitOfWork, district: District
) -> None:
    forced = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=ENDLESS, force=True)

    assert forced.created
    assert forced.as_json()["guard_hit"] == forced.guard_hit
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        named = latest.summary["guard_hit"]
        assert named, "each worker's last solve is named when it hit its guard"
        assert set(named) <= {district.accounts[w] for w in ("w_a1", "w_a2", "w_b1")}
        assert forced.guard_hit == named
        supervisor = uow.workers.find_by_account_id(district.accounts["sup_a"])
        assert supervisor is not None
        street_a = caller_for(supervisor)
    theirs = {district.accounts["w_a1"], district.accounts["w_a2"]}
    shown = plan_reports.shortfall(uow, caller=street_a, month=DECEMBER)["guard_hit"]
    assert shown == [w for w in named if w in theirs], "another street's workers are not the caller's to see"
