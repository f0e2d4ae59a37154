"""Writing and reading the audit log. Writers never commit: the entry lands with the change it records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from visitsvc.access.scoping import ROOT_PATH, Caller, require_admin
from visitsvc.infrastructure.repositories.audit import AuditFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.masking import redact_details
from visitsvc.model import AuditEntry


def record(
    uow: UnitOfWork,
    caller: Caller,
    *,
    action: str,
    record_type: str,
    record_id: object | None,
    area_path: str = ROOT_PATH,
    details: dict[str, Any] | None = None,
) -> None:
    uow.audit.add(
        AuditEntry(
            at=uow.clock.now(),
            actor_id=caller.worker_id,
            action=action,
            record_type=record_type,
            record_id=None if record_id is None else str(record_id),
            area_path=area_path,
            # Whoever reads the log later may not have seen the full values: they are never stored.
            details=redact_details(details or {}),
        )
    )


def record_many(
    uow: UnitOfWork,
    caller: Caller,
    *,
    action: str,
    record_type: str,
    entries: Iterable[tuple[object, str, dict[str, Any]]],
) -> None:
    """`record` for many records of one action: (record id, area path, details) each, written at once."""
    at = uow.clock.now()
    uow.audit.insert_many(
        [
            {
                "at": at,
                "actor_id": caller.worker_id,
                "action": action,
                "record_type": record_type,
                "record_id": str(record_id),
                "area_path": area_path,
                "details": redact_details(details),
            }
            for record_id, area_path, details in entries
        ]
    )


@dataclass(frozen=True, slots=True)
class AuditRead:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    record_type: str
    record_id: str | None
    details: dict[str, Any]


def list_audit(
    uow: UnitOfWork, *, caller: Caller, flt: AuditFilter, limit: int, before_id: int | None = None
) -> tuple[list[AuditRead], int | None]:
    """Newest first; the cursor is the last id seen. Details are masked again on the way out, so entries
    written before masking covered birth dates show no more than new ones."""
    require_admin(caller)
    with uow:
        rows = uow.audit.page(caller.scope, flt, limit=limit + 1, before_id=before_id)
        page = rows[:limit]
        items = [
            AuditRead(e.id, e.at, e.actor_id, e.action, e.record_type, e.record_id, redact_details(e.details))
            for e in page
        ]
        return items, (page[-1].id if len(rows) > limit else None)


def actor_names(uow: UnitOfWork, *, caller: Caller, actor_ids: Iterable[int]) -> dict[int, str]:
    """Who the actors of audit entries are, for those who may read the log (admins)."""
    require_admin(caller)
    with uow:
        return uow.review.worker_names(actor_ids)
