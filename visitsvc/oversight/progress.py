"""A month's progress day by day against its plan, for the console's line chart.

Planned: the current plan version's visits dated on or before each day. Visited and attempted: the outcomes
recorded on or before each day that count (not voided, not in quarantine), visited ones and all of them. Days
after `as_of` have no outcomes yet, so theirs are None rather than a flat line that looks like a stall.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import VisitOutcome


@dataclass(frozen=True, slots=True)
class DayProgress:
    day: date
    planned: int  # cumulative
    visited: int | None  # cumulative; None after as_of
    attempted: int | None


@dataclass(frozen=True, slots=True)
class ProgressRead:
    month: str
    as_of: date
    plan_version: int | None
    days: list[DayProgress]


def month_progress(
    uow: UnitOfWork, *, caller: Caller, month: Month, area_code: str | None = None
) -> ProgressRead:
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)  # NotFound outside the caller's scope
        ids = [e.id for e in uow.elders.iterate(scope, ElderFilter())]
        latest = uow.plans.latest(month)
        planned = Counter(v.day for v in uow.months.slots(latest.id, ids)) if latest else Counter[date]()
        visited: Counter[date] = Counter()
        attempted: Counter[date] = Counter()
        for record in uow.months.records(month, ids):
            if record.counts:
                attempted[record.day] += 1
                visited[record.day] += record.outcome is VisitOutcome.VISITED
        as_of = min(max(uow.clock.today(), month.first - timedelta(days=1)), month.last)
    days = []
    total_planned = total_visited = total_attempted = 0
    for day in month.days():
        total_planned += planned[day]
        total_visited += visited[day]
        total_attempted += attempted[day]
        known = day <= as_of
        days.append(
            DayProgress(
                day,
                total_planned,
                total_visited if known else None,
                total_attempted if known else None,
            )
        )
    return ProgressRead(str(month), as_of, latest.number if latest else None, days)
