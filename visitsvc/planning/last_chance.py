"""Which home visits are a last chance: the day is the last working day the owed visit's window allows
(`Owed.latest`), so a door that finds nobody cannot be knocked on again and the worker calls at once
(README, "Coverage"; `planning.coverage` settles such a call).

Read off the register and the calendar with the policy coverage counts by (`month_coverage`: no last-month
substitutions), so the route, the recording of a visit and the coverage figures agree on the day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import Elder, VisitKind
from visitsvc.planning.area_policy import rules_by_path
from visitsvc.planning.month_facts import elder_facts
from visitsvc.planning.month_reader import plan_made_on
from visitsvc.planning.policy import PolicyRules, obligations

DEFAULT_RULES = PolicyRules()


def last_days(
    uow: UnitOfWork, month: Month, elders: Iterable[Elder], rules: PolicyRules = DEFAULT_RULES
) -> dict[int, dict[str, date]]:
    """Per person, each home visit owed in `month` (obligation key) with the last working day it allows.
    A fixed handful of queries whatever the number of people (the route is polled)."""
    people = list(elders)
    if not people:
        return {}
    calendar = WorkCalendar(uow.calendar.days())
    timelines = uow.status_timelines.of([e.id for e in people])
    made_on = plan_made_on(uow, month)
    grid_rules = rules_by_path(uow, {elder.grid.path for elder in people}, rules)  # as planning owes them
    found: dict[int, dict[str, date]] = {}
    for elder in people:
        facts = elder_facts(elder, month, timelines[elder.id])
        mine = grid_rules[elder.grid.path]
        owed = obligations(facts, month, calendar, plan_made_on=made_on, rules=mine).owed
        found[elder.id] = {o.key: o.latest for o in owed if o.kind is VisitKind.HOME}
    return found


def is_last_chance(latest: Mapping[str, date], day: date, obligation: str | None) -> bool:
    """A home visit on `day` of `obligation` (None: of the person, against no planned visit, as coverage
    reads it: any of their home visits) is its window's last try."""
    if obligation is not None:
        return latest.get(obligation) == day
    return day in latest.values()


def last_day_of(latest: Mapping[str, date], day: date, obligation: str | None) -> date | None:
    """The last working day a home visit on `day` of `obligation` may move to: its window's end, or (an
    obligation not owed as planned) the end of the person's first window still open on `day`."""
    if obligation is not None and obligation in latest:
        return latest[obligation]
    return min((d for d in latest.values() if d >= day), default=None)
