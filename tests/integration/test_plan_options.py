"""Options on planning day (issue 20) on a small overloaded district: grid A1 has more people than its worker
can fit, colleague A2 (same community) has spare time but starts 8 km away, beyond the usual reach."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import SYSTEM, District, elder_data, make_district, make_overloaded_grid
from tests.fake_receiver import Receiver, receiver
from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.notify_channels import WecomChannel
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.errors import Invalid
from visitsvc.kernel.month import Month
from visitsvc.model import AuditEntry, Notification, NotificationState, PlanRemedy
from visitsvc.oversight import notifications
from visitsvc.planning import plan_reports
from visitsvc.planning.area_policy import set_policy
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.option_apply import apply_options
from visitsvc.planning.plan_options import options
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import elders
from visitsvc.simulation import play
from visitsvc.simulation.play import SimulationSettings

__all__ = ["receiver"]
DECEMBER = Month(2026, 12)
QUICK = PlanningSettings(solution_limit=30)


@pytest.fixture
def overloaded(uow: UnitOfWork) -> District:
    d = make_district(uow)
    make_overloaded_grid(uow, d)
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=QUICK)
    return d


def grid_options(uow: UnitOfWork, d: District) -> dict[str, Any]:
    answer = options(uow, caller=SYSTEM, month=DECEMBER, settings=QUICK)
    (a1,) = [g for g in answer["grids"] if g["grid"] == d.codes["grid_a1"]]
    return a1


def test_only_the_overloaded_grid_is_short_and_its_hours_short_are_its_visits_left_out(
    uow: UnitOfWork, overloaded: District
) -> None:
    answer = options(uow, caller=SYSTEM, month=DECEMBER, settings=QUICK)
    assert [g["grid"] for g in answer["grids"]] == [overloaded.codes["grid_a1"]]
    a1 = answer["grids"][0]
    assert a1["visits_short"] > 0
    assert a1["hours_short"] >= a1["visits_short"] * 30 / 60
    assert answer["total"]["visits_short"] == a1["visits_short"]
    assert [s["street"] for s in answer["streets"]] == [overloaded.codes["street_a"]]


def test_a_wider_reach_moves_the_visits_to_the_colleague_and_applying_it_leaves_the_promised_shortfall(
    uow: UnitOfWork, overloaded: District
) -> None:
    promised = grid_options(uow, overloaded)["options"]["reach"]
    assert promised["visits_moved"] > 0, "the colleague 8 km away takes visits only with the wider reach"
    applied = apply_options(uow, caller=SYSTEM, month=DECEMBER, kinds=["reach"], settings=QUICK)
    assert applied["version"] == 2
    assert applied["created"]
    assert applied["visits_short_after"][overloaded.codes["grid_a1"]] == promised["visits_short_after"]
    assert applied["moved_to_other_workers"] == promised["visits_moved"]


def test_a_community_whose_policy_reaches_45_minutes_sends_its_overflow_to_the_colleague_40_minutes_away(
    uow: UnitOfWork, overloaded: District
) -> None:
    """The reach is the person's area's policy (docs/adr/0026): no option needed where the office set it."""
    with uow:
        community = uow.areas.get_by_code(Scope.everything(), overloaded.codes["community_a"]).id
    set_policy(uow, caller=SYSTEM, area_id=community, values={"reach_minutes": 45})
    planned = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=QUICK)
    assert planned.created
    assert planned.moved_to_other_workers > 0
    set_policy(uow, caller=SYSTEM, area_id=community, values={"reach_minutes": 35})
    assert (
        plan_month(
            uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=QUICK
        ).moved_to_other_workers
        == 0
    )


def test_extra_hours_for_the_grid_worker_make_the_grid_fit_as_promised(
    uow: UnitOfWork, overloaded: District
) -> None:
    a1 = grid_options(uow, overloaded)
    promised = a1["options"]["hours"]
    assert list(promised["extra_minutes_per_day"]) == [str(overloaded.accounts["w_a1"])]
    assert promised["hours_per_week"] > 0
    assert promised["visits_short_after"] < a1["visits_short"]
    applied = apply_options(uow, caller=SYSTEM, month=DECEMBER, kinds=["hours"], settings=QUICK)
    assert applied["visits_short_after"][overloaded.codes["grid_a1"]] == promised["visits_short_after"]
    assert applied["applied"] == [
        {"kind": "hours", "extra_minutes_per_day": promised["extra_minutes_per_day"]}
    ]


def test_visitors_from_outside_are_a_figure_only(uow: UnitOfWork, overloaded: District) -> None:
    outside = grid_options(uow, overloaded)["options"]["outside"]
    assert outside["hours_per_week"] > 0
    assert outside["visits_short_after"] == 0
    assert outside["applicable"] is False
    with pytest.raises(Invalid) as refused:
        apply_options(uow, caller=SYSTEM, month=DECEMBER, kinds=["outside"], settings=QUICK)
    assert "remedies" in refused.value.errors


def test_calls_instead_of_weekly_home_visits_make_the_high_risk_grid_fit_as_promised(uow: UnitOfWork) -> None:
    d = make_district(uow)
    make_overloaded_grid(uow, d, people=6, high_risk=True)
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=QUICK)
    a1 = grid_options(uow, d)
    promised = a1["options"]["calls"]
    assert promised["available"] is True
    assert promised["calls"] > 0
    assert promised["visits_short_after"] < a1["visits_short"]
    applied = apply_options(uow, caller=SYSTEM, month=DECEMBER, kinds=["calls"], settings=QUICK)
    assert applied["visits_short_after"][d.codes["grid_a1"]] == promised["visits_short_after"]


def test_an_applied_remedy_is_stored_audited_and_kept_by_later_plan_runs(
    uow: UnitOfWork, overloaded: District
) -> None:
    applied = apply_options(uow, caller=SYSTEM, month=DECEMBER, kinds=["reach"], settings=QUICK)
    again = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=QUICK)
    assert not again.created, "the remedy is part of the fingerprint: nothing changed since it was applied"
    forced = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=QUICK, force=True)
    short = [u for u in forced.unplanned if u["reason"] == "capacity"]
    assert len(short) == applied["visits_short_after"][overloaded.codes["grid_a1"]]
    with uow:
        stored = uow.session.scalars(select(PlanRemedy)).all()
        logged = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "plan.remedy")).all()
        assert [(r.month, r.kind) for r in stored] == [("2026-12", "reach")]
        assert len(logged) == 1


def test_a_month_without_short_grids_has_no_options(uow: UnitOfWork) -> None:
    make_district(uow)
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=QUICK)
    answer = options(uow, caller=SYSTEM, month=DECEMBER, settings=QUICK)
    assert answer["grids"] == []
    assert answer["streets"] == []


def night_with_a_newcomer(uow: UnitOfWork, clock: FixedClock, d: District) -> int:
    """The first night of December, after one more person moved into A1: people left out for capacity."""
    clock.set(datetime(2026, 12, 1, 18, 0, tzinfo=SHANGHAI))
    newcomer = elder_data(d.codes["grid_a1"], lon=120.1211, lat=30.2841)
    elders.create_elder(uow, caller=SYSTEM, data=newcomer)
    night = replan(uow, caller=SYSTEM, today=date(2026, 12, 1), settings=QUICK, executor="serial")
    assert night.created
    return sum(1 for u in night.unplanned if u["reason"] == "capacity")


@pytest.mark.parametrize("remedy", ["reach", "hours"])
def test_the_nights_re_plan_keeps_a_remedy_applied_on_planning_day(
    uow: UnitOfWork, clock: FixedClock, overloaded: District, remedy: str
) -> None:
    applied = apply_options(uow, caller=SYSTEM, month=DECEMBER, kinds=[remedy], settings=QUICK)
    assert applied["visits_short_after"][overloaded.codes["grid_a1"]] == 0
    assert night_with_a_newcomer(uow, clock, overloaded) == 0


def test_without_a_remedy_the_same_night_leaves_people_out(
    uow: UnitOfWork, clock: FixedClock, overloaded: District
) -> None:
    assert night_with_a_newcomer(uow, clock, overloaded) > 0


def test_a_grid_short_of_hours_tells_its_street_supervisor_where_the_options_are(
    uow: UnitOfWork, clock: FixedClock, overloaded: District, receiver: Receiver
) -> None:
    channel = WecomChannel(f"{receiver.url}/send")
    notifications.notify_pass(uow, channel, now=clock.now(), lookback=timedelta(hours=48))
    with uow:
        (told,) = uow.session.scalars(select(Notification).where(Notification.kind == "shortfall")).all()
        assert told.recipient_id == overloaded.accounts["sup_a"]
        assert "保俶一网格" in told.text
        assert "工时不足" in told.text
        assert "/console/plans/options?month=2026-12" in told.text
        assert told.state is NotificationState.SENT


def test_a_simulated_month_applies_the_chosen_options_on_planning_day(
    uow: UnitOfWork, overloaded: District
) -> None:
    """`visitsvc simulate --remedies hours`: the month played is the one the office chose to plan."""
    before = plan_reports.shortfall(uow, caller=SYSTEM, month=DECEMBER)
    chosen = SimulationSettings(DECEMBER, planning=QUICK, executor="serial", remedies=("hours",))
    after = play._planning_day(uow, chosen)
    grid = overloaded.codes["grid_a1"]
    unplanned = {g["grid"]: g["unplanned"] for g in after["grids"]}
    assert unplanned.get(grid, 0) < {g["grid"]: g["unplanned"] for g in before["grids"]}[grid]
    with uow:
        assert [r.kind for r in uow.remedies.of_month(DECEMBER)] == ["hours"]
