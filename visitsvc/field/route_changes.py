"""What changed in a worker's day between the plan version a phone holds and the current one.

Every plan version (a re-plan, a manual move, a sick report) writes all its rows anew, so a stop's
`visit_id` (the planned visit's id) is never the same in two versions. A stop is followed from one version to
the next as the planners' own diff follows it, by the owed visit it settles (person and obligation,
`planning.visit_ids.VisitId`): one the old day did not have is added, one the new day lacks is removed (a
visit moved to another day or worker, settled, or no longer owed), and one in both that comes at another
time or as another kind, or out of the order the stops both days share keep, is moved. A stop whose number
changed only because another was added, removed or moved before it is not moved: the phone would otherwise
announce every later stop of a day that lost one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Protocol, TypeVar

from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import invalid_field
from visitsvc.kernel.month import Month
from visitsvc.model import PlanVersion, VisitKind

SINCE_VERSION = "since_version"


class StopRow(Protocol):
    """What a comparison needs of a planned visit (`model.PlannedVisit`)."""

    @property
    def id(self) -> int: ...
    @property
    def elder_id(self) -> int: ...
    @property
    def obligation(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def arrival(self) -> time | None: ...
    @property
    def kind(self) -> VisitKind: ...


Row = TypeVar("Row", bound=StopRow)


@dataclass(frozen=True, slots=True)
class MovedStop:
    visit_id: int  # in the current version: the answer's stop
    from_visit_id: int  # the same owed visit in the version the phone holds
    from_order: int
    from_arrival: time | None
    from_kind: VisitKind


@dataclass(frozen=True, slots=True)
class RouteChanges:
    since_version: int
    added: list[int]  # visit_ids of the answer's stops
    removed: list[int]  # visit_ids in the version the phone holds: the ones it has
    moved: list[MovedStop]


def in_route_order(rows: Sequence[Row]) -> list[Row]:
    """Home visits in route order, then phone calls: the planner numbers them so, this keeps it true."""
    return sorted(rows, key=lambda pv: (pv.kind is VisitKind.PHONE, pv.seq, pv.id))


def version_since(
    uow: UnitOfWork, month: Month, current: PlanVersion | None, number: int | None
) -> PlanVersion | None:
    """The version to compare the day with: None when not asked or when it is the current one. A number the
    day's month does not have (a version of another month, a version yet to come) is a 422."""
    if number is None or (current is not None and number == current.number):
        return None
    then = uow.plans.numbered(month, number)
    if then is None or current is None:
        raise invalid_field(SINCE_VERSION, f"{month} 没有第 {number} 版计划")
    return then


def day_changes(
    uow: UnitOfWork, then: PlanVersion, worker_id: int, day: date, now: Sequence[StopRow]
) -> RouteChanges:
    """The worker's stops of `day` in version `then` against `now` (the current version's, in route order)."""
    before = in_route_order(uow.visits.day_of(then.id, worker_id, day))
    return compare(then.number, before, now)


def compare(since_version: int, before: Sequence[StopRow], after: Sequence[StopRow]) -> RouteChanges:
    """Two days' stops, each in route order."""
    old, new = _by_owed_visit(before), _by_owed_visit(after)
    shared = [key for key in new if key in old]  # in the new order
    kept = _longest_in_old_order(shared, [old[key][1] for key in shared])
    moved = []
    for key in shared:
        (was, was_order), (now, _order) = old[key], new[key]
        if key not in kept or (was.arrival, was.kind) != (now.arrival, now.kind):
            moved.append(MovedStop(now.id, was.id, was_order, was.arrival, was.kind))
    return RouteChanges(
        since_version=since_version,
        added=[row.id for key, (row, _order) in new.items() if key not in old],
        removed=[row.id for key, (row, _order) in old.items() if key not in new],
        moved=moved,
    )


def _longest_in_old_order(
    keys: list[tuple[int, str, int]], old_orders: list[int]
) -> set[tuple[int, str, int]]:
    """The most stops that kept their order relative to each other (a longest increasing run of their old
    orders, taken in the new order): the others are the ones that moved. A day has at most a few dozen
    stops, so the quadratic search is plenty."""
    best: list[int] = [1] * len(keys)
    before: list[int | None] = [None] * len(keys)
    for i, order in enumerate(old_orders):
        for j in range(i):
            if old_orders[j] < order and best[j] + 1 > best[i]:
                best[i], before[i] = best[j] + 1, j
    kept: set[tuple[int, str, int]] = set()
    at = max(range(len(keys)), key=best.__getitem__, default=None)
    while at is not None:
        kept.add(keys[at])
        at = before[at]
    return kept


def _by_owed_visit(rows: Sequence[StopRow]) -> dict[tuple[int, str, int], tuple[StopRow, int]]:
    """Each stop with its order (from 1), keyed by person, obligation and which of that pair's stops it is
    that day (a day holds one as a rule; the count keeps a second from hiding the first)."""
    seen: Counter[tuple[int, str]] = Counter()
    keyed: dict[tuple[int, str, int], tuple[StopRow, int]] = {}
    for order, row in enumerate(rows, start=1):
        pair = (row.elder_id, row.obligation)
        keyed[(*pair, seen[pair])] = (row, order)
        seen[pair] += 1
    return keyed
