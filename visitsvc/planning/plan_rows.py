"""A stored version's rows as values: what a run reads of the current plan, decides on and carries over.

Reading them as values (not ORM rows detached from their session) lets the solve and the write that follow,
with no transaction open, hold them as long as they like. A new version's planned visits are values too
(`NewVisit`), as the bulk insert takes them: a city month is 75,000 of them, and constructing as many ORM rows
cost more than writing them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import PlannedVisit, UnplannedVisit, VisitKind


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A planned visit of a stored version (`PlannedVisit`)."""

    id: int
    elder_id: int
    worker_id: int
    day: date
    seq: int  # order in the day's route; phone visits after the route
    arrival: time | None
    kind: VisitKind
    obligation: str
    rule: str
    substituted: bool
    moved: bool
    pinned: bool

    @classmethod
    def of(cls, row: PlannedVisit) -> PlanRow:
        return cls(
            row.id, row.elder_id, row.worker_id, row.day, row.seq, row.arrival, row.kind, row.obligation,
            row.rule, row.substituted, row.moved, row.pinned,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class NewVisit:
    """A planned visit of a version being written (its rows are compared and inserted by value)."""

    elder_id: int
    worker_id: int
    day: date
    seq: int
    arrival: time | None
    kind: VisitKind
    obligation: str
    rule: str
    substituted: bool = False
    moved: bool = False
    pinned: bool = False

    @classmethod
    def carried(cls, row: PlanRow, *, seq: int | None = None) -> NewVisit:
        """A stored row kept by the new version as it was (or at another place in its day's order)."""
        return cls(
            row.elder_id, row.worker_id, row.day, row.seq if seq is None else seq, row.arrival, row.kind,
            row.obligation, row.rule, row.substituted, row.moved, row.pinned,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class MissingRow:
    """A visit a stored version could not place, and why (`UnplannedVisit`)."""

    elder_id: int
    grid_id: int
    kind: VisitKind
    obligation: str
    reason: str

    @classmethod
    def of(cls, row: UnplannedVisit) -> MissingRow:
        return cls(row.elder_id, row.grid_id, row.kind, row.obligation, row.reason)


def read_plan_rows(uow: UnitOfWork, version_id: int, *, outside: str | None = None) -> list[PlanRow]:
    """A stored version's planned visits (of people outside the subtree at `outside`, if given) as values,
    read column by column (`PlanRepository.visit_values`): no ORM rows in between."""
    return [PlanRow(*values) for values in uow.plans.visit_values(version_id, outside=outside)]


def missing_rows(rows: Iterable[UnplannedVisit]) -> list[MissingRow]:
    return [MissingRow.of(r) for r in rows]
