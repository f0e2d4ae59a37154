"""One person's visits as a supervisor looks them up: the month's plan entries, the recorded visits with their
findings, the follow-ups still open. Read through the caller's scope (out of area: not found)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import FollowUpStatus, RecordState, VisitKind, VisitOutcome

VISITS_SHOWN = 50
_EVER = date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class PlanEntry:
    planned_visit_id: int
    day: date
    seq: int
    arrival: time | None
    kind: VisitKind
    obligation: str
    rule: str
    worker_id: int
    worker_name: str
    substituted: bool  # a home visit the plan turned into a phone visit
    pinned: bool  # moved by hand: kept by every re-plan


@dataclass(frozen=True, slots=True)
class VisitItem:
    id: int
    day: date
    started_at: datetime
    kind: VisitKind
    outcome: VisitOutcome
    worker_id: int
    worker_name: str
    state: RecordState
    counts: bool
    findings: dict[str, Any]  # area -> {status, note, urgent}
    distance_m: float | None


@dataclass(frozen=True, slots=True)
class OpenFollowUpItem:
    id: int
    kind: str
    note: str | None
    urgent: bool
    status: FollowUpStatus
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ElderActivity:
    elder_id: int
    month: str
    plan_version: int | None
    plan: list[PlanEntry]  # the month's current plan version, by day
    visits: list[VisitItem]  # newest first, at most VISITS_SHOWN; voided ones are not shown
    follow_ups: list[OpenFollowUpItem]  # urgent first


def elder_activity(uow: UnitOfWork, *, caller: Caller, elder_id: int, month: Month) -> ElderActivity:
    with uow:
        elder = uow.elders.get(caller.scope, elder_id)  # NotFound outside the scope
        latest = uow.plans.latest(month)
        planned = uow.months.slots(latest.id, [elder.id]) if latest else []
        records = uow.visits.of_elders_since([elder.id], _EVER)[-VISITS_SHOWN:][::-1]
        follow_ups = uow.visits.open_follow_ups([elder.id])
        names = uow.review.worker_names({p.worker_id for p in planned} | {r.worker_id for r in records})
        plan = [
            PlanEntry(
                p.id,
                p.day,
                p.seq,
                p.arrival,
                p.kind,
                p.obligation,
                p.rule,
                p.worker_id,
                names.get(p.worker_id, ""),
                p.substituted,
                p.pinned,
            )
            for p in planned
        ]
        visits = [
            VisitItem(
                r.id,
                r.day,
                r.started_at,
                r.kind,
                r.outcome,
                r.worker_id,
                names.get(r.worker_id, ""),
                r.state,
                r.counts,
                dict(r.findings or {}),
                r.distance_m,
            )
            for r in records
        ]
        items = [OpenFollowUpItem(f.id, f.kind, f.note, f.urgent, f.status, f.created_at) for f in follow_ups]
        return ElderActivity(elder.id, str(month), latest.number if latest else None, plan, visits, items)
