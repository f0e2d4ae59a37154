"""What a supervisor sees of a month: coverage per child area and per category, and the missed list.

Both read `month_coverage` (visitsvc/coverage.py defines the counting); nothing is recounted here, only
grouped, filtered and paged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from visitsvc.access.scoping import ROOT_PATH, Caller, require_register_reader
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import Area, AreaLevel, Category, VisitKind, VisitOutcome
from visitsvc.oversight import who_delivers
from visitsvc.oversight.who_delivers import Deliveries, DeliveryFigures
from visitsvc.planning.coverage import AtRisk, Missing, Tally
from visitsvc.planning.month_coverage import MonthCoverage, PersonCoverage, month_coverage

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class Figures:
    """One line of the coverage table: an area, a category or the total."""

    key: str  # area code, category value, or "total"
    name: str
    coverable: int
    covered: int
    coverage_pct: float
    at_risk: int
    not_covered_by_reason: dict[str, int]
    not_coverable_by_reason: dict[str, int]
    home_visits: dict[str, int]  # owed, at_home, by_call_after_empty_doorstep (planning.coverage.Tally)


@dataclass(frozen=True, slots=True)
class AreaRef:
    code: str
    name: str
    level: AreaLevel


@dataclass(frozen=True, slots=True)
class CoverageRead:
    month: str
    as_of: date
    area: AreaRef | None  # None: a grid worker's several grids
    total: Figures
    by_area: list[Figures]  # the child areas of `area` (grids for a grid worker)
    by_category: list[Figures]  # a person counts once in each of their categories
    # Who made the visits (oversight.who_delivers): per visitor kind and per organisation.
    by_visitor_kind: list[DeliveryFigures] = field(default_factory=list)
    by_organisation: list[DeliveryFigures] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WorkerRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class AttemptRead:
    day: date
    kind: VisitKind
    outcome: VisitOutcome


@dataclass(frozen=True, slots=True)
class MissedRead:
    elder_id: int
    name: str
    grid_code: str
    grid_name: str
    categories: list[Category]
    reason: Missing
    at_risk: bool
    at_risk_reason: AtRisk | None
    high_risk: bool
    owed: int
    settled: int
    days_left: int  # working days from as_of (included) to the month's end
    next_planned: date | None
    next_worker: WorkerRef | None
    attempts: list[AttemptRead]


@dataclass(frozen=True, slots=True)
class MissedFilter:
    category: Category | None = None
    worker_id: int | None = None
    reason: Missing | None = None
    at_risk: bool | None = None


@dataclass(frozen=True, slots=True)
class MissedPage:
    month: str
    as_of: date
    days_left: int
    items: list[MissedRead]
    next_cursor: int | None


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything the coverage table, the missed list and the report are made of, read once."""

    coverage: MonthCoverage
    area: Area | None
    children: list[Area]
    group_by_grid: bool
    grids: dict[int, Area]
    days_left: int
    worker_names: dict[int, str]
    deliveries: Deliveries | None = None  # who made the visits, when asked for (not the missed list's)


def read_overview(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month,
    area_code: str | None,
    extra_workers: Iterable[int] = (),
    with_deliveries: bool = False,
) -> Overview:
    """The month's coverage of the caller's area (or `area_code`, a node of it), with what names it."""
    with uow:
        area = _area_of(uow, caller, area_code)
    coverage = month_coverage(uow, caller, month, area_code=area_code)
    with uow:
        # A grid worker's scope is their grids, not one node: the table then lists the grids.
        group_by_grid = area is None or area.level is AreaLevel.GRID
        children = (
            [] if area is None else uow.areas.page(caller.scope.narrowed_to(area.path), parent_id=area.id)
        )
        grids = {a.id: a for a in uow.areas.by_ids({p.grid_id for p in coverage.people})}
        calendar = WorkCalendar(uow.calendar.days())
        days_left = len(calendar.workdays_between(coverage.as_of, month.last))
        wanted = {p.next_worker_id for p in coverage.people if p.next_worker_id is not None}
        names = uow.review.worker_names(wanted | set(extra_workers))
        deliveries = (
            who_delivers.read_deliveries(uow, (p.elder_id for p in coverage.people), month)
            if with_deliveries
            else None
        )
    return Overview(coverage, area, children, group_by_grid, grids, days_left, names, deliveries)


def _area_of(uow: UnitOfWork, caller: Caller, area_code: str | None) -> Area | None:
    """The node the view is of: the area named (NotFound outside the scope), else the caller's own; None for
    the whole register or a scope that is no single node (a grid worker's several grids)."""
    path = uow.areas.scope_within(caller.scope, area_code).home_path
    if path == ROOT_PATH:
        return None
    return next(iter(uow.areas.by_ids([_id_of(path)])), None)


def _id_of(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[-1])


def month_or_current(uow: UnitOfWork, month: Month | None) -> Month:
    return month if month is not None else Month.of(uow.clock.today())


def coverage_table(
    uow: UnitOfWork, *, caller: Caller, month: Month | None, area_code: str | None
) -> CoverageRead:
    """Coverage of the month (default: this one) per child area of the caller's area or of `area_code`,
    per category, and in total."""
    require_register_reader(caller)
    month = month_or_current(uow, month)
    return table_of(read_overview(uow, caller=caller, month=month, area_code=area_code, with_deliveries=True))


def table_of(view: Overview) -> CoverageRead:
    coverage = view.coverage
    groups: dict[str, list[PersonCoverage]] = defaultdict(list)
    for person in coverage.people:
        groups[_group_key(person, view)].append(person)
    rows: list[Figures] = []
    if view.group_by_grid:
        grid_by_path = {a.path: a for a in view.grids.values()}
        for path in sorted(groups, key=lambda p: grid_by_path[p].code):
            rows.append(
                _figures(grid_by_path[path].code, grid_by_path[path].name, coverage.tally(groups[path]))
            )
    else:
        for child in sorted(view.children, key=lambda a: a.code):
            rows.append(_figures(child.code, child.name, coverage.tally(groups.get(child.path, []))))
    by_category: dict[Category, list[PersonCoverage]] = defaultdict(list)
    for person in coverage.people:
        for category in person.categories:
            by_category[category].append(person)
    categories = [
        _figures(c.value, c.label, coverage.tally(by_category[c])) for c in Category if c in by_category
    ]
    area = None if view.area is None else AreaRef(view.area.code, view.area.name, view.area.level)
    total = _figures("total", "合计", coverage.tally())
    if view.deliveries is None:
        return CoverageRead(str(coverage.month), coverage.as_of, area, total, rows, categories)
    return CoverageRead(
        str(coverage.month), coverage.as_of, area, total, rows, categories,
        who_delivers.by_visitor_kind(view.deliveries, coverage.people),
        who_delivers.by_organisation(view.deliveries, coverage.people),
    )  # fmt: skip


def _group_key(person: PersonCoverage, view: Overview) -> str:
    """The child node of the area that the person's grid lies under (the grid itself below a community)."""
    if view.group_by_grid or view.area is None:
        return person.grid_path
    rest = person.grid_path[len(view.area.path) :].strip("/")
    return f"{view.area.path}{rest.split('/')[0]}/" if rest else person.grid_path


def _figures(key: str, name: str, tally: Tally) -> Figures:
    return Figures(
        key, name, tally.coverable, tally.covered, tally.coverage_pct, tally.at_risk,
        tally.not_covered_by_reason, tally.not_coverable_by_reason, tally.home_visits(),
    )  # fmt: skip


def missed(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month | None,
    area_code: str | None,
    flt: MissedFilter,
    limit: int = 50,
    after_id: int | None = None,
) -> MissedPage:
    """Every coverable person not (yet) covered, by elder id, filtered and paged."""
    require_register_reader(caller)
    month = month_or_current(uow, month)
    grids_of_worker: frozenset[int] = frozenset()
    if flt.worker_id is not None:
        with uow:
            worker = uow.workers.get(caller.scope, flt.worker_id)  # NotFound outside the scope
            grids_of_worker = frozenset(g.id for g in worker.grids)
    view = read_overview(uow, caller=caller, month=month, area_code=area_code)
    people = [
        p
        for p in missed_people(view)
        if _matches(p, flt, grids_of_worker) and (after_id is None or p.elder_id > after_id)
    ]
    limit = min(limit, MAX_PAGE)
    page = people[:limit]
    items = [missed_read(p, view) for p in page]
    next_cursor = page[-1].elder_id if len(people) > limit else None
    return MissedPage(str(month), view.coverage.as_of, view.days_left, items, next_cursor)


def missed_people(view: Overview) -> list[PersonCoverage]:
    return sorted(view.coverage.not_covered(), key=lambda p: p.elder_id)


def _matches(person: PersonCoverage, flt: MissedFilter, grids_of_worker: frozenset[int]) -> bool:
    result = person.result
    if flt.category is not None and flt.category not in person.categories:
        return False
    if flt.reason is not None and result.missing is not flt.reason:
        return False
    if flt.at_risk is not None and (result.at_risk is not None) is not flt.at_risk:
        return False
    # A worker's missed list: the people the plan sends them to next, and the people of their grids.
    return flt.worker_id is None or (
        person.next_worker_id == flt.worker_id or person.grid_id in grids_of_worker
    )


def missed_read(person: PersonCoverage, view: Overview) -> MissedRead:
    result = person.result
    grid = view.grids[person.grid_id]
    worker = person.next_worker_id
    return MissedRead(
        elder_id=person.elder_id,
        name=person.name,
        grid_code=grid.code,
        grid_name=grid.name,
        categories=sorted(person.categories),
        reason=result.missing or Missing.PENDING,
        at_risk=result.at_risk is not None,
        at_risk_reason=result.at_risk,
        high_risk=bool(result.high_risk_reasons),
        owed=len(result.owed),
        settled=len(result.settled),
        days_left=view.days_left,
        next_planned=result.next_planned,
        next_worker=None if worker is None else WorkerRef(worker, view.worker_names.get(worker, "")),
        attempts=[AttemptRead(a.day, a.kind, a.outcome) for a in result.attempts],
    )
