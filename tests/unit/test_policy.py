"""The visit policy: who is owed what in a month, and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model.enums import AbilityLevel, Category, DisabilityGrade, ElderStatus, Willingness
from visitsvc.planning.policy import (
    ElderFacts,
    NotCoverable,
    Rule,
    VisitKind,
    high_risk_reasons,
    is_substitutable,
    obligations,
    weeks,
)

NOVEMBER = Month(2026, 11)
CALENDAR = WorkCalendar()
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
HIGH_RISK = replace(PERSON, categories=frozenset({Category.LIVING_ALONE}), age=84)


def test_every_active_person_is_owed_one_home_visit_in_the_month() -> None:
    owed = obligations(PERSON, NOVEMBER, CALENDAR).owed
    assert [(o.kind, o.rule) for o in owed] == [(VisitKind.HOME, Rule.MONTHLY_HOME)]
    assert (owed[0].earliest, owed[0].latest) == (date(2026, 11, 2), date(2026, 11, 30))


@pytest.mark.parametrize("willingness", [Willingness.PHONE_ONLY, Willingness.REFUSES_HOME])
def test_who_declines_home_visits_is_owed_a_phone_visit(willingness: Willingness) -> None:
    owed = obligations(replace(PERSON, willingness=willingness), NOVEMBER, CALENDAR).owed
    assert [(o.kind, o.rule) for o in owed] == [(VisitKind.PHONE, Rule.MONTHLY_PHONE)]


@pytest.mark.parametrize(
    "facts",
    [
        replace(PERSON, categories=frozenset({Category.LIVING_ALONE}), ability_level=AbilityLevel.MODERATE),
        replace(PERSON, categories=frozenset({Category.CHILDLESS, Category.DEMENTIA})),
        replace(
            PERSON, categories=frozenset({Category.LIVING_ALONE}), disability_grade=DisabilityGrade.GRADE_2
        ),
        HIGH_RISK,
    ],
)
def test_high_risk_people_are_owed_a_home_visit_every_week(facts: ElderFacts) -> None:
    owed = obligations(facts, NOVEMBER, CALENDAR).owed
    assert {o.rule for o in owed} == {Rule.WEEKLY_HIGH_RISK}
    assert len(owed) == len(weeks(CALENDAR.workdays(NOVEMBER)))


@pytest.mark.parametrize(
    "facts",
    [
        replace(PERSON, age=85),  # old, but not alone
        replace(PERSON, categories=frozenset({Category.LIVING_ALONE}), ability_level=AbilityLevel.MILD),
        replace(
            PERSON, categories=frozenset({Category.LIVING_ALONE}), disability_grade=DisabilityGrade.GRADE_3
        ),
    ],
)
def test_living_alone_or_being_old_alone_is_not_high_risk(facts: ElderFacts) -> None:
    assert high_risk_reasons(facts) == ()


def test_a_short_partial_week_joins_its_neighbour() -> None:
    # November 2026: Mon 2 .. Mon 30; the last week is one working day and joins the week before.
    groups = weeks(CALENDAR.workdays(NOVEMBER))
    assert [len(g) for g in groups] == [5, 5, 5, 6]
    # October 2026 opens with the National Day holiday and has a make-up working Saturday.
    workdays = CALENDAR.workdays(Month(2026, 10))
    october = weeks(workdays)
    assert [d for g in october for d in g] == workdays
    assert all(len(g) >= 3 for g in october)


def test_a_person_registered_after_the_plan_is_owed_a_visit_within_five_working_days() -> None:
    new = replace(
        PERSON, registered_on=date(2026, 11, 10), statuses=((date(2026, 11, 10), ElderStatus.ACTIVE),)
    )
    owed = obligations(new, NOVEMBER, CALENDAR, plan_made_on=date(2026, 10, 25)).owed
    assert [(o.rule, o.earliest, o.latest) for o in owed] == [
        (Rule.NEW_ELDER, date(2026, 11, 10), date(2026, 11, 17))
    ]


def test_registered_too_late_for_the_five_day_rule_is_not_coverable_this_month() -> None:
    late = replace(
        PERSON, registered_on=date(2026, 12, 28), statuses=((date(2026, 12, 28), ElderStatus.ACTIVE),)
    )
    result = obligations(late, Month(2026, 12), CALENDAR, plan_made_on=date(2026, 11, 25))
    assert result.not_coverable is NotCoverable.REGISTERED_TOO_LATE


def in_hospital(facts: ElderFacts, first: date, back: date) -> ElderFacts:
    return replace(
        facts,
        statuses=(*facts.statuses, (first, ElderStatus.HOSPITALIZED), (back, ElderStatus.ACTIVE)),
    )


def test_nothing_is_owed_while_hospitalised_and_a_visit_within_three_days_after() -> None:
    facts = in_hospital(PERSON, date(2026, 10, 20), date(2026, 11, 16))
    owed = obligations(facts, NOVEMBER, CALENDAR).owed
    assert [(o.rule, o.earliest, o.latest) for o in owed] == [
        (Rule.BACK_FROM_HOSPITAL, date(2026, 11, 16), date(2026, 11, 19))
    ]


def test_home_again_with_three_working_days_running_into_next_month_is_next_months_visit() -> None:
    # Back on Tuesday 29 December: the third working day after it is Monday 4 January (1 January is a
    # holiday). December owes no back visit, nor a weekly visit for that week; January owes it by the 4th.
    facts = in_hospital(HIGH_RISK, date(2026, 12, 21), date(2026, 12, 29))
    december = obligations(facts, Month(2026, 12), CALENDAR).owed
    assert [o.key for o in december] == ["week:2026-12-01", "week:2026-12-07", "week:2026-12-14"]
    january = obligations(facts, Month(2027, 1), CALENDAR).owed
    back = [(o.rule, o.earliest, o.latest) for o in january if o.rule is Rule.BACK_FROM_HOSPITAL]
    assert back == [(Rule.BACK_FROM_HOSPITAL, date(2027, 1, 4), date(2027, 1, 4))]
    assert "week:2027-01-04" not in {o.key for o in january}, "the back visit stands for its week's"


def test_in_hospital_all_month_is_not_coverable() -> None:
    facts = replace(
        PERSON,
        statuses=((date(2025, 3, 1), ElderStatus.ACTIVE), (date(2026, 10, 1), ElderStatus.HOSPITALIZED)),
    )
    assert obligations(facts, NOVEMBER, CALENDAR).not_coverable is NotCoverable.NOT_ACTIVE


def test_death_ends_what_is_owed_from_its_effective_date() -> None:
    facts = replace(
        PERSON, statuses=((date(2025, 3, 1), ElderStatus.ACTIVE), (date(2026, 11, 11), ElderStatus.DECEASED))
    )
    owed = obligations(facts, NOVEMBER, CALENDAR).owed
    assert owed[0].latest == date(2026, 11, 10)


def test_refusing_all_contact_makes_a_person_not_coverable() -> None:
    facts = replace(PERSON, refused_contact_on=date(2026, 11, 3))
    assert obligations(facts, NOVEMBER, CALENDAR).not_coverable is NotCoverable.REFUSED_ALL_CONTACT


def test_only_low_risk_people_seen_at_home_last_month_may_get_a_phone_visit_instead() -> None:
    assert is_substitutable(PERSON)
    assert not is_substitutable(HIGH_RISK)
    assert not is_substitutable(replace(PERSON, categories=frozenset({Category.LIVING_ALONE})))
    assert not is_substitutable(replace(PERSON, ability_level=AbilityLevel.MODERATE))
    assert not is_substitutable(replace(PERSON, substituted_last_month=True)), "never two months running"
    assert not is_substitutable(replace(PERSON, home_visit_last_month=False))


def test_without_an_official_notice_the_fallback_calendar_warns() -> None:
    calendar = WorkCalendar()
    january = calendar.workdays(Month(2027, 1))
    assert date(2027, 1, 1) not in january
    assert date(2027, 1, 4) in january
    assert "2027" in (calendar.warning() or "")


def test_a_loaded_notice_wins_over_the_library() -> None:
    calendar = WorkCalendar({date(2027, 2, 15): False, date(2027, 2, 20): True})
    assert not calendar.is_workday(date(2027, 2, 15))
    assert calendar.is_workday(date(2027, 2, 20))
    assert calendar.is_workday(date(2027, 2, 16))
    assert calendar.warning() is None


def test_a_high_risk_newcomer_registered_on_a_friday_owes_the_five_day_visit_not_that_weeks_visit() -> None:
    friday = date(2026, 12, 18)
    new = replace(HIGH_RISK, registered_on=friday, statuses=((friday, ElderStatus.ACTIVE),))
    owed = obligations(new, Month(2026, 12), CALENDAR, plan_made_on=date(2026, 11, 25)).owed
    assert [(o.rule, o.earliest) for o in owed] == [
        (Rule.NEW_ELDER, friday),
        (Rule.WEEKLY_HIGH_RISK, date(2026, 12, 21)),
        (Rule.WEEKLY_HIGH_RISK, date(2026, 12, 28)),
    ], "no visit owed in the week of 14 December, whose only day left is the day of registration"
