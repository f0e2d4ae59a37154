"""Which visits each person is owed in a month, and why: the rules of the 100% monthly visit rate.

Pure functions over plain facts, so every frequency can be explained (`Owed.rule`) and tested without a
database. Parameters live in `PolicyRules`: the code's defaults, overridden per area by the settings admins
keep in `area_policies` (`policy_settings` resolves them down the area path; `PeopleRules` carries each
person's result to the planner).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model.enums import AbilityLevel, Category, DisabilityGrade, ElderStatus, VisitKind, Willingness


class Rule(StrEnum):
    MONTHLY_HOME = "monthly_home"
    MONTHLY_PHONE = "monthly_phone"  # willingness 仅电话 / 拒绝 (home visits)
    WEEKLY_HIGH_RISK = "weekly_high_risk"
    NEW_ELDER = "new_elder"  # registered after the month's plan: first visit within 5 working days
    BACK_FROM_HOSPITAL = "back_from_hospital"


class NotCoverable(StrEnum):
    REFUSED_ALL_CONTACT = "refused_all_contact"
    NOT_ACTIVE = "not_active"  # hospitalised, moved out, deceased or withdrawn on every working day
    REGISTERED_TOO_LATE = "registered_too_late"
    LEFT_BEFORE_PLANNED = "left_before_planned"


@dataclass(frozen=True, slots=True)
class PolicyRules:
    high_risk_min_age: int = 80
    new_elder_workdays: int = 5
    back_from_hospital_workdays: int = 3
    min_workdays_in_week: int = 3
    substitute_phone: bool = True  # low-risk home visits may turn into phone visits when capacity is short
    # High-risk people's weekly home visits after the month's first may turn into calls when capacity is
    # short: the office's choice, off unless an area turns it on (issue 20).
    weekly_home_to_calls_when_short: bool = False
    reach_minutes: int = 30  # one-way travel within which a colleague may take another grid's visit


DEFAULT_RULES = PolicyRules()


@dataclass(frozen=True, slots=True)
class PeopleRules:
    """Each person's effective rules (those of their grid's area path), the default for anyone not named.
    Most people share a handful of objects: one per distinct grid setting, not a copy each."""

    default: PolicyRules = DEFAULT_RULES
    of_person: Mapping[int, PolicyRules] = field(default_factory=dict)

    def __call__(self, elder_id: int) -> PolicyRules:
        return self.of_person.get(elder_id, self.default)

    @classmethod
    def of(cls, rules: PolicyRules | PeopleRules) -> PeopleRules:
        return rules if isinstance(rules, PeopleRules) else cls(rules)


@dataclass(frozen=True, slots=True)
class ElderFacts:
    """What the policy needs to know of one person."""

    elder_id: int
    categories: frozenset[Category]
    ability_level: AbilityLevel | None
    disability_grade: DisabilityGrade | None
    age: int
    willingness: Willingness
    registered_on: date
    # (effective date, new status), oldest first; registration is the first entry.
    statuses: tuple[tuple[date, ElderStatus], ...]
    refused_contact_on: date | None = None
    home_visit_last_month: bool = True
    substituted_last_month: bool = False


@dataclass(frozen=True, slots=True)
class Owed:
    """One visit owed between two working days (both included)."""

    elder_id: int
    kind: VisitKind
    earliest: date
    latest: date
    rule: Rule
    key: str  # stable within the month: identifies the obligation across plan versions


@dataclass(frozen=True, slots=True)
class Obligations:
    elder_id: int
    owed: tuple[Owed, ...] = ()
    not_coverable: NotCoverable | None = None
    high_risk_reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def high_risk_reasons(facts: ElderFacts, rules: PolicyRules = DEFAULT_RULES) -> tuple[str, ...]:
    """独居/孤寡 together with 中度失能 or worse, 失智, 重残 (一级/二级) or 80+."""
    alone = facts.categories & {Category.LIVING_ALONE, Category.CHILDLESS}
    if not alone:
        return ()
    reasons = []
    if facts.ability_level in (AbilityLevel.MODERATE, AbilityLevel.SEVERE, AbilityLevel.TOTAL):
        reasons.append(f"{facts.ability_level.label}")
    if Category.DEMENTIA in facts.categories:
        reasons.append("失智")
    if facts.disability_grade in (DisabilityGrade.GRADE_1, DisabilityGrade.GRADE_2):
        reasons.append(f"重残{facts.disability_grade.label}")
    if facts.age >= rules.high_risk_min_age:
        reasons.append(f"{rules.high_risk_min_age}岁以上")
    if not reasons:
        return ()
    return ("、".join(sorted(c.label for c in alone)), *reasons)


def is_substitutable(facts: ElderFacts, rules: PolicyRules = DEFAULT_RULES) -> bool:
    """A low-risk person whose home visit may become a phone visit this month when capacity is short."""
    return (
        not high_risk_reasons(facts, rules)
        and facts.ability_level in (AbilityLevel.INTACT, AbilityLevel.MILD)
        and Category.LIVING_ALONE not in facts.categories
        and facts.home_visit_last_month
        and not facts.substituted_last_month
    )


def first_home_visits(owed: Iterable[Owed]) -> dict[int, str]:
    """Per person, the key of their earliest home visit among `owed` (by window, then key)."""
    first: dict[int, Owed] = {}
    for o in owed:
        if o.kind is VisitKind.HOME:
            known = first.get(o.elder_id)
            if known is None or (o.earliest, o.key) < (known.earliest, known.key):
                first[o.elder_id] = o
    return {elder_id: o.key for elder_id, o in first.items()}


def may_become_call(owed: Owed, rules: PolicyRules, first_home_key: str | None) -> bool:
    """A high-risk person's weekly home visit that capacity could not fit may become a call when the area
    allows it, unless it is their first home visit of the month: every person is seen at home at least once.
    `first_home_key`: the key of the person's earliest home visit still owed; None once they were seen at
    home this month (a re-plan), when every weekly visit left may become a call."""
    return (
        rules.weekly_home_to_calls_when_short
        and owed.rule is Rule.WEEKLY_HIGH_RISK
        and owed.kind is VisitKind.HOME
        and owed.key != first_home_key
    )


def active_days(facts: ElderFacts, days: list[date]) -> list[date]:
    """The given days on which the person is active (the latest status effective on or before the day)."""
    if len(facts.statuses) == 1:  # most people: one status, from before the month (the same answer, quicker)
        effective, only = facts.statuses[0]
        return [d for d in days if effective <= d] if only is ElderStatus.ACTIVE else []
    result = []
    for day in days:
        status = None
        for effective, new_status in facts.statuses:
            if effective <= day:
                status = new_status
        if status is ElderStatus.ACTIVE:
            result.append(day)
    return result


def weeks(workdays: list[date], min_days: int = 3) -> list[list[date]]:
    """Monday-to-Sunday weeks of the month's working days; a week with fewer than `min_days` joins its
    neighbour (the first week joins the second, any other joins the one before)."""
    return [list(week) for week in _weeks(tuple(workdays), min_days)]


@functools.lru_cache(maxsize=64)  # every high-risk person of a month asks for the same weeks
def _weeks(workdays: tuple[date, ...], min_days: int) -> tuple[tuple[date, ...], ...]:
    groups: list[list[date]] = []
    for day in workdays:
        monday = day - timedelta(days=day.weekday())
        if groups and groups[-1][0] - timedelta(days=groups[-1][0].weekday()) == monday:
            groups[-1].append(day)
        else:
            groups.append([day])
    merged: list[list[date]] = []
    for group in groups:
        if merged and (len(group) < min_days or len(merged[-1]) < min_days):
            merged[-1] = merged[-1] + group
        else:
            merged.append(group)
    return tuple(tuple(week) for week in merged)


def obligations(
    facts: ElderFacts,
    month: Month,
    calendar: WorkCalendar,
    *,
    plan_made_on: date | None = None,
    rules: PolicyRules = DEFAULT_RULES,
) -> Obligations:
    """The visits owed in `month`. `plan_made_on` is when the month's first plan was made: people registered
    later are new elders with a 5-working-day rule (None: this is that first plan)."""
    workdays = calendar.workdays(month)
    risk = high_risk_reasons(facts, rules)
    if facts.refused_contact_on is not None and facts.refused_contact_on <= month.last:
        return Obligations(
            facts.elder_id, not_coverable=NotCoverable.REFUSED_ALL_CONTACT, high_risk_reasons=risk
        )
    active = active_days(facts, workdays)
    if not active:
        return Obligations(facts.elder_id, not_coverable=NotCoverable.NOT_ACTIVE, high_risk_reasons=risk)
    kind = VisitKind.HOME if facts.willingness is Willingness.HOME else VisitKind.PHONE
    owed: list[Owed] = []
    is_new = plan_made_on is not None and facts.registered_on > plan_made_on and facts.registered_on in month
    if is_new:
        deadline = calendar.add_workdays(facts.registered_on, rules.new_elder_workdays)
        window = [d for d in active if facts.registered_on <= d <= deadline]
        # The five days run into next month: the first visit is next month's, this month cannot be held to it.
        if not window or deadline > workdays[-1]:
            return Obligations(
                facts.elder_id, not_coverable=NotCoverable.REGISTERED_TOO_LATE, high_risk_reasons=risk
            )
        owed.append(
            Owed(facts.elder_id, kind, window[0], window[-1], Rule.NEW_ELDER, f"new:{facts.registered_on}")
        )
    # Home again with the 3 working days running into next month: next month's visit, as a newcomer's is.
    owed_next_month: list[date] = []
    for returned in [*_returns_from_hospital(facts, month.previous()), *_returns_from_hospital(facts, month)]:
        deadline = calendar.add_workdays(returned, rules.back_from_hospital_workdays)
        if deadline > workdays[-1]:
            owed_next_month.append(returned)
            continue
        window = [d for d in active if returned <= d <= deadline]
        if window:
            owed.append(
                Owed(facts.elder_id, kind, window[0], window[-1], Rule.BACK_FROM_HOSPITAL, f"back:{returned}")
            )
    if risk and kind is VisitKind.HOME:
        for week in weeks(workdays, rules.min_workdays_in_week):
            days = [d for d in week if d in active]
            if (
                days
                and not _settled_by(owed, days)
                and not any(days[0] <= r <= days[-1] for r in owed_next_month)
            ):
                owed.append(
                    Owed(facts.elder_id, kind, days[0], days[-1], Rule.WEEKLY_HIGH_RISK, f"week:{week[0]}")
                )
    elif not owed:
        rule = Rule.MONTHLY_HOME if kind is VisitKind.HOME else Rule.MONTHLY_PHONE
        owed.append(Owed(facts.elder_id, kind, active[0], active[-1], rule, "month"))
    return Obligations(facts.elder_id, tuple(owed), high_risk_reasons=risk)


def _settled_by(owed: list[Owed], days: list[date]) -> bool:
    """A new-elder or back-from-hospital visit whose window opens in a week serves as that week's visit: the
    week a person is registered or comes home is held to the 5- or 3-working-day rule, not to a weekly visit
    that may have no day left (registered on a Friday evening)."""
    return any(o.kind is VisitKind.HOME and days[0] <= o.earliest <= days[-1] for o in owed)


def _returns_from_hospital(facts: ElderFacts, month: Month) -> list[date]:
    returns = []
    previous: ElderStatus | None = None
    for effective, status in facts.statuses:
        if previous is ElderStatus.HOSPITALIZED and status is ElderStatus.ACTIVE and effective in month:
            returns.append(effective)
        previous = status
    return returns
