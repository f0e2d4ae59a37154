"""What the scheduler did: its runs, newest first (admins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from visitsvc.access.scoping import Caller, require_admin
from visitsvc.infrastructure.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class JobRunRead:
    id: int
    job: str
    period: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    summary: dict[str, Any]


def list_runs(
    uow: UnitOfWork, *, caller: Caller, limit: int, before_id: int | None = None
) -> tuple[list[JobRunRead], int | None]:
    require_admin(caller)
    with uow:
        rows = uow.job_runs.page(limit=limit + 1, before_id=before_id)
        page = rows[:limit]
        items = [
            JobRunRead(r.id, r.job, r.period, r.started_at, r.finished_at, r.outcome, dict(r.summary))
            for r in page
        ]
        return items, (page[-1].id if len(rows) > limit else None)
