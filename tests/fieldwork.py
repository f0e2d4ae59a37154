"""Builders for field-work tests: a plan version written directly (no solver), visit bodies as a phone
sends them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update

from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.model import Elder, PlannedVisit, PlanVersion, VisitKind

HOME = (120.1201, 30.2801)  # where tests.factories puts every elder


def plan_day(
    uow: UnitOfWork,
    *,
    worker_id: int,
    day: date,
    elder_ids: Sequence[int],
    kinds: Sequence[VisitKind] | None = None,
) -> list[int]:
    """A new plan version of `day`'s month with the worker's stops of that day in this order; their ids."""
    month = f"{day:%Y-%m}"
    with uow:
        number = (
            uow.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.month == month)) or 0
        ) + 1
        version = PlanVersion(
            month=month, number=number, area_path="/", trigger="manual", fingerprint=uuid.uuid4().hex,
            created_at=uow.clock.now(), solver_seconds=0.0, planned_count=len(elder_ids), unplanned_count=0,
            substituted_count=0, summary={},
        )  # fmt: skip
        rows = [
            PlannedVisit(
                elder_id=elder_id,
                worker_id=worker_id,
                day=day,
                seq=seq,
                arrival=time(9, 0) if kind is VisitKind.HOME else None,
                kind=kind,
                obligation="month",
                rule="monthly_home",
            )
            for seq, (elder_id, kind) in enumerate(
                zip(elder_ids, kinds or [VisitKind.HOME] * len(elder_ids), strict=True), start=1
            )
        ]
        uow.plans.add(version, rows, [])
        uow.commit()
        return [row.id for row in rows]


def set_elder(uow: UnitOfWork, elder_id: int, **values: Any) -> None:
    with uow:
        uow.session.execute(update(Elder).where(Elder.id == elder_id).values(**values))
        uow.commit()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def visit_body(
    *,
    elder_id: int | None = None,
    planned_visit_id: int | None = None,
    start: datetime,
    minutes: int = 20,
    kind: str = "home",
    outcome: str = "visited",
    client_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A body as the phone sends it, times with the phone's +08:00 offset."""
    body: dict[str, Any] = {
        "client_id": client_id or str(uuid.uuid4()),
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
        "kind": kind,
        "outcome": outcome,
    }
    if elder_id is not None:
        body["elder_id"] = elder_id
    if planned_visit_id is not None:
        body["planned_visit_id"] = planned_visit_id
    body.update(extra)
    return body


def ok_findings() -> dict[str, Any]:
    return {area: {"status": "ok"} for area in ("daily_care", "emotional", "safety", "rights")}


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
