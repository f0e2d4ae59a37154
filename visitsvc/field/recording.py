"""Checking one recorded outcome and deciding what it sets in motion, before anything is written.

Pure: the planned visits and people are handed in, already loaded and already scoped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from visitsvc.field.home_location import HomeConfirmation, confirmation_of
from visitsvc.field.outcomes import (
    ANSWERED_BY,
    LAST_CHANCE_MARK,
    NO_CONTEXT,
    Consequences,
    DoorstepContext,
    check_answered_by,
    consequences,
    marks_last_chance,
)
from visitsvc.field.photo_files import ALLOWED_TYPES
from visitsvc.field.proof import Proof, proof_of_visit
from visitsvc.field.thresholds import FieldRules
from visitsvc.field.visit_input import VisitInput
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import Invalid, NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import Elder, FollowUp, PlannedVisit, RecordState, StatusProposal, VisitFlag, VisitRecord
from visitsvc.planning.month_facts import elder_facts
from visitsvc.planning.policy import high_risk_reasons

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # months before this cannot be planned or counted


@dataclass(frozen=True, slots=True)
class Prepared:
    """A new record, checked, with everything it sets in motion decided."""

    visit: VisitInput
    body_hash: str
    elder_id: int
    worker_id: int
    month: str
    day: date
    state: RecordState
    received_at: datetime
    proof: Proof
    consequences: Consequences
    home: HomeConfirmation | None = None  # the visit confirms the registered home: verified with the record
    last_chance: bool = False  # nobody home at a last-chance home visit: marked in the record


def prepare(
    visit: VisitInput,
    body_hash: str,
    worker_id: int,
    planned: dict[int, tuple[PlannedVisit, Month]],
    elders: dict[int, Elder],
    now: datetime,
    rules: FieldRules,
    context: DoorstepContext = NO_CONTEXT,
) -> Prepared:
    """`visit` has passed `check_times`; `context` is what the day showed before it (`DoorstepContext`)."""
    local_start = visit.started_at.astimezone(SHANGHAI)
    month = Month.of(local_start.date())
    elder = elder_of(visit, worker_id, planned, elders, month)
    errors = check_answered_by(visit, context)
    if errors:
        raise Invalid("输入有误", errors=errors)
    facts = elder_facts(elder, month, [])
    home = (elder.lon, elder.lat) if elder.lon is not None and elder.lat is not None else None
    proof = proof_of_visit(
        kind=visit.kind,
        outcome=visit.outcome,
        started_at=visit.started_at,
        ended_at=visit.ended_at,
        position=visit.location,
        home=home,
        home_verified=elder.location_verified,
        rules=rules,
    )
    return Prepared(
        visit=visit,
        body_hash=body_hash,
        elder_id=elder.id,
        worker_id=worker_id,
        month=str(month),
        day=local_start.date(),
        state=state_on_arrival(month, now, rules),
        received_at=now,
        proof=proof,
        consequences=consequences(visit, high_risk=bool(high_risk_reasons(facts)), context=context),
        home=confirmation_of(elder, proof, visit.location),
        last_chance=marks_last_chance(visit, context),
    )


def check_times(visit: VisitInput, now: datetime, rules: FieldRules) -> None:
    errors: dict[str, list[str]] = {}
    latest = now + timedelta(seconds=rules.clock_skew_seconds)
    if visit.started_at > latest:
        errors["started_at"] = ["时间晚于当前时间，请检查手机时钟"]
    elif visit.started_at < EARLIEST:
        errors["started_at"] = ["时间过早"]
    if visit.ended_at > latest:
        errors["ended_at"] = ["时间晚于当前时间，请检查手机时钟"]
    elif visit.ended_at < visit.started_at:
        errors["ended_at"] = ["结束时间早于开始时间"]
    elif visit.ended_at - visit.started_at > timedelta(hours=rules.max_visit_hours):
        errors["ended_at"] = [f"一次探访不超过 {rules.max_visit_hours} 小时"]
    too_large = [p for p in visit.photos if p.size_bytes > rules.max_photo_bytes]
    if too_large or len(visit.photos) > rules.max_photos_per_visit:
        errors["photos"] = [
            f"每次最多 {rules.max_photos_per_visit} 张、每张不超过 {rules.max_photo_bytes // 1024} KB"
        ]
    if any(p.content_type not in ALLOWED_TYPES for p in visit.photos):
        errors.setdefault("photos", []).append("仅支持 JPEG、PNG 或 WebP 图片")
    if errors:
        raise Invalid("输入有误", errors=errors)


def elder_of(
    visit: VisitInput,
    worker_id: int,
    planned: dict[int, tuple[PlannedVisit, Month]],
    elders: dict[int, Elder],
    month: Month,
) -> Elder:
    if visit.planned_visit_id is not None:
        # Any version of the month: a phone offline since yesterday still holds yesterday's plan.
        found = planned.get(visit.planned_visit_id)
        if found is None or found[0].worker_id != worker_id:
            raise NotFound("计划探访不存在", errors={"planned_visit_id": ["计划探访不存在"]})
        planned_visit, planned_month = found
        if planned_month != month:
            raise Invalid("输入有误", errors={"started_at": [f"计划探访属于 {planned_month}，时间不符"]})
        if visit.elder_id is not None and visit.elder_id != planned_visit.elder_id:
            raise Invalid("输入有误", errors={"elder_id": ["与计划探访的对象不符"]})
        return elders[planned_visit.elder_id]
    if visit.elder_id is None:
        raise Invalid("输入有误", errors={"elder_id": ["须给出 planned_visit_id 或 elder_id"]})
    elder = elders.get(visit.elder_id)
    if elder is None:
        raise NotFound("老年人不存在", errors={"elder_id": ["老年人不存在"]})
    return elder


def new_record(item: Prepared) -> VisitRecord:
    visit = item.visit
    position = visit.location
    body = visit.canonical()
    findings = dict(body["findings"])
    if visit.answered_by is not None:
        findings[ANSWERED_BY] = visit.answered_by.value
    if item.last_chance:
        findings[LAST_CHANCE_MARK] = True
    return VisitRecord(
        client_id=visit.client_id,
        body_hash=item.body_hash,
        elder_id=item.elder_id,
        worker_id=item.worker_id,
        planned_visit_id=visit.planned_visit_id,
        kind=visit.kind,
        outcome=visit.outcome,
        started_at=visit.started_at,
        ended_at=visit.ended_at,
        month=item.month,
        day=item.day,
        findings=findings,
        follow_up=body["follow_up"],
        lon=position.lon if position else None,
        lat=position.lat if position else None,
        accuracy_m=position.accuracy_m if position else None,
        distance_m=item.proof.distance_m,
        state=item.state,
        received_at=item.received_at,
    )


def children(item: Prepared, visit_id: int) -> list[FollowUp | VisitFlag | StatusProposal]:
    at = item.received_at
    rows: list[FollowUp | VisitFlag | StatusProposal] = [
        FollowUp(
            elder_id=item.elder_id,
            visit_id=visit_id,
            kind=spec.kind,
            note=spec.note,
            urgent=spec.urgent,
            created_at=at,
            updated_at=at,
        )
        for spec in item.consequences.follow_ups
    ]
    rows.extend(
        VisitFlag(
            visit_id=visit_id, elder_id=item.elder_id, kind=flag.kind, detail=flag.detail, created_at=at
        )
        for flag in item.proof.flags
    )
    if item.consequences.proposed_status is not None:
        rows.append(
            StatusProposal(
                elder_id=item.elder_id,
                visit_id=visit_id,
                to_status=item.consequences.proposed_status,
                proposed_date=item.day,
                created_at=at,
            )
        )
    return rows


def state_on_arrival(month: Month, received_at: datetime, rules: FieldRules) -> RecordState:
    """A record counts in the month it started in if it arrives by day `late_days` of the next month."""
    deadline = month.last + timedelta(days=rules.late_days)
    on_time = received_at.astimezone(SHANGHAI).date() <= deadline
    return RecordState.COUNTED if on_time else RecordState.QUARANTINED
