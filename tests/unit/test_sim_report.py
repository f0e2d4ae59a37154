"""Every miss explained: the simulation report's `explained`, on hand-built timelines (issue 17)."""

from __future__ import annotations

from datetime import date

from visitsvc.kernel.month import Month
from visitsvc.model.enums import VisitKind
from visitsvc.model.visit import VisitOutcome
from visitsvc.planning.coverage import Attempt
from visitsvc.planning.month_coverage import MonthCoverage
from visitsvc.simulation.report import Events, build_report, describe, explained

HOME, PHONE = VisitKind.HOME, VisitKind.PHONE
NOT_HOME, UNREACHABLE, VISITED = VisitOutcome.NOT_HOME, VisitOutcome.UNREACHABLE, VisitOutcome.VISITED
# A monthly visit first planned on Thursday 26 November: its window then allows 26, 27 and 30 November.
ALLOWED = (date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 30))


def judge(
    tries: list[Attempt],
    *,
    reason: str = "unreachable",
    short: bool = False,
    allowed: tuple[date, ...] = ALLOWED,
    left_on: date | None = None,
) -> bool:
    return explained(
        reason=reason, grid_short_on_planning_day=short, tries=tries, allowed_days=allowed, left_on=left_on
    )


def doors(*days: date) -> list[Attempt]:
    return [Attempt(day, HOME, NOT_HOME) for day in days]


def test_every_allowed_day_tried_and_the_last_call_failed_is_explained() -> None:
    tries = [*doors(*ALLOWED), Attempt(ALLOWED[-1], PHONE, UNREACHABLE)]
    assert judge(tries)


def test_a_day_the_window_allowed_and_nobody_tried_is_not_explained() -> None:
    tries = [*doors(ALLOWED[0], ALLOWED[2]), Attempt(ALLOWED[-1], PHONE, UNREACHABLE)]
    assert not judge(tries)


def test_no_call_after_the_last_empty_doorstep_is_not_explained() -> None:
    assert not judge(doors(*ALLOWED), reason="not_home")


def test_a_call_that_got_through_earlier_does_not_make_the_last_try_a_failed_call() -> None:
    tries = [*doors(*ALLOWED[:2]), Attempt(ALLOWED[1], PHONE, VISITED), *doors(ALLOWED[2])]
    assert not judge(tries, reason="not_home")


def test_a_hospital_stay_after_a_failed_try_is_a_miss_by_definition() -> None:
    assert judge(doors(ALLOWED[0]), reason="not_home", left_on=ALLOWED[1])
    found_in_hospital = [*doors(ALLOWED[0]), Attempt(ALLOWED[1], HOME, VisitOutcome.HOSPITALIZED)]
    assert judge(found_in_hospital, reason="not_home")


def test_a_late_event_with_no_failed_try_before_it_is_not_explained() -> None:
    assert not judge([], reason="missed", left_on=ALLOWED[1])


def test_capacity_is_explained_only_in_a_grid_short_on_planning_day() -> None:
    assert judge([], reason="capacity", short=True, allowed=())
    assert not judge([], reason="capacity", short=False, allowed=())


def test_a_visit_never_planned_is_not_explained() -> None:
    assert not judge([], reason="not_planned", allowed=())


def test_solves_stopped_by_their_guard_are_named_on_planning_day_and_for_each_replan() -> None:
    """Such a month is not reproducible: the report says where and whose (docs/adr/0024)."""
    empty = MonthCoverage(Month(2026, 12), "/1/", date(2027, 1, 1), [])
    shortfall = {"grids": [], "guard_hit": [4]}
    nights = [{"run": "2026-12-08", "workers": [5, 6]}]

    report = build_report(
        empty, shortfall, replan_seconds=[1.0], travel_minutes=60, events=Events(), guard_hit=nights
    )

    assert report.as_json()["guard_hit"] == [
        {"run": "planning_day", "workers": [4]},
        {"run": "2026-12-08", "workers": [5, 6]},
    ]
    assert sum("时限保护" in line for line in describe(report)) == 2


def test_a_month_within_its_guards_names_nobody() -> None:
    empty = MonthCoverage(Month(2026, 12), "/1/", date(2027, 1, 1), [])
    report = build_report(empty, {"grids": []}, replan_seconds=[], travel_minutes=0, events=Events())
    assert report.as_json()["guard_hit"] == []
    assert not any("时限保护" in line for line in describe(report))
