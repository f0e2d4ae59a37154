"""The queries of the retention run (visitsvc.register.retention): who and what is due, and their traces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from visitsvc.infrastructure.repositories.batches import chunks
from visitsvc.infrastructure.repositories.month_text import month_text
from visitsvc.kernel.month import Month
from visitsvc.model import (
    AuditEntry,
    Elder,
    FollowUp,
    StatusChange,
    StatusProposal,
    VisitFlag,
    VisitPhoto,
    VisitRecord,
)
from visitsvc.model.enums import LEFT_STATUSES

M = TypeVar("M", StatusChange, VisitRecord, FollowUp, StatusProposal, VisitFlag)


class RetentionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _due_people(left_before: date) -> Select[int]:
        return select(Elder.id).where(
            Elder.status.in_(LEFT_STATUSES),
            Elder.status_since < left_before,
            Elder.pseudonymised_at.is_(None),
        )

    def count_due_people(self, left_before: date) -> int:
        return (
            self.session.scalar(select(func.count()).select_from(self._due_people(left_before).subquery()))
            or 0
        )

    def due_people(self, left_before: date, *, limit: int) -> list[Elder]:
        ids = self._due_people(left_before).order_by(Elder.id).limit(limit)
        return list(self.session.scalars(select(Elder).where(Elder.id.in_(ids)).order_by(Elder.id)))

    def count_due_photos(self, kept_from: Month, left_before: date) -> tuple[int, int]:
        """(photos, bytes) of visits before `kept_from`, and of the people due for pseudonymisation."""
        row = self.session.execute(
            select(func.count(VisitPhoto.id), func.coalesce(func.sum(VisitPhoto.size), 0))
            .join(VisitRecord, VisitRecord.id == VisitPhoto.visit_id)
            .where(
                or_(
                    VisitRecord.month < month_text(kept_from),
                    VisitRecord.elder_id.in_(self._due_people(left_before)),
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    def old_photos(self, kept_from: Month, *, limit: int) -> list[tuple[int, int]]:
        """(id, size) of photos of visits in months before `kept_from`."""
        rows = self.session.execute(
            select(VisitPhoto.id, VisitPhoto.size)
            .join(VisitRecord, VisitRecord.id == VisitPhoto.visit_id)
            .where(VisitRecord.month < month_text(kept_from))
            .order_by(VisitPhoto.id)
            .limit(limit)
        )
        return [(int(i), int(s)) for i, s in rows]

    def photos_of_people(self, elder_ids: Sequence[int]) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for chunk in chunks(elder_ids):
            rows = self.session.execute(
                select(VisitPhoto.id, VisitPhoto.size)
                .join(VisitRecord, VisitRecord.id == VisitPhoto.visit_id)
                .where(VisitRecord.elder_id.in_(chunk))
            )
            found.extend((int(i), int(s)) for i, s in rows)
        return found

    def delete_photos(self, photo_ids: Sequence[int]) -> None:
        """The rows and their bytes (photos live in the database, `visit_photos.data`)."""
        for chunk in chunks(photo_ids):
            self.session.execute(
                delete(VisitPhoto).where(VisitPhoto.id.in_(chunk)),
                execution_options={"synchronize_session": False},
            )

    def status_changes(self, elder_ids: Sequence[int]) -> list[StatusChange]:
        return self._of(StatusChange, StatusChange.elder_id, elder_ids)

    def visits(self, elder_ids: Sequence[int]) -> list[VisitRecord]:
        return self._of(VisitRecord, VisitRecord.elder_id, elder_ids)

    def follow_ups(self, elder_ids: Sequence[int]) -> list[FollowUp]:
        return self._of(FollowUp, FollowUp.elder_id, elder_ids)

    def proposals(self, elder_ids: Sequence[int]) -> list[StatusProposal]:
        return self._of(StatusProposal, StatusProposal.elder_id, elder_ids)

    def flags(self, elder_ids: Sequence[int]) -> list[VisitFlag]:
        return self._of(VisitFlag, VisitFlag.elder_id, elder_ids)

    def _of(self, model: type[M], column: InstrumentedAttribute[int], elder_ids: Sequence[int]) -> list[M]:
        found: list[M] = []
        for chunk in chunks(elder_ids):
            found.extend(self.session.scalars(select(model).where(column.in_(chunk))))
        return found

    def ever_ran(self) -> bool:
        """Whether a real retention run (not a dry run) was ever made."""
        found = self.session.scalar(
            select(AuditEntry.id).where(AuditEntry.action == "retention.run").limit(1)
        )
        return found is not None

    def audit_about(self, records: Mapping[str, Sequence[int]]) -> list[AuditEntry]:
        """Audit entries whose record is one of `records` ({record_type: ids})."""
        found: list[AuditEntry] = []
        for record_type, ids in records.items():
            for chunk in chunks(ids):
                found.extend(
                    self.session.scalars(
                        select(AuditEntry).where(
                            and_(
                                AuditEntry.record_type == record_type,
                                AuditEntry.record_id.in_([str(i) for i in chunk]),
                            )
                        )
                    )
                )
        return found
