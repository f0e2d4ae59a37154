"""What happened at a visit, and the work it leaves for supervisors: follow-ups, status-change proposals,
proof-of-visit flags, photos."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base, enum_column
from visitsvc.model.enums import ElderStatus, VisitKind


class VisitOutcome(StrEnum):
    VISITED = "visited"
    NOT_HOME = "not_home"
    REFUSED = "refused"  # refused this visit at the door; not "refuses all contact"
    HOSPITALIZED = "hospitalized"
    DECEASED = "deceased"
    MOVED_OUT = "moved_out"
    UNREACHABLE = "unreachable"  # a phone visit nobody answered


class RecordState(StrEnum):
    COUNTED = "counted"  # arrived in time: counts in the month of its start
    QUARANTINED = "quarantined"  # arrived after the lateness limit: waits for a supervisor
    REJECTED = "rejected"  # a supervisor rejected it from quarantine: kept, never counted


class VisitRecord(Base):
    """One outcome recorded by a worker, once and only once per `client_id` (made on the phone)."""

    __tablename__ = "visit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    body_hash: Mapped[str] = mapped_column(String(64))  # the same client_id with another body is a conflict
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    planned_visit_id: Mapped[int | None] = mapped_column(ForeignKey("planned_visits.id"))
    kind: Mapped[VisitKind] = mapped_column(enum_column(VisitKind))
    outcome: Mapped[VisitOutcome] = mapped_column(enum_column(VisitOutcome))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    month: Mapped[str] = mapped_column(String(7), index=True)  # of started_at in Asia/Shanghai
    day: Mapped[date] = mapped_column(index=True)  # started_at's date in Asia/Shanghai
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    follow_up: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    lon: Mapped[float | None]  # WGS-84, as the phone reported
    lat: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    distance_m: Mapped[float | None]  # from the elder's registered home
    state: Mapped[RecordState] = mapped_column(enum_column(RecordState), default=RecordState.COUNTED)
    received_at: Mapped[datetime]
    voided_at: Mapped[datetime | None]
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    void_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def counts(self) -> bool:
        return self.state is RecordState.COUNTED and self.voided_at is None


class FollowUpStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class FollowUp(Base):
    """Something a visit found that needs a supervisor: a concern, an urgent finding, a person not found."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit_records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # concern:<finding> | urgent:<finding> | not_home
    note: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[FollowUpStatus] = mapped_column(enum_column(FollowUpStatus), default=FollowUpStatus.OPEN)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))


class ProposalState(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class StatusProposal(Base):
    """A status change a visit suggests (hospitalised, deceased, moved out): the register never changes
    until a supervisor confirms it, with the effective date they decide."""

    __tablename__ = "status_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit_records.id"))
    to_status: Mapped[ElderStatus] = mapped_column(enum_column(ElderStatus))
    proposed_date: Mapped[date]
    state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState), default=ProposalState.PENDING)
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    decided_at: Mapped[datetime | None]
    effective_date: Mapped[date | None]  # the supervisor's date; coverage counts from it
    decision_note: Mapped[str | None] = mapped_column(String(500))


class FlagKind(StrEnum):
    TOO_FAR = "too_far"
    POOR_ACCURACY = "poor_accuracy"
    TOO_SHORT = "too_short"
    LOCATION_PROPOSED = "location_proposed"  # an unverified home and a good fix: a supervisor may accept it


class FlagState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class VisitFlag(Base):
    """Proof of visit: flagged, never blocked."""

    __tablename__ = "visit_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit_records.id"), index=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    kind: Mapped[FlagKind] = mapped_column(enum_column(FlagKind))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[FlagState] = mapped_column(enum_column(FlagState), default=FlagState.OPEN)
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    decided_at: Mapped[datetime | None]


class VisitPhoto(Base):
    __tablename__ = "visit_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit_records.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class AtRiskMark(Base):
    """The nightly verdict: not yet covered and no slot left, or too few days left for the attempts."""

    __tablename__ = "at_risk_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))  # no_slot_left | too_few_days
    evaluated_on: Mapped[date]
