"""What a phone sends for one visit, as plain values, and the digest that makes a retry recognisable.

"The same body" means the same JSON after parsing: the canonical form below sorts keys, drops whitespace and
writes every instant in UTC, so key order, spacing and the offset a phone chose do not matter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from visitsvc.model.enums import VisitKind
from visitsvc.model.visit import VisitOutcome


class FindingArea(StrEnum):
    DAILY_CARE = "daily_care"  # 生活照料
    EMOTIONAL = "emotional"  # 精神状态
    SAFETY = "safety"  # 安全隐患
    RIGHTS = "rights"  # 权益保障


class FindingStatus(StrEnum):
    OK = "ok"
    CONCERN = "concern"


class AnsweredBy(StrEnum):
    """Who a call after an empty doorstep reached (上门未遇，电话探访)."""

    SELF = "self"  # the person
    FAMILY = "family"  # a family member who says where they are and that they are safe


@dataclass(frozen=True, slots=True)
class Finding:
    status: FindingStatus
    note: str | None = None
    urgent: bool = False  # a fall, no food, abuse: a supervisor must act today

    @property
    def needs_follow_up(self) -> bool:
        return self.status is FindingStatus.CONCERN or self.urgent


@dataclass(frozen=True, slots=True)
class FollowUpRequest:
    needed: bool
    kind: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """Where the phone was, WGS-84 as GPS reports it."""

    lon: float
    lat: float
    accuracy_m: float | None = None


@dataclass(frozen=True, slots=True)
class PhotoNote:
    """A photo the phone will upload separately; declared so that its type and size are checked early."""

    content_type: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class VisitInput:
    client_id: str  # a UUID made on the phone: the record's identity across retries
    kind: VisitKind
    outcome: VisitOutcome
    started_at: datetime
    ended_at: datetime
    planned_visit_id: int | None = None
    elder_id: int | None = None  # an unplanned visit
    findings: Mapping[FindingArea, Finding] = field(default_factory=dict)
    follow_up: FollowUpRequest | None = None
    location: Position | None = None
    photos: tuple[PhotoNote, ...] = ()
    answered_by: AnsweredBy | None = None  # a phone visit: who answered

    def canonical(self) -> dict[str, Any]:
        """The body as parsed, in one spelling; client_id is the key, not part of the body. `answered_by`
        only when given: bodies stored before it existed keep their digest."""
        answered = {} if self.answered_by is None else {"answered_by": self.answered_by.value}
        return {
            **answered,
            "kind": self.kind.value,
            "outcome": self.outcome.value,
            "started_at": _utc(self.started_at),
            "ended_at": _utc(self.ended_at),
            "planned_visit_id": self.planned_visit_id,
            "elder_id": self.elder_id,
            "findings": {
                area.value: {"status": f.status.value, "note": f.note, "urgent": f.urgent}
                for area, f in self.findings.items()
            },
            "follow_up": None
            if self.follow_up is None
            else {"needed": self.follow_up.needed, "kind": self.follow_up.kind, "note": self.follow_up.note},
            "location": None
            if self.location is None
            else {"lon": self.location.lon, "lat": self.location.lat, "accuracy_m": self.location.accuracy_m},
            "photos": [{"content_type": p.content_type, "size_bytes": p.size_bytes} for p in self.photos],
        }

    def body_hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Rejected:
    """A synced item (a record, an appointment) that could not even be parsed."""

    client_id: str | None
    errors: dict[str, list[str]]
