"""Remedies as values a planning run applies (issue 20): stored rows combine, and each changes one input."""

from __future__ import annotations

from datetime import time

from visitsvc.model import TravelMode
from visitsvc.planning.policy import PolicyRules
from visitsvc.planning.remedies import NO_REMEDIES, WIDER_REACH_MINUTES, Remedies, touches, widened
from visitsvc.planning.route_problems import WorkerFacts

A1, A2 = (
    WorkerFacts(n, TravelMode.EBIKE, None, time(8, 30), time(17, 30), 40, (f"/1/2/3/{n}/",)) for n in (7, 8)
)


def test_stored_rows_combine_and_a_later_hours_row_of_a_worker_wins() -> None:
    remedies = Remedies.of(
        [
            ("hours", "/1/2/", {"extra_minutes_per_day": {"7": 20}}),
            ("reach", "/1/2/", {}),
            ("hours", "/1/2/", {"extra_minutes_per_day": {"7": 30, "8": 10}}),
            ("calls", "/1/2/3/", {}),
        ]
    )
    assert remedies == Remedies(True, ("/1/2/3/",), ((7, 30), (8, 10)))


def test_no_remedy_changes_nothing() -> None:
    rules = PolicyRules()
    assert not NO_REMEDIES
    assert NO_REMEDIES.rules_for(rules, "/1/2/3/7/") is rules
    assert NO_REMEDIES.workers([A1, A2]) == (A1, A2)


def test_a_wider_reach_widens_only_the_colleagues_limit_everywhere_the_run_plans() -> None:
    rules = PolicyRules(high_risk_min_age=75)
    wider = Remedies(reach=True)
    assert wider.rules_for(rules, "/1/2/3/7/") == wider.rules_for(rules, "/1/5/3/7/") == widened(rules)
    assert widened(rules).reach_minutes == WIDER_REACH_MINUTES
    assert widened(rules).high_risk_min_age == 75


def test_an_area_that_already_reaches_further_keeps_its_own_reach() -> None:
    far = PolicyRules(reach_minutes=90)
    assert Remedies(reach=True).rules_for(far, "/1/2/3/7/").reach_minutes == 90


def test_extra_minutes_raise_only_the_named_workers_day() -> None:
    raised = Remedies(extra_minutes=((7, 30),)).workers([A1, A2])
    assert [w.minutes_per_day for w in raised] == [70, 40]


def test_calls_turn_on_the_areas_weekly_calls_when_short_for_its_people_only() -> None:
    rules = PolicyRules()
    calls = Remedies(calls_in=("/1/2/",))
    assert calls.rules_for(rules, "/1/2/3/7/").weekly_home_to_calls_when_short
    assert calls.rules_for(rules, "/1/5/3/7/") is rules


def test_a_remedy_of_a_street_counts_in_runs_of_its_district_and_its_grids_not_another_street() -> None:
    assert touches("/1/2/", "/1/")
    assert touches("/1/2/", "/1/2/3/7/")
    assert not touches("/1/2/", "/1/5/")
