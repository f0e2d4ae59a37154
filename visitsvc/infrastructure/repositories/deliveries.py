"""Who delivered which visits: an organisation's staff's records of a month with their proof (flags, photo
counts), the makers of a month's visits (coverage split by visitor kind and organisation), and a visit's
photos for the supervisor who looks at them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from visitsvc.infrastructure.repositories.batches import chunks
from visitsvc.kernel.month import Month
from visitsvc.model import (
    RecordState,
    VisitFlag,
    VisitOutcome,
    VisitPhoto,
    VisitRecord,
    Worker,
)


@dataclass(frozen=True, slots=True)
class MadeVisit:
    """A counted visit of a month and who made it."""

    elder_id: int
    worker_id: int
    outcome: VisitOutcome


class DeliveryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def records_of_workers(self, worker_ids: Iterable[int], month: Month) -> list[VisitRecord]:
        """Every record the workers made in the month (void, quarantined and rejected ones too), by start."""
        found: list[VisitRecord] = []
        for chunk in chunks(sorted(set(worker_ids))):
            query = select(VisitRecord).where(
                VisitRecord.worker_id.in_(chunk), VisitRecord.month == str(month)
            )
            found.extend(self.session.scalars(query))
        return sorted(found, key=lambda r: (r.started_at, r.id))

    def flags_of(self, visit_ids: Iterable[int]) -> dict[int, list[VisitFlag]]:
        found: dict[int, list[VisitFlag]] = defaultdict(list)
        for chunk in chunks(sorted(set(visit_ids))):
            query = select(VisitFlag).where(VisitFlag.visit_id.in_(chunk)).order_by(VisitFlag.id)
            for flag in self.session.scalars(query):
                found[flag.visit_id].append(flag)
        return found

    def photo_counts(self, visit_ids: Iterable[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in chunks(sorted(set(visit_ids))):
            query = (
                select(VisitPhoto.visit_id, func.count())
                .where(VisitPhoto.visit_id.in_(chunk))
                .group_by(VisitPhoto.visit_id)
            )
            found.update({int(visit_id): int(count) for visit_id, count in self.session.execute(query)})
        return found

    def counted_visits_of(self, elder_ids: Iterable[int], month: Month) -> list[MadeVisit]:
        """The month's counted records of these people (not void, not held or rejected), by whom."""
        found: list[MadeVisit] = []
        for chunk in chunks(sorted(set(elder_ids))):
            query = select(VisitRecord.elder_id, VisitRecord.worker_id, VisitRecord.outcome).where(
                VisitRecord.elder_id.in_(chunk),
                VisitRecord.month == str(month),
                VisitRecord.state == RecordState.COUNTED,
                VisitRecord.voided_at.is_(None),
            )
            found.extend(MadeVisit(*row) for row in self.session.execute(query).all())
        return found

    def workers(self, ids: Iterable[int]) -> dict[int, Worker]:
        found: dict[int, Worker] = {}
        for chunk in chunks(sorted(set(ids))):
            found.update({w.id: w for w in self.session.scalars(select(Worker).where(Worker.id.in_(chunk)))})
        return found

    def photo(self, photo_id: int) -> VisitPhoto | None:
        return self.session.get(VisitPhoto, photo_id)
