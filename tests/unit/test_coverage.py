"""Coverage, defined once: who is coverable, who is covered, and the reason for everyone who is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model.enums import AbilityLevel, Category, ElderStatus, VisitKind, Willingness
from visitsvc.model.visit import VisitOutcome
from visitsvc.planning.coverage import (
    AtRisk,
    Attempt,
    ElderMonth,
    Missing,
    SettledBy,
    Slot,
    evaluate,
    tally,
)
from visitsvc.planning.policy import ElderFacts, NotCoverable

NOVEMBER = Month(2026, 11)
CALENDAR = WorkCalendar()
END = date(2026, 12, 1)  # judged after the month
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
HOME, PHONE = VisitKind.HOME, VisitKind.PHONE
VISITED, NOT_HOME = VisitOutcome.VISITED, VisitOutcome.NOT_HOME


def judge(facts: ElderFacts = PERSON, *, today: date = END, **known: object):  # type: ignore[no-untyped-def]
    return evaluate(ElderMonth(facts, **known), NOVEMBER, CALENDAR, today=today, plan_made_on=None)  # type: ignore[arg-type]


def test_a_home_visit_in_the_month_covers_the_monthly_visit() -> None:
    result = judge(attempts=(Attempt(date(2026, 11, 10), HOME, VISITED),))
    assert result.coverable
    assert result.covered
    assert result.missing is None


def test_a_phone_call_does_not_settle_an_owed_home_visit() -> None:
    result = judge(attempts=(Attempt(date(2026, 11, 10), PHONE, VISITED),))
    assert not result.covered


def test_a_phone_call_settles_a_home_visit_the_plan_turned_into_a_phone_visit() -> None:
    slot = Slot("month", date(2026, 11, 10), PHONE, substituted=True)
    result = judge(slots=(slot,), attempts=(Attempt(date(2026, 11, 10), PHONE, VISITED, "month"),))
    assert result.covered


def test_a_home_visit_settles_an_owed_phone_visit() -> None:
    phone_only = replace(PERSON, willingness=Willingness.PHONE_ONLY)
    assert judge(phone_only, attempts=(Attempt(date(2026, 11, 3), HOME, VISITED),)).covered


def test_nobody_at_home_is_a_miss_with_that_reason() -> None:
    slot = Slot("month", date(2026, 11, 10), HOME)
    result = judge(slots=(slot,), attempts=(Attempt(date(2026, 11, 10), HOME, NOT_HOME, "month"),))
    assert result.coverable
    assert not result.covered
    assert result.missing is Missing.NOT_HOME


def test_a_high_risk_person_needs_a_visit_in_every_week() -> None:
    all_weeks = tuple(Attempt(d, HOME, VISITED) for d in (date(2026, 11, n) for n in (3, 10, 17, 24)))
    assert judge(HIGH_RISK, attempts=all_weeks).covered
    two_in_one_week = (Attempt(date(2026, 11, 3), HOME, VISITED), Attempt(date(2026, 11, 4), HOME, VISITED))
    result = judge(HIGH_RISK, attempts=two_in_one_week + all_weeks[2:])
    assert not result.covered
    assert {o.key for o in result.unsettled} == {"week:2026-11-09"}


def test_the_planners_reason_explains_what_was_never_planned() -> None:
    result = judge(unplanned={"month": "capacity"})
    assert result.missing is Missing.CAPACITY


def test_a_planned_day_that_passed_without_an_outcome_is_missed() -> None:
    slot = Slot("month", date(2026, 11, 10), HOME)
    assert judge(slots=(slot,), today=date(2026, 11, 12)).missing is Missing.MISSED
    assert judge(slots=(slot,), today=date(2026, 11, 9)).missing is Missing.PENDING


def test_who_died_before_the_first_planned_date_is_not_coverable() -> None:
    died = replace(PERSON, statuses=(*PERSON.statuses, (date(2026, 11, 5), ElderStatus.DECEASED)))
    slot = Slot("month", date(2026, 11, 20), HOME)
    result = judge(died, slots=(slot,), first_planned={"month": date(2026, 11, 20)})
    assert result.not_coverable is NotCoverable.LEFT_BEFORE_PLANNED


def test_who_left_after_a_planned_date_passed_without_a_visit_stays_a_miss() -> None:
    died = replace(PERSON, statuses=(*PERSON.statuses, (date(2026, 11, 20), ElderStatus.DECEASED)))
    slot = Slot("month", date(2026, 11, 10), HOME)
    result = judge(died, slots=(slot,), first_planned={"month": date(2026, 11, 10)})
    assert result.coverable
    assert result.missing is Missing.MISSED


def test_a_hospital_stay_to_month_end_from_before_the_plan_excuses_the_month() -> None:
    stay = replace(PERSON, statuses=(*PERSON.statuses, (date(2026, 11, 4), ElderStatus.HOSPITALIZED)))
    result = judge(stay, first_planned={"month": date(2026, 11, 16)})
    assert result.not_coverable is NotCoverable.LEFT_BEFORE_PLANNED


def in_hospital(facts: ElderFacts, first: date, back: date) -> ElderFacts:
    return replace(
        facts,
        statuses=(*facts.statuses, (first, ElderStatus.HOSPITALIZED), (back, ElderStatus.ACTIVE)),
    )


OTHER_WEEKS = tuple(Attempt(date(2026, 11, n), HOME, VISITED) for n in (3, 17, 24))


def test_a_week_in_hospital_from_its_planned_day_to_its_end_is_not_owed() -> None:
    # Planned on Wednesday the 11th, found in hospital that day, home again on Sunday the 15th.
    stay = in_hospital(HIGH_RISK, date(2026, 11, 11), date(2026, 11, 15))
    result = judge(stay, first_planned={"week:2026-11-09": date(2026, 11, 11)}, attempts=OTHER_WEEKS)
    assert result.covered
    assert "week:2026-11-09" not in {o.key for o in result.owed}


def test_home_again_on_a_working_day_of_the_week_a_visit_is_owed_that_week() -> None:
    # Back on Friday the 13th: the back-from-hospital visit stands for the week's, and is owed.
    stay = in_hospital(HIGH_RISK, date(2026, 11, 11), date(2026, 11, 13))
    result = judge(stay, first_planned={"week:2026-11-09": date(2026, 11, 11)}, attempts=OTHER_WEEKS)
    assert not result.covered
    assert "back:2026-11-13" in {o.key for o in result.owed}


def test_a_week_whose_planned_day_passed_before_the_hospital_stay_stays_a_miss() -> None:
    stay = in_hospital(HIGH_RISK, date(2026, 11, 11), date(2026, 11, 15))
    result = judge(stay, first_planned={"week:2026-11-09": date(2026, 11, 10)}, attempts=OTHER_WEEKS)
    assert not result.covered
    assert {o.key for o in result.unsettled} == {"week:2026-11-09"}


def test_home_again_only_on_a_sunday_is_not_back() -> None:
    # In hospital from the planned Wednesday the 4th, home on Sunday the 8th, moved out on Monday the 9th:
    # never active on a working day after leaving, so they left on the planned day, not after it.
    statuses = ((date(2026, 11, 4), ElderStatus.HOSPITALIZED), (date(2026, 11, 8), ElderStatus.ACTIVE))
    moved = replace(
        PERSON, statuses=(*PERSON.statuses, *statuses, (date(2026, 11, 9), ElderStatus.MOVED_OUT))
    )
    slot = Slot("month", date(2026, 11, 4), HOME)
    result = judge(moved, slots=(slot,), first_planned={"month": date(2026, 11, 4)})
    assert result.not_coverable is NotCoverable.LEFT_BEFORE_PLANNED


def test_home_again_on_a_working_day_then_gone_after_a_planned_day_is_a_miss() -> None:
    statuses = ((date(2026, 11, 2), ElderStatus.HOSPITALIZED), (date(2026, 11, 6), ElderStatus.ACTIVE))
    moved = replace(
        PERSON, statuses=(*PERSON.statuses, *statuses, (date(2026, 11, 20), ElderStatus.MOVED_OUT))
    )
    result = judge(moved, first_planned={"month": date(2026, 11, 2), "back:2026-11-06": date(2026, 11, 10)})
    assert result.coverable
    assert not result.covered


def test_who_refuses_all_contact_is_not_coverable() -> None:
    result = judge(replace(PERSON, refused_contact_on=date(2026, 10, 1)))
    assert result.not_coverable is NotCoverable.REFUSED_ALL_CONTACT


def test_a_visit_owed_with_no_slot_left_is_at_risk() -> None:
    slot = Slot("month", date(2026, 11, 10), HOME)
    attempt = Attempt(date(2026, 11, 10), HOME, NOT_HOME, "month")
    result = judge(slots=(slot,), attempts=(attempt,), today=date(2026, 11, 11))
    assert result.at_risk is AtRisk.NO_SLOT_LEFT
    replanned = (slot, Slot("month", date(2026, 11, 13), HOME))
    result = judge(slots=replanned, attempts=(attempt,), today=date(2026, 11, 11))
    assert result.at_risk is None
    assert result.next_planned == date(2026, 11, 13)


def test_fewer_working_days_left_than_visits_owed_is_at_risk() -> None:
    slots = tuple(Slot(f"week:{d}", d, HOME) for d in (date(2026, 11, 30),))
    result = judge(HIGH_RISK, slots=slots, today=date(2026, 11, 30))
    assert result.at_risk is AtRisk.TOO_FEW_DAYS


def test_the_rate_is_covered_over_coverable() -> None:
    covered = judge(attempts=(Attempt(date(2026, 11, 10), HOME, VISITED),))
    missed = judge(unplanned={"month": "capacity"})
    refused = judge(replace(PERSON, refused_contact_on=date(2026, 10, 1)))
    figures = tally([covered, missed, refused])
    assert (figures.coverable, figures.covered, figures.coverage_pct) == (2, 1, 50.0)
    assert figures.not_covered_by_reason == {"capacity": 1}
    assert figures.not_coverable_by_reason == {"refused_all_contact": 1}


def test_a_call_after_a_refusal_at_the_door_settles_the_home_visit() -> None:
    """The issue's phone fallback: refused at the door, covered if the call then gets through."""
    slot = Slot("month", date(2026, 11, 10), HOME)
    refused = Attempt(date(2026, 11, 10), HOME, VisitOutcome.REFUSED, "month")
    call = Attempt(date(2026, 11, 10), PHONE, VISITED)
    assert judge(slots=(slot,), attempts=(refused, call)).covered


def test_a_call_before_the_refusal_is_no_fallback() -> None:
    slot = Slot("month", date(2026, 11, 10), HOME)
    call = Attempt(date(2026, 11, 9), PHONE, VISITED)
    refused = Attempt(date(2026, 11, 10), HOME, VisitOutcome.REFUSED, "month")
    result = judge(slots=(slot,), attempts=(call, refused))
    assert not result.covered
    assert result.missing is Missing.REFUSED


def test_a_refusal_in_another_week_is_no_fallback_for_this_weeks_visit() -> None:
    refused_last_week = Attempt(date(2026, 11, 6), HOME, VisitOutcome.REFUSED, "week:2026-11-02")
    call = Attempt(date(2026, 11, 11), PHONE, VISITED)
    visits = [Attempt(d, HOME, VISITED) for d in (date(2026, 11, 4), date(2026, 11, 18), date(2026, 11, 25))]
    result = judge(HIGH_RISK, attempts=(refused_last_week, call, *visits))
    assert not result.covered


def test_a_miss_is_explained_by_the_last_failed_try_in_its_own_week() -> None:
    weeks = [date(2026, 11, 4), date(2026, 11, 18), date(2026, 11, 25)]
    not_home = Attempt(date(2026, 11, 11), HOME, NOT_HOME, "week:2026-11-09")
    same_day_call = Attempt(date(2026, 11, 11), PHONE, VISITED)  # a call does not settle a home visit
    refused_later = Attempt(date(2026, 11, 18), HOME, VisitOutcome.REFUSED, "week:2026-11-16")
    visits = tuple(Attempt(d, HOME, VISITED) for d in weeks)
    result = judge(HIGH_RISK, attempts=(*visits, not_home, same_day_call, refused_later))
    assert result.missing is Missing.NOT_HOME


def test_not_at_home_then_in_hospital_is_explained_by_not_at_home() -> None:
    slot = Slot("month", date(2026, 11, 10), HOME)
    attempts = (
        Attempt(date(2026, 11, 10), HOME, NOT_HOME, "month"),
        Attempt(date(2026, 11, 12), HOME, VisitOutcome.HOSPITALIZED, "month"),
    )
    hospitalized = replace(
        PERSON,
        statuses=((date(2025, 3, 1), ElderStatus.ACTIVE), (date(2026, 11, 12), ElderStatus.HOSPITALIZED)),
    )
    result = judge(
        hospitalized, slots=(slot,), first_planned={"month": date(2026, 11, 10)}, attempts=attempts
    )
    assert result.coverable  # left after a planned day passed without a visit
    assert result.missing is Missing.NOT_HOME


# A call after an empty doorstep (上门未遇，电话探访): the last working day of the window only.
LAST_DAY = date(2026, 11, 30)  # the month's last working day (a Monday)


def test_a_call_after_nobody_was_home_on_the_last_possible_day_settles_the_home_visit() -> None:
    slot = Slot("month", LAST_DAY, HOME)
    not_home = Attempt(LAST_DAY, HOME, NOT_HOME, "month")
    call = Attempt(LAST_DAY, PHONE, VISITED)
    result = judge(slots=(slot,), attempts=(not_home, call))
    assert result.covered
    assert result.settled_by == {"month": SettledBy.BY_CALL_AFTER_EMPTY_DOORSTEP}


def test_a_call_after_an_earlier_empty_doorstep_does_not_settle_the_home_visit() -> None:
    """A door that can still be knocked on: the call stays a call."""
    day = date(2026, 11, 27)
    result = judge(
        slots=(Slot("month", day, HOME),),
        attempts=(Attempt(day, HOME, NOT_HOME, "month"), Attempt(day, PHONE, VISITED)),
    )
    assert not result.covered
    assert result.missing is Missing.NOT_HOME


def test_a_call_before_the_empty_doorstep_of_the_last_day_does_not_settle_it() -> None:
    call = Attempt(LAST_DAY, PHONE, VISITED)
    not_home = Attempt(LAST_DAY, HOME, NOT_HOME, "month")
    assert not judge(slots=(Slot("month", LAST_DAY, HOME),), attempts=(call, not_home)).covered


def test_an_empty_doorstep_of_another_weeks_visit_lets_no_call_settle_this_weeks() -> None:
    """The weekly visit's last day is its week's last working day; another week's try does not count."""
    friday = date(2026, 11, 13)  # the week of 9 November's last working day
    weeks = [Attempt(d, HOME, VISITED) for d in (date(2026, 11, 4), date(2026, 11, 18), date(2026, 11, 25))]
    own = (Attempt(friday, HOME, NOT_HOME, "week:2026-11-09"), Attempt(friday, PHONE, VISITED))
    assert judge(HIGH_RISK, attempts=(*weeks, *own)).covered
    other = (Attempt(friday, HOME, NOT_HOME, "week:2026-11-02"), Attempt(friday, PHONE, VISITED))
    assert not judge(HIGH_RISK, attempts=(*weeks, *other)).covered


def test_the_figures_count_home_visits_made_at_home_apart_from_calls_after_an_empty_doorstep() -> None:
    at_home = judge(attempts=(Attempt(date(2026, 11, 10), HOME, VISITED),))
    by_call = judge(attempts=(Attempt(LAST_DAY, HOME, NOT_HOME), Attempt(LAST_DAY, PHONE, VISITED)))
    missed = judge(attempts=(Attempt(LAST_DAY, HOME, NOT_HOME),))
    phone_only = judge(
        replace(PERSON, willingness=Willingness.PHONE_ONLY),
        attempts=(Attempt(date(2026, 11, 3), PHONE, VISITED),),
    )
    figures = tally([at_home, by_call, missed, phone_only])
    assert figures.home_visits() == {"owed": 3, "at_home": 1, "by_call_after_empty_doorstep": 1}
    assert (figures.coverable, figures.covered) == (4, 3)


def test_a_miss_names_its_tries_and_the_days_its_window_allowed_after_its_first_planned_date() -> None:
    first = date(2026, 11, 26)
    doors = tuple(Attempt(d, HOME, NOT_HOME, "month") for d in (first, date(2026, 11, 30)))
    other_call = Attempt(date(2026, 11, 27), PHONE, VISITED)  # of the person: shown with the tries
    result = judge(
        slots=(Slot("month", LAST_DAY, HOME),), first_planned={"month": first}, attempts=(*doors, other_call)
    )
    assert result.miss is not None
    assert result.miss.allowed_days == (first, date(2026, 11, 27), LAST_DAY)
    assert [a.day for a in result.miss.tries] == [first, date(2026, 11, 27), LAST_DAY]
    assert result.miss.left_on is None
