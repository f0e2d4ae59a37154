"""The audit trail: written by every change, read by administrators within their scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.repositories.batches import table_of
from visitsvc.model import (
    AuditEntry,
)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_id: int | None = None
    action: str | None = None
    record_type: str | None = None
    record_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    def insert_many(self, rows: list[dict[str, Any]]) -> None:
        """Entries as column values, written at once and outside the session's bookkeeping (an import's)."""
        if rows:
            self.session.execute(insert(table_of(AuditEntry)), rows)

    def record_ids_since(self, actor_id: int, action: str, since: datetime) -> set[str]:
        query = select(AuditEntry.record_id).where(
            AuditEntry.actor_id == actor_id, AuditEntry.action == action, AuditEntry.at >= since
        )
        return {r for r in self.session.scalars(query) if r is not None}

    def count_since(
        self, actor_id: int, action: str, since: datetime, *, misses_only: bool = False
    ) -> tuple[int, datetime | None]:
        """How many entries of one action one actor has had since a moment, and the oldest one's time;
        `misses_only`: only those naming no record."""
        query = select(func.count(AuditEntry.id), func.min(AuditEntry.at)).where(
            AuditEntry.actor_id == actor_id, AuditEntry.action == action, AuditEntry.at >= since
        )
        if misses_only:
            query = query.where(AuditEntry.record_id.is_(None))
        count, oldest = self.session.execute(query).one()
        return count, oldest

    def page(self, scope: Scope, flt: AuditFilter, *, limit: int, before_id: int | None) -> list[AuditEntry]:
        query = select(AuditEntry).where(scope.audit_clause())
        if flt.actor_id is not None:
            query = query.where(AuditEntry.actor_id == flt.actor_id)
        if flt.action is not None:
            query = query.where(AuditEntry.action == flt.action)
        if flt.record_type is not None:
            query = query.where(AuditEntry.record_type == flt.record_type)
        if flt.record_id is not None:
            query = query.where(AuditEntry.record_id == flt.record_id)
        if flt.since is not None:
            query = query.where(AuditEntry.at >= flt.since)
        if flt.until is not None:
            query = query.where(AuditEntry.at < flt.until)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        return list(self.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))
