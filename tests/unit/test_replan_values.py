"""Re-planning's values: one coverage evaluation per person from what is known of the month, and the decision
after colleagues took visits on today, made anew rather than changed in place."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model.enums import AbilityLevel, Category, ElderStatus, VisitKind, Willingness
from visitsvc.model.visit import VisitOutcome
from visitsvc.planning.coverage import Attempt
from visitsvc.planning.month_coverage import Evidence, evaluate_people
from visitsvc.planning.plan_rows import MissingRow
from visitsvc.planning.plan_versions import unplanned_row
from visitsvc.planning.policy import ElderFacts, Owed, PolicyRules, Rule
from visitsvc.planning.replan_decisions import Decision, handed_over
from visitsvc.planning.replan_writing import first_reasons

NOVEMBER = Month(2026, 11)
PERSON = ElderFacts(
    elder_id=1,
    categories=frozenset({Category.EMPTY_NEST}),
    ability_level=AbilityLevel.INTACT,
    disability_grade=None,
    age=72,
    willingness=Willingness.HOME,
    registered_on=date(2025, 3, 1),
    statuses=((date(2025, 3, 1), ElderStatus.ACTIVE),),
)


def test_each_person_is_judged_on_their_own_evidence_in_the_order_given() -> None:
    facts = {2: replace(PERSON, elder_id=2), 1: PERSON}
    visited = Attempt(date(2026, 11, 10), VisitKind.HOME, VisitOutcome.VISITED)
    evidence = Evidence(slots={}, unplanned={}, first_planned={}, attempts={1: [visited]})
    people = evaluate_people(
        facts, evidence, NOVEMBER, WorkCalendar(), today=date(2026, 12, 1), plan_made_on=None,
        rules=PolicyRules(),
    )  # fmt: skip
    assert list(people) == [2, 1]
    assert people[1].covered
    assert people[2].coverable
    assert not people[2].covered


def owed(elder: int) -> Owed:
    return Owed(elder, VisitKind.HOME, date(2026, 12, 14), date(2026, 12, 18), Rule.WEEKLY_HIGH_RISK, "week")


def test_what_a_colleague_took_today_is_no_longer_to_plan_nor_unplanned_and_is_theirs() -> None:
    decision = Decision()
    decision.owed[5].extend([owed(7), owed(8)])
    decision.no_day[None].append(owed(9))
    decision.owner.update({(7, "week"): 5, (8, "week"): 5, (9, "week"): None})
    after = handed_over(decision, {(7, "week"): 6, (9, "week"): 6})
    assert after.owed[5] == [owed(8)]
    assert after.no_day[None] == []
    assert after.owner == {(7, "week"): 6, (8, "week"): 5, (9, "week"): 6}


def test_the_decision_handed_over_from_is_left_as_it_was() -> None:
    decision = Decision()
    decision.owed[5].append(owed(7))
    decision.owner[(7, "week")] = 5
    handed_over(decision, {(7, "week"): 6})
    assert decision.owed[5] == [owed(7)]
    assert decision.owner == {(7, "week"): 5}


def test_a_capacity_miss_whose_days_pass_is_still_named_for_capacity() -> None:
    week = Owed(
        1, VisitKind.HOME, date(2026, 12, 14), date(2026, 12, 18), Rule.WEEKLY_HIGH_RISK, "week:2026-12-14"
    )
    other = replace(week, elder_id=2)
    previous = [
        MissingRow(1, 9, VisitKind.HOME, week.key, "capacity"),
        MissingRow(2, 9, VisitKind.HOME, other.key, "unreachable_window"),
    ]
    now = [unplanned_row(week, 9, "no_working_day"), unplanned_row(other, 9, "no_working_day")]

    reasons = [row.reason for row in first_reasons(previous, now)]

    assert reasons == ["capacity", "no_working_day"]


def test_a_visit_that_loses_its_worker_says_so_whatever_it_was_short_of_before() -> None:
    week = Owed(
        1, VisitKind.HOME, date(2026, 12, 14), date(2026, 12, 18), Rule.WEEKLY_HIGH_RISK, "week:2026-12-14"
    )
    previous = [MissingRow(1, 9, VisitKind.HOME, week.key, "capacity")]

    reasons = [row.reason for row in first_reasons(previous, [unplanned_row(week, 9, "no_worker")])]

    assert reasons == ["no_worker"]
