"""Each person's status changes as a timeline: what the visit policy reads to know who is owed visits when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.repositories.batches import chunks
from visitsvc.model import Elder, ElderStatus, StatusChange


class StatusTimelineRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, elder_ids: Sequence[int]) -> dict[int, list[tuple[date, ElderStatus]]]:
        """Every elder's status changes, oldest first (an elder with none: an empty list)."""
        timelines: dict[int, list[tuple[date, ElderStatus]]] = {i: [] for i in elder_ids}
        for chunk in chunks(sorted(elder_ids)):
            query = (
                select(StatusChange.elder_id, StatusChange.effective_date, StatusChange.to_status)
                .where(StatusChange.elder_id.in_(chunk))
                .order_by(StatusChange.elder_id, StatusChange.effective_date, StatusChange.id)
            )
            for elder_id, effective, status in self.session.execute(query):
                timelines[elder_id].append((effective, status))
        return timelines

    def within(self, scope: Scope, elder_ids: Sequence[int]) -> dict[int, list[tuple[date, ElderStatus]]]:
        """`of` the people in scope, `elder_ids` being all of them (a whole area read at once): one query."""
        timelines: dict[int, list[tuple[date, ElderStatus]]] = {i: [] for i in elder_ids}
        query = (
            select(StatusChange.elder_id, StatusChange.effective_date, StatusChange.to_status)
            .where(StatusChange.elder_id.in_(select(Elder.id).where(scope.elder_clause())))
            .order_by(StatusChange.elder_id, StatusChange.effective_date, StatusChange.id)
        )
        for elder_id, effective, status in self.session.execute(query):
            timelines[elder_id].append((effective, status))
        return timelines
