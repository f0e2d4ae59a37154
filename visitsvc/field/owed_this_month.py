"""本月待访: a grid worker's people still owed a visit this month, with their next planned day and kind.

The supervisors' missed list seen from the phone: the same one coverage evaluation (`month_coverage`), of the
worker's own scope, their grids and the people the month's plan gives them from other grids. Nothing is
counted here, only chosen and shown as the route shows a person: name and age, no ID number.

Grid workers only (others 403): a supervisor's "still owed" is `GET /missed`, with its filters and names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from visitsvc.access.scoping import FIELD_ROLES, Caller, caller_for
from visitsvc.accounts.auth import assigned_people
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Forbidden
from visitsvc.kernel.masking import age_this_year
from visitsvc.kernel.month import Month
from visitsvc.model import Category, VisitKind
from visitsvc.planning.coverage import AtRisk, Missing
from visitsvc.planning.month_coverage import PersonCoverage, month_coverage
from visitsvc.planning.policy import Rule

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class OwedVisit:
    """One obligation not yet settled: a visit of `kind` due between two working days."""

    kind: VisitKind
    rule: Rule
    earliest: date
    latest: date


@dataclass(frozen=True, slots=True)
class OwedPerson:
    elder_id: int
    name: str
    age: int
    grid_code: str
    categories: list[Category]
    owed: list[OwedVisit]
    reason: Missing  # why not yet covered: pending (planned ahead), not_home, missed, capacity, ...
    at_risk: AtRisk | None
    next_planned: date | None  # None: no planned day left this month
    next_kind: VisitKind | None
    next_is_mine: bool  # the plan sends the caller on that day (False: a colleague, or nobody)


@dataclass(frozen=True, slots=True)
class OwedPage:
    month: str
    as_of: date
    items: list[OwedPerson]
    next_cursor: int | None


def owed_this_month(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month | None = None,
    limit: int = 50,
    after_id: int | None = None,
) -> OwedPage:
    """The caller's people not yet covered in `month` (default: this month), by elder id, paged."""
    if caller.role not in FIELD_ROLES or caller.worker_id is None:
        raise Forbidden("仅限探访人员；督导请用未覆盖名单", code="forbidden")
    with uow:
        month = month if month is not None else Month.of(uow.clock.today())
        worker = uow.workers.find_by_account_id(caller.worker_id)
        if worker is None:
            raise Forbidden("仅限网格员", code="forbidden")
        # The login's scope holds this month's assigned people; another month's plan (and pairings in force
        # then) assign others.
        day = min(max(uow.clock.today(), month.first), month.last)
        mine = caller_for(worker, assigned_people(uow, worker, month, day))
    coverage = month_coverage(uow, mine, month)
    people = sorted(
        (p for p in coverage.not_covered() if after_id is None or p.elder_id > after_id),
        key=lambda p: p.elder_id,
    )
    limit = min(limit, MAX_PAGE)
    page = people[:limit]
    with uow:
        found = uow.elders.by_ids([p.elder_id for p in page])
        births = {elder_id: elder.birth_date for elder_id, elder in found.items()}
    items = [_person(p, age_this_year(births[p.elder_id], coverage.as_of), caller.worker_id) for p in page]
    next_cursor = page[-1].elder_id if len(people) > limit else None
    return OwedPage(str(month), coverage.as_of, items, next_cursor)


def _person(person: PersonCoverage, age: int, worker_id: int) -> OwedPerson:
    result = person.result
    return OwedPerson(
        elder_id=person.elder_id,
        name=person.name,
        age=age,
        grid_code=person.grid_code,
        categories=sorted(person.categories),
        owed=[OwedVisit(o.kind, o.rule, o.earliest, o.latest) for o in result.unsettled],
        reason=result.missing or Missing.PENDING,
        at_risk=result.at_risk,
        next_planned=result.next_planned,
        next_kind=person.next_kind,
        next_is_mine=person.next_worker_id == worker_id,
    )
