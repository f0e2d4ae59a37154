"""The visit policy per area: the nearest area that sets a value wins, bad values are named, and what an area
may allow when capacity is short: high-risk people's weekly home visits after their first become calls."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

import routing
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model.enums import AbilityLevel, Category, ElderStatus, TravelMode, VisitKind, Willingness
from visitsvc.planning.plan_versions import rows_of, summary
from visitsvc.planning.policy import (
    DEFAULT_RULES,
    ElderFacts,
    PeopleRules,
    PolicyRules,
    Rule,
    first_home_visits,
    may_become_call,
    obligations,
)
from visitsvc.planning.policy_settings import PARAMETERS, differing, resolve, validate
from visitsvc.planning.route_problems import Home, PlanningSettings, WorkerFacts, build, visit_id

DISTRICT, STREET, GRID = 1, 4, 17
GRID_PATH = f"/{DISTRICT}/{STREET}/{GRID}/"
DECEMBER = Month(2026, 12)
CALENDAR = WorkCalendar()
HIGH_RISK = ElderFacts(
    elder_id=7,
    categories=frozenset({Category.LIVING_ALONE}),
    ability_level=AbilityLevel.INTACT,
    disability_grade=None,
    age=84,
    willingness=Willingness.HOME,
    registered_on=date(2025, 3, 1),
    statuses=((date(2025, 3, 1), ElderStatus.ACTIVE),),
)
LOW_RISK = replace(HIGH_RISK, elder_id=8, categories=frozenset({Category.EMPTY_NEST}), age=70)
CALLS_WHEN_SHORT = replace(DEFAULT_RULES, weekly_home_to_calls_when_short=True)


def test_without_settings_every_value_is_the_code_default_from_nowhere() -> None:
    resolved = resolve(GRID_PATH, {})
    assert resolved.rules == DEFAULT_RULES
    assert resolved.source == dict.fromkeys(PARAMETERS)


def test_the_nearest_area_that_sets_a_value_wins_and_the_rest_is_inherited() -> None:
    own = {
        DISTRICT: {"high_risk_min_age": 75, "reach_minutes": 45},
        STREET: {"high_risk_min_age": 70, "reach_minutes": None},  # None inherits the district's
    }
    resolved = resolve(GRID_PATH, own)
    assert (resolved.rules.high_risk_min_age, resolved.source["high_risk_min_age"]) == (70, STREET)
    assert (resolved.rules.reach_minutes, resolved.source["reach_minutes"]) == (45, DISTRICT)
    assert (resolved.rules.min_workdays_in_week, resolved.source["min_workdays_in_week"]) == (3, None)
    assert resolve(f"/{DISTRICT}/5/", own).rules.high_risk_min_age == 75  # another street


def test_false_is_a_setting_not_an_absence() -> None:
    own = {DISTRICT: {"substitute_phone": False}, GRID: {"substitute_phone": None}}
    assert resolve(GRID_PATH, own).rules.substitute_phone is False


def test_an_areas_setting_changes_its_rules_and_so_a_plans_fingerprint() -> None:
    assert differing({GRID_PATH: DEFAULT_RULES}) == {}  # nothing set: earlier fingerprints still hold
    changed = differing({GRID_PATH: resolve(GRID_PATH, {STREET: {"min_workdays_in_week": 2}}).rules})
    assert changed[GRID_PATH]["min_workdays_in_week"] == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"high_risk_min_age": 59}, "high_risk_min_age"),
        ({"new_elder_workdays": 21}, "new_elder_workdays"),
        ({"reach_minutes": "30"}, "reach_minutes"),
        ({"min_workdays_in_week": True}, "min_workdays_in_week"),
        ({"substitute_phone": 1}, "substitute_phone"),
        ({"visits_per_week": 2}, "visits_per_week"),
    ],
)
def test_a_value_that_cannot_be_stored_is_named(values: dict[str, object], field: str) -> None:
    assert set(validate(values)) == {field}


def test_nulls_and_values_in_range_are_accepted() -> None:
    assert validate({"high_risk_min_age": 60, "reach_minutes": None, "substitute_phone": False}) == {}


def test_a_younger_high_risk_age_makes_more_people_owed_a_weekly_visit() -> None:
    seventy_five = replace(HIGH_RISK, age=75)
    assert {o.rule for o in obligations(seventy_five, DECEMBER, CALENDAR).owed} == {Rule.MONTHLY_HOME}
    younger = replace(DEFAULT_RULES, high_risk_min_age=75)
    owed = obligations(seventy_five, DECEMBER, CALENDAR, rules=younger).owed
    assert {o.rule for o in owed} == {Rule.WEEKLY_HIGH_RISK}


def test_a_weekly_visit_may_become_a_call_only_when_allowed_and_never_the_first() -> None:
    owed = obligations(HIGH_RISK, DECEMBER, CALENDAR).owed
    first = first_home_visits(owed)[HIGH_RISK.elder_id]
    assert first == owed[0].key
    assert not may_become_call(owed[0], CALLS_WHEN_SHORT, first)
    assert all(may_become_call(o, CALLS_WHEN_SHORT, first) for o in owed[1:])
    assert not any(may_become_call(o, DEFAULT_RULES, first) for o in owed)


def test_a_monthly_visit_is_never_a_weekly_call() -> None:
    (monthly,) = obligations(LOW_RISK, DECEMBER, CALENDAR).owed
    assert not may_become_call(monthly, CALLS_WHEN_SHORT, None)


WORKER = WorkerFacts(
    id=3, mode=TravelMode.WALK, start=(120.1, 30.2), work_start=time(8, 30), work_end=time(17, 30),
    minutes_per_day=240, grid_paths=(GRID_PATH,),
)  # fmt: skip


def short_month(
    rules: PolicyRules, seen_at_home: frozenset[int] = frozenset()
) -> tuple[list[tuple[str, VisitKind, bool]], list[tuple[str, str]], dict]:
    """The high-risk person's weekly visits of weeks 1-3 and the low-risk person's monthly visit dropped for
    capacity; what the plan's rows make of them."""
    workdays = CALENDAR.workdays(DECEMBER)
    owed = [*obligations(HIGH_RISK, DECEMBER, CALENDAR).owed, *obligations(LOW_RISK, DECEMBER, CALENDAR).owed]
    homes = {e: Home(e, GRID, 120.1, 30.2) for e in (HIGH_RISK.elder_id, LOW_RISK.elder_id)}
    month = build(WORKER, owed, homes, workdays, PlanningSettings())
    weekly = [o for o in owed if o.rule is Rule.WEEKLY_HIGH_RISK]
    dropped = [*weekly[:3], owed[-1]]
    kept = weekly[3:]
    plan = routing.Plan(
        routes=tuple(
            routing.Route("3", o.earliest, (routing.Stop(visit_id(o), 9 * 3600),), 10 * 3600) for o in kept
        ),
        dropped=tuple(routing.Dropped(visit_id(o), routing.DropReason.CAPACITY) for o in dropped),
        objective=routing.Objective(0, 0, 0),
        stats=routing.Stats(0.0, None, routing.Status.FEASIBLE),
    )
    grid_of = {HIGH_RISK.elder_id: (GRID, "g"), LOW_RISK.elder_id: (GRID, "g")}
    rows = rows_of(
        [month], [plan], facts={HIGH_RISK.elder_id: HIGH_RISK, LOW_RISK.elder_id: LOW_RISK},
        grid_of=grid_of,
        grid_path={GRID: GRID_PATH}, workdays=workdays,
        rules=PeopleRules(DEFAULT_RULES, {HIGH_RISK.elder_id: rules}), seen_at_home=seen_at_home,
    )  # fmt: skip
    visits = sorted(
        (v.obligation, v.kind, v.substituted) for v in rows.visits if v.elder_id == HIGH_RISK.elder_id
    )
    missing = sorted((o.key, reason) for o, reason in rows.missing)
    counts = summary(rows.visits, [], grid_of, [])["grids"]["g"]
    return visits, missing, counts


def test_when_the_area_allows_it_weekly_visits_after_the_first_become_calls_when_short() -> None:
    visits, missing, counts = short_month(CALLS_WHEN_SHORT)
    weeks = [o.key for o in obligations(HIGH_RISK, DECEMBER, CALENDAR).owed]
    # The first week's home visit stays owed at home: named as missing, never turned into a call.
    assert missing == [(weeks[0], "capacity")]
    assert [(k, kind, s) for k, kind, s in visits if s] == [
        (weeks[1], VisitKind.PHONE, True), (weeks[2], VisitKind.PHONE, True),
    ]  # fmt: skip
    # The low-risk person's monthly visit became a call by the existing rule; only two are weekly calls.
    assert (counts["substituted"], counts["weekly_calls"]) == (3, 2)


def test_by_default_a_high_risk_persons_weekly_visits_stay_missing_when_short() -> None:
    visits, missing, counts = short_month(DEFAULT_RULES)
    assert [reason for _, reason in missing] == ["capacity"] * 3
    assert not any(s for _, _, s in visits)
    assert (counts["substituted"], counts["weekly_calls"]) == (1, 0)


def test_once_seen_at_home_this_month_even_the_earliest_weekly_visit_left_may_become_a_call() -> None:
    """A re-plan knows only what is still owed: a person already seen at home has had their first."""
    _, missing, counts = short_month(CALLS_WHEN_SHORT, seen_at_home=frozenset({HIGH_RISK.elder_id}))
    assert missing == []
    assert counts["weekly_calls"] == 3
