"""Recorded visits and what they opened; the worker's day as the phone sees it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from visitsvc.infrastructure.repositories.batches import chunks
from visitsvc.infrastructure.repositories.month_text import month_from_text
from visitsvc.infrastructure.repositories.plan_membership import rows_of
from visitsvc.kernel.month import Month
from visitsvc.model import (
    FollowUp,
    FollowUpStatus,
    PlannedVisit,
    StatusProposal,
    VisitFlag,
    VisitPhoto,
    VisitRecord,
)

MAX_ID = 2**31 - 1  # INTEGER primary keys


class VisitRepository:
    """Recorded outcomes and what they opened; the worker's day as the phone sees it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, visit_id: int) -> VisitRecord | None:
        """Unscoped: the service checks that the record is the caller's."""
        if not 0 < visit_id <= MAX_ID:  # from a URL: PostgreSQL refuses to compare an INTEGER with more
            return None
        return self.session.get(VisitRecord, visit_id)

    def by_client_ids(self, client_ids: Iterable[str]) -> dict[str, VisitRecord]:
        found: dict[str, VisitRecord] = {}
        for chunk in chunks(sorted(set(client_ids))):
            query = select(VisitRecord).where(VisitRecord.client_id.in_(chunk))
            found.update({r.client_id: r for r in self.session.scalars(query)})
        return found

    def add(self, record: VisitRecord) -> None:
        """Raises IntegrityError (on this flush) when the client_id is already stored."""
        self.session.add(record)
        self.session.flush()

    def add_all(self, rows: Iterable[FollowUp | VisitFlag | StatusProposal | VisitPhoto]) -> None:
        self.session.add_all(list(rows))

    def planned(self, ids: Iterable[int]) -> dict[int, tuple[PlannedVisit, Month]]:
        """Planned visits by id, each with its version's month."""
        found: dict[int, tuple[PlannedVisit, Month]] = {}
        for chunk in chunks(sorted(set(ids))):
            query = select(PlannedVisit, PlannedVisit.month).where(PlannedVisit.id.in_(chunk))
            found.update({pv.id: (pv, month_from_text(month)) for pv, month in self.session.execute(query)})
        return found

    def day_of(self, version_id: int, worker_id: int, day: date) -> list[PlannedVisit]:
        query = select(PlannedVisit).where(
            rows_of(self.session, PlannedVisit, version_id),
            PlannedVisit.worker_id == worker_id,
            PlannedVisit.day == day,
        )
        return list(self.session.scalars(query.order_by(PlannedVisit.seq, PlannedVisit.id)))

    def of_elders_since(self, elder_ids: Sequence[int], first_day: date) -> list[VisitRecord]:
        """Records not voided, from `first_day` on, oldest first."""
        rows: list[VisitRecord] = []
        for chunk in chunks(sorted(elder_ids)):
            query = select(VisitRecord).where(
                VisitRecord.elder_id.in_(chunk), VisitRecord.day >= first_day, VisitRecord.voided_at.is_(None)
            )
            rows.extend(self.session.scalars(query.order_by(VisitRecord.started_at, VisitRecord.id)))
        return rows

    def last_before(self, elder_ids: Sequence[int], day: date) -> dict[int, VisitRecord]:
        """Each person's latest record (not voided) before `day`."""
        found: dict[int, VisitRecord] = {}
        for chunk in chunks(sorted(elder_ids)):
            latest = (
                select(VisitRecord.elder_id, func.max(VisitRecord.started_at).label("at"))
                .where(
                    VisitRecord.elder_id.in_(chunk), VisitRecord.day < day, VisitRecord.voided_at.is_(None)
                )
                .group_by(VisitRecord.elder_id)
                .subquery()
            )
            query = (
                select(VisitRecord)
                .join(
                    latest,
                    (latest.c.elder_id == VisitRecord.elder_id) & (latest.c.at == VisitRecord.started_at),
                )
                .where(VisitRecord.voided_at.is_(None))
                .order_by(VisitRecord.id)
            )
            found.update({r.elder_id: r for r in self.session.scalars(query)})
        return found

    def open_follow_ups(self, elder_ids: Sequence[int]) -> list[FollowUp]:
        rows: list[FollowUp] = []
        for chunk in chunks(sorted(elder_ids)):
            query = select(FollowUp).where(
                FollowUp.elder_id.in_(chunk), FollowUp.status != FollowUpStatus.CLOSED
            )
            rows.extend(self.session.scalars(query.order_by(FollowUp.urgent.desc(), FollowUp.id)))
        return rows

    def follow_ups_of(self, visit_id: int) -> list[FollowUp]:
        query = select(FollowUp).where(FollowUp.visit_id == visit_id).order_by(FollowUp.id)
        return list(self.session.scalars(query))

    def follow_up_kinds_of(self, visit_ids: Iterable[int]) -> dict[int, list[str]]:
        kinds: dict[int, list[str]] = {}
        for chunk in chunks(sorted(set(visit_ids))):
            query = select(FollowUp.visit_id, FollowUp.kind).where(FollowUp.visit_id.in_(chunk))
            for visit_id, kind in self.session.execute(query):
                if visit_id is not None:  # follow-ups opened by hand belong to no visit
                    kinds.setdefault(visit_id, []).append(kind)
        return kinds

    def flags_of(self, visit_id: int) -> list[VisitFlag]:
        query = select(VisitFlag).where(VisitFlag.visit_id == visit_id).order_by(VisitFlag.id)
        return list(self.session.scalars(query))

    def proposal_of(self, visit_id: int) -> StatusProposal | None:
        return self.session.scalar(select(StatusProposal).where(StatusProposal.visit_id == visit_id))

    def photos_of(self, visit_id: int) -> list[VisitPhoto]:
        """Without their bytes: to count them, recognise a re-upload, or list them on a page."""
        query = (
            select(VisitPhoto)
            .options(defer(VisitPhoto.data))
            .where(VisitPhoto.visit_id == visit_id)
            .order_by(VisitPhoto.id)
        )
        return list(self.session.scalars(query))
