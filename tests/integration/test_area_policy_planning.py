"""The policy per area in a month's plan: an area's setting changes the plan's inputs (a new version), the
same setting again does not, and a street that allows it gets calls for high-risk people's weekly home visits
after their first when its worker cannot fit them (issue 20)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import SYSTEM, District, elder_data, make_district
from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import PlannedVisit, VisitKind
from visitsvc.planning.area_policy import rules_at, set_policy
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.plan_outcome import PlanOutcome
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import elders, workers

pytestmark = pytest.mark.db

DECEMBER = Month(2026, 12)
REPRODUCIBLE = PlanningSettings(solution_limit=30)
FIRST_WEEK = "week:2026-12-01"  # December 2026 starts on a Tuesday: its first week's visits are due 1-4


@pytest.fixture
def short_street(uow: UnitOfWork) -> District:
    """Street B: one grid, one worker with 40 minutes a day, eight high-risk people owed a visit a week (40
    visits, about one fits a day) and no colleague in the street to take any. Plans are of street B alone:
    street A's workers, a few metres away, would otherwise take the overflow (docs/adr/0025)."""
    d = make_district(uow)
    for n in range(7):
        d.elders[f"b{n}"] = elders.create_elder(uow, caller=SYSTEM, data=elder_data(d.codes["grid_b1"])).id
    workers.update_worker(
        uow, caller=SYSTEM, worker_id=d.accounts["w_b1"], changes={"visit_minutes_per_day": 40}
    )
    return d


def plan(uow: UnitOfWork, district: District) -> PlanOutcome:
    return plan_month(
        uow,
        caller=SYSTEM,
        month=DECEMBER,
        area_code=district.codes["street_b"],
        executor="serial",
        settings=REPRODUCIBLE,
    )


def street_b(uow: UnitOfWork, district: District) -> int:
    with uow:
        return uow.areas.get_by_code(Scope.everything(), district.codes["street_b"]).id


def rows(uow: UnitOfWork, version_id: int) -> list[PlannedVisit]:
    with uow:
        return uow.plans.visits(version_id)


def test_a_setting_makes_the_next_plan_run_and_the_same_setting_again_does_not(
    uow: UnitOfWork, short_street: District
) -> None:
    first = plan(uow, short_street)
    set_policy(uow, caller=SYSTEM, area_id=street_b(uow, short_street), values={"reach_minutes": 45})
    second = plan(uow, short_street)
    assert (second.created, second.version) == (True, first.version + 1)
    set_policy(uow, caller=SYSTEM, area_id=street_b(uow, short_street), values={"reach_minutes": 45})
    assert plan(uow, short_street).created is False


def test_the_streets_setting_is_what_its_grids_resolve_to(uow: UnitOfWork, short_street: District) -> None:
    set_policy(uow, caller=SYSTEM, area_id=street_b(uow, short_street), values={"reach_minutes": 45})
    with uow:
        grid_b1 = uow.areas.get_by_code(Scope.everything(), short_street.codes["grid_b1"])
        grid_a1 = uow.areas.get_by_code(Scope.everything(), short_street.codes["grid_a1"])
        assert (rules_at(uow, grid_b1.path).reach_minutes, rules_at(uow, grid_a1.path).reach_minutes) == (
            45,
            30,
        )


def test_where_the_street_allows_it_weekly_visits_after_the_first_become_calls_when_short(
    uow: UnitOfWork, short_street: District
) -> None:
    before = plan(uow, short_street)
    short = [u for u in before.unplanned if u["reason"] == "capacity"]
    assert short, "the worker cannot fit the month"
    assert before.weekly_calls == {}

    set_policy(
        uow,
        caller=SYSTEM,
        area_id=street_b(uow, short_street),
        values={"weekly_home_to_calls_when_short": True},
    )
    after = plan(uow, short_street)
    assert after.created
    calls = [v for v in rows(uow, after.version_id) if v.substituted and v.rule == "weekly_high_risk"]
    grid = short_street.codes["grid_b1"]
    assert calls
    assert after.weekly_calls == {grid: len(calls)}
    assert all(v.kind is VisitKind.PHONE and v.obligation != FIRST_WEEK for v in calls)
    # What is still unplanned is a first home visit of the month, which no setting turns into a call.
    assert all(u["grid"] == grid for u in after.unplanned)
    with uow:
        missing = uow.plans.unplanned(after.version_id)
        assert {u.obligation for u in missing} <= {FIRST_WEEK}
    assert len(after.unplanned) + len(calls) == len(short)
    # Street A allows nothing: none of its people's weekly visits became calls.
    assert set(after.weekly_calls) == {grid}


def test_the_nightly_replan_keeps_applying_the_streets_setting(
    uow: UnitOfWork, short_street: District
) -> None:
    set_policy(
        uow,
        caller=SYSTEM,
        area_id=street_b(uow, short_street),
        values={"weekly_home_to_calls_when_short": True},
    )
    plan(uow, short_street)
    outcome = replan(
        uow,
        caller=SYSTEM,
        today=date(2026, 12, 9),
        area_code=short_street.codes["street_b"],
        executor="serial",
        settings=REPRODUCIBLE,
    )
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        visits = uow.plans.visits(latest.id)
        missing = uow.plans.unplanned(latest.id)
    later = [v for v in visits if v.day > date(2026, 12, 9) and v.elder_id in short_street.elders.values()]
    assert later, outcome
    assert any(v.substituted and v.rule == "weekly_high_risk" for v in later)
    # Nobody was recorded as seen at home: each person's earliest home visit left stays a home visit, at most
    # one each is unplanned for capacity, and the rest of their weekly visits became calls.
    # (The first week's visits, unplanned for capacity on planning day and whose days have passed, keep
    # that reason: they are not visits left.)
    short = [
        u.elder_id
        for u in missing
        if u.kind is VisitKind.HOME and u.reason == "capacity" and u.obligation != FIRST_WEEK
    ]
    assert len(short) == len(set(short))
