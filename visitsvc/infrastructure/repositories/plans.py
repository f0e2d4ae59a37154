"""Plan versions of a month and their planned and unplanned visits (a version's rows: plan_membership)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.repositories import version_rows
from visitsvc.infrastructure.repositories.month_text import month_text
from visitsvc.infrastructure.repositories.plan_membership import in_version, live, rows_of
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import Area, Elder, PlannedVisit, PlanVersion, UnplannedVisit, VisitKind

# A planned visit as a run reads it: what `planning.plan_rows.PlanRow` holds, in its order.
VISIT_COLUMNS = (
    PlannedVisit.id, PlannedVisit.elder_id, PlannedVisit.worker_id, PlannedVisit.day, PlannedVisit.seq,
    PlannedVisit.arrival, PlannedVisit.kind, PlannedVisit.obligation, PlannedVisit.rule,
    PlannedVisit.substituted, PlannedVisit.moved, PlannedVisit.pinned,
)  # fmt: skip


class PlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, version_id: int) -> PlanVersion:
        version = self.session.get(PlanVersion, version_id)
        if version is None:
            raise NotFound("计划版本不存在")
        return version

    @staticmethod
    def _of_month(month: Month) -> Select[PlanVersion]:
        return select(PlanVersion).where(PlanVersion.month == month_text(month))

    def latest(self, month: Month) -> PlanVersion | None:
        query = self._of_month(month).order_by(PlanVersion.number.desc()).limit(1)
        return self.session.scalar(query)

    def numbered(self, month: Month, number: int) -> PlanVersion | None:
        return self.session.scalar(self._of_month(month).where(PlanVersion.number == number))

    def next_planned_day(self, worker_id: int, after: date, version_ids: Sequence[int]) -> date | None:
        """The first day after `after` with a visit of the worker in one of these versions: one query,
        whatever the number of days in between."""
        if not version_ids:
            return None
        found: date | None = self.session.scalar(
            select(func.min(PlannedVisit.day)).where(
                or_(*(rows_of(self.session, PlannedVisit, v) for v in version_ids)),
                PlannedVisit.worker_id == worker_id,
                PlannedVisit.day > after,
            )
        )
        return found

    def first(self, month: Month) -> PlanVersion | None:
        return self.session.scalar(self._of_month(month).order_by(PlanVersion.number).limit(1))

    def versions(self, month: Month) -> list[PlanVersion]:
        return list(self.session.scalars(self._of_month(month).order_by(PlanVersion.number)))

    def counts_within(self, scope: Scope, version_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
        """Each version's (planned, unplanned, substituted), counting only the visits of people in scope."""
        people = select(Elder.id).where(scope.elder_clause())
        versions = PlanVersion.id.in_(version_ids)
        planned = (
            select(
                PlanVersion.id,
                func.count(),
                func.count().filter(PlannedVisit.substituted.is_(True)),
            )
            .join(PlannedVisit, in_version(PlannedVisit, PlanVersion.id, PlanVersion.month))
            .where(versions, PlannedVisit.elder_id.in_(people))
            .group_by(PlanVersion.id)
        )
        unplanned = (
            select(PlanVersion.id, func.count())
            .join(UnplannedVisit, in_version(UnplannedVisit, PlanVersion.id, PlanVersion.month))
            .where(versions, UnplannedVisit.elder_id.in_(people))
            .group_by(PlanVersion.id)
        )
        counts = dict.fromkeys(version_ids, (0, 0, 0))
        for version_id, total, substituted in self.session.execute(planned):
            counts[version_id] = (total, 0, substituted)
        for version_id, total in self.session.execute(unplanned):
            counts[version_id] = (counts[version_id][0], total, counts[version_id][2])
        return counts

    def visits(self, version_id: int) -> list[PlannedVisit]:
        query = select(PlannedVisit).where(rows_of(self.session, PlannedVisit, version_id))
        return list(
            self.session.scalars(query.order_by(PlannedVisit.worker_id, PlannedVisit.day, PlannedVisit.seq))
        )

    def substituted_people(self, version_id: int) -> set[int]:
        """Who has a home visit replaced by a phone call in the version (ids only, no rows)."""
        query = select(PlannedVisit.elder_id).where(
            rows_of(self.session, PlannedVisit, version_id), PlannedVisit.substituted.is_(True)
        )
        return set(self.session.scalars(query))

    def visit_values(self, version_id: int, *, outside: str | None = None) -> list[tuple[Any, ...]]:
        """`visits` (or `visits_outside` the subtree at `outside`) as tuples of VISIT_COLUMNS, in that order:
        a re-plan reads a city month's 75,000 rows, and ORM rows of them cost seconds it never uses."""
        query = select(*VISIT_COLUMNS).where(rows_of(self.session, PlannedVisit, version_id))
        if outside is not None:
            inside = select(Area.id).where(Area.path.startswith(outside, autoescape=True))
            query = query.where(
                PlannedVisit.elder_id.in_(select(Elder.id).where(Elder.grid_id.not_in(inside)))
            )
        query = query.order_by(PlannedVisit.worker_id, PlannedVisit.day, PlannedVisit.seq)
        return [tuple(row) for row in self.session.execute(query)]

    def assigned_elsewhere(self, worker_id: int, month: Month) -> frozenset[int]:
        """People of other grids whom the month's current plan gives to this worker."""
        query = select(PlannedVisit.elder_id).where(
            live(PlannedVisit, month_text(month)),
            PlannedVisit.worker_id == worker_id,
            PlannedVisit.moved.is_(True),
        )
        return frozenset(self.session.scalars(query))

    def people_of_worker(self, worker_id: int, month: Month) -> frozenset[int]:
        """Everyone the month's current plan gives to this worker (a visitor's people, while planned)."""
        query = select(PlannedVisit.elder_id).where(
            live(PlannedVisit, month_text(month)), PlannedVisit.worker_id == worker_id
        )
        return frozenset(self.session.scalars(query))

    def visits_outside(self, version_id: int, area_path: str) -> list[PlannedVisit]:
        """A version's visits of people outside a subtree: what an area re-plan carries over unchanged."""
        inside = select(Area.id).where(Area.path.startswith(area_path, autoescape=True))
        query = select(PlannedVisit).where(
            rows_of(self.session, PlannedVisit, version_id),
            PlannedVisit.elder_id.in_(select(Elder.id).where(Elder.grid_id.not_in(inside))),
        )
        return list(self.session.scalars(query))

    def unplanned(self, version_id: int) -> list[UnplannedVisit]:
        query = select(UnplannedVisit).where(rows_of(self.session, UnplannedVisit, version_id))
        return list(self.session.scalars(query))

    def add(self, version: PlanVersion, visits: Sequence[object], unplanned: Sequence[object]) -> None:
        """A new version of its month (the newest) whose rows are exactly `visits` and `unplanned`, written
        at the cost of what changed since the latest one (version_rows). The rows are ORM rows, each of which
        gets the id of the stored row it is (they stay out of the session), or plain values with the same
        attributes (a planning run's)."""
        self.session.add(version)
        self.session.flush()
        version_rows.check_order(self.session, version)
        version_rows.write(self.session, version, visits, PlannedVisit, version_rows.PLANNED_VALUES)
        version_rows.write(self.session, version, unplanned, UnplannedVisit, version_rows.UNPLANNED_VALUES)

    def home_visits_on(self, version_id: int, elder_ids: Iterable[int]) -> list[PlannedVisit]:
        """The version's home visits of these people (appointments look for the one on their day)."""
        ids = sorted(set(elder_ids))
        if not ids:
            return []
        query = select(PlannedVisit).where(
            rows_of(self.session, PlannedVisit, version_id),
            PlannedVisit.elder_id.in_(ids),
            PlannedVisit.kind == VisitKind.HOME,
        )
        return list(self.session.scalars(query.order_by(PlannedVisit.day, PlannedVisit.seq)))
