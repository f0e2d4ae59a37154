"""A month's coverage for the caller's area, as `planning.coverage` defines it, read off the register, the
plan versions and the recorded outcomes. The API's coverage and missed lists, the report, the at-risk job and
the simulation all count through `month_coverage`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import Category, Elder, VisitKind
from visitsvc.planning import coverage
from visitsvc.planning.area_policy import rules_by_path
from visitsvc.planning.coverage import Attempt, ElderCoverage, ElderMonth, Slot, Tally
from visitsvc.planning.month_facts import elder_facts
from visitsvc.planning.month_reader import plan_made_on
from visitsvc.planning.policy import ElderFacts, PeopleRules, PolicyRules

DEFAULT_RULES = PolicyRules()


@dataclass(frozen=True, slots=True)
class PersonCoverage:
    elder_id: int
    name: str
    grid_id: int
    grid_code: str
    grid_path: str
    categories: frozenset[Category]
    result: ElderCoverage
    next_worker_id: int | None  # who the current plan sends next
    next_kind: VisitKind | None  # and how: a home visit or a phone call


@dataclass(frozen=True, slots=True)
class MonthCoverage:
    month: Month
    area_path: str
    as_of: date
    people: list[PersonCoverage]

    def tally(self, people: list[PersonCoverage] | None = None) -> Tally:
        return coverage.tally(p.result for p in (self.people if people is None else people))

    def not_covered(self) -> list[PersonCoverage]:
        return [p for p in self.people if p.result.coverable and not p.result.covered]


def month_coverage(
    uow: UnitOfWork,
    caller: Caller,
    month: Month,
    *,
    area_code: str | None = None,
    today: date | None = None,
    rules: PolicyRules = DEFAULT_RULES,
) -> MonthCoverage:
    """Coverage of `month` within the caller's scope (or a sub-area of it), as known on `today`."""
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        area_path = scope.home_path
        as_of = _as_of(today or uow.clock.today(), month)
        elders = list(uow.elders.page(scope, ElderFilter(), limit=10_000_000))
        people = _evaluate(uow, elders, month, as_of, rules)
        return MonthCoverage(month, area_path, as_of, people)


def _as_of(today: date, month: Month) -> date:
    """A past month is judged as at its end, a future one as at its start."""
    return min(max(today, month.first), month.last + timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known of each person's month beside the register: the plan's slots and its reasons for what it
    could not place, the first day each obligation was planned on, and the outcomes that count."""

    slots: dict[int, list[Slot]]
    unplanned: dict[int, dict[str, str]]  # person -> obligation -> reason
    first_planned: dict[int, dict[str, date]]  # person -> obligation -> day
    attempts: dict[int, list[Attempt]]


def evaluate_people(
    facts: dict[int, ElderFacts],
    evidence: Evidence,
    month: Month,
    calendar: WorkCalendar,
    *,
    today: date,
    plan_made_on: date | None,
    rules: PolicyRules | PeopleRules,
) -> dict[int, ElderCoverage]:
    """Each person's coverage as `planning.coverage` judges it on `today`, in the order of `facts`: the one
    evaluation behind the coverage service and re-planning. `rules`: one policy for all, or each person's."""
    rules_of = PeopleRules.of(rules)
    people = {}
    for elder_id, elder in facts.items():
        known = ElderMonth(
            elder,
            tuple(evidence.slots.get(elder_id, ())),
            evidence.first_planned.get(elder_id, {}),
            evidence.unplanned.get(elder_id, {}),
            tuple(evidence.attempts.get(elder_id, ())),
        )
        people[elder_id] = coverage.evaluate(
            known, month, calendar, today=today, plan_made_on=plan_made_on, rules=rules_of(elder_id)
        )
    return people


def first_planned_of(uow: UnitOfWork, month: Month, ids: list[int]) -> dict[int, dict[str, date]]:
    """Per person, the first day each obligation was planned on."""
    first_planned: dict[int, dict[str, date]] = defaultdict(dict)
    for (elder_id, obligation), day in uow.months.first_planned(month, ids).items():
        first_planned[elder_id][obligation] = day
    return first_planned


def _evaluate(
    uow: UnitOfWork, elders: list[Elder], month: Month, as_of: date, rules: PolicyRules
) -> list[PersonCoverage]:
    ids = [e.id for e in elders]
    calendar = WorkCalendar(uow.calendar.days())
    timelines = uow.status_timelines.of(ids)
    latest = uow.plans.latest(month)
    slots: dict[int, list[Slot]] = defaultdict(list)
    next_visit: dict[int, list[tuple[date, str, int, VisitKind]]] = defaultdict(list)
    unplanned: dict[int, dict[str, str]] = defaultdict(dict)
    if latest is not None:
        for row in uow.months.slots(latest.id, ids):
            slots[row.elder_id].append(Slot(row.obligation, row.day, row.kind, row.substituted))
            next_visit[row.elder_id].append((row.day, row.obligation, row.worker_id, row.kind))
        for missing in uow.months.unplanned(latest.id, ids):
            unplanned[missing.elder_id][missing.obligation] = missing.reason
    evidence = Evidence(slots, unplanned, first_planned_of(uow, month, ids), attempts_of(uow, month, ids))
    # Not `month_reader`'s facts: coverage is judged without last month's substitutions.
    facts = {elder.id: elder_facts(elder, month, timelines[elder.id]) for elder in elders}
    # Each person by their grid's policy, as planning owes them (docs/adr/0026).
    grid_rules = rules_by_path(uow, {elder.grid.path for elder in elders}, rules)
    people_rules = PeopleRules(rules, {elder.id: grid_rules[elder.grid.path] for elder in elders})
    results = evaluate_people(
        facts,
        evidence,
        month,
        calendar,
        today=as_of,
        plan_made_on=plan_made_on(uow, month),
        rules=people_rules,
    )
    people = []
    for elder in elders:
        result = results[elder.id]
        grid = elder.grid
        worker, kind = _next_visit(result, next_visit[elder.id]) if result.next_planned else (None, None)
        people.append(
            PersonCoverage(
                elder.id, elder.name, grid.id, grid.code, grid.path, elder.categories, result, worker, kind
            )
        )
    return people


def attempts_of(uow: UnitOfWork, month: Month, ids: list[int]) -> dict[int, list[Attempt]]:
    """The outcomes that count, per person, each with the obligation of the planned visit it answered."""
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for elder_id, day, kind, outcome, obligation in uow.months.counted_outcomes(month, ids):
        attempts[elder_id].append(Attempt(day, kind, outcome, obligation))
    return attempts


def _next_visit(
    result: ElderCoverage, planned: list[tuple[date, str, int, VisitKind]]
) -> tuple[int | None, VisitKind | None]:
    """Who the plan sends on the next planned day for an obligation still unsettled, and how."""
    owed = {o.key for o in result.unsettled}
    found = (
        (worker, kind)
        for day, key, worker, kind in sorted(planned)
        if day == result.next_planned and key in owed
    )
    return next(found, (None, None))
