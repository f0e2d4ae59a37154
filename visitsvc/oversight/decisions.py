"""A supervisor's decisions about people and records: refusal of all contact (and its withdrawal), records
held in quarantine, visits recorded by mistake.

Supervisors and admins only, within their area; each decision is audited and taken once (409 after that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from visitsvc.access.scoping import Caller, require_supervisor
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict, Invalid
from visitsvc.kernel.month import Month
from visitsvc.model import (
    ProposalState,
    RecordState,
    VisitKind,
    VisitOutcome,
    VisitRecord,
)
from visitsvc.oversight.review_queues import MAX_PAGE, ElderRef, elder_refs

# -- refuses all contact -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefusalRead:
    elder_id: int
    refused_contact_on: date
    reason: str


def mark_refuses_contact(
    uow: UnitOfWork, *, caller: Caller, elder_id: int, reason: str, since: date | None = None
) -> RefusalRead:
    """The person refuses all contact (not the willingness value): from the month of `since` on they are not
    coverable (README, "Coverage")."""
    require_supervisor(caller)
    reason = reason.strip()
    with uow:
        elder = uow.elders.get(caller.scope, elder_id)
        today = uow.clock.today()
        since = since or today
        errors: dict[str, list[str]] = {}
        if not reason:
            errors["reason"] = ["须填写原因"]
        if since > today:
            errors["since"] = ["不能晚于今天"]
        elif since < elder.birth_date:
            errors["since"] = ["早于出生日期"]
        if errors:
            raise Invalid("输入有误", errors=errors)
        if elder.refused_contact_on is not None:
            raise Conflict(
                f"已登记为拒绝一切联系（自 {elder.refused_contact_on.isoformat()}）",
                code="already_refusing",
            )
        elder.refused_contact_on, elder.refused_contact_reason = since, reason
        elder.updated_at = uow.clock.now()
        audit.record(
            uow, caller, action="elder.refuses_contact", record_type="elder", record_id=elder.id,
            area_path=elder.grid.path, details={"since": since.isoformat(), "reason": reason},
        )  # fmt: skip
        uow.commit()
        return RefusalRead(elder.id, since, reason)


def withdraw_refusal(uow: UnitOfWork, *, caller: Caller, elder_id: int) -> None:
    """The person accepts contact again: coverable again, from every month's point of view."""
    require_supervisor(caller)
    with uow:
        elder = uow.elders.get(caller.scope, elder_id)
        if elder.refused_contact_on is None:
            raise Conflict("未登记为拒绝一切联系", code="not_refusing")
        before = {"since": elder.refused_contact_on.isoformat(), "reason": elder.refused_contact_reason}
        elder.refused_contact_on, elder.refused_contact_reason = None, None
        elder.updated_at = uow.clock.now()
        audit.record(
            uow, caller, action="elder.refuses_contact_withdrawn", record_type="elder", record_id=elder.id,
            area_path=elder.grid.path, details={"withdrawn": before},
        )  # fmt: skip
        uow.commit()


# -- records: quarantine and void ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordItem:
    id: int
    elder: ElderRef
    worker_id: int
    worker_name: str
    planned_visit_id: int | None
    kind: VisitKind
    outcome: VisitOutcome
    started_at: datetime
    day: date
    month: str
    received_at: datetime
    state: RecordState
    counts: bool
    voided_at: datetime | None
    voided_by: int | None
    void_reason: str | None


def list_quarantine(
    uow: UnitOfWork,
    *,
    caller: Caller,
    area_code: str | None,
    month: Month | None = None,
    limit: int = 50,
    after_id: int | None = None,
) -> tuple[list[RecordItem], int | None]:
    """Records that arrived after the lateness limit: kept, not counted, until a supervisor decides."""
    require_supervisor(caller)
    limit = min(limit, MAX_PAGE)
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        rows = uow.review.records(
            scope,
            state=RecordState.QUARANTINED,
            month=month,
            limit=limit + 1,
            after_id=after_id,
        )
        page = rows[:limit]
        return _items(uow, page), (page[-1].id if len(rows) > limit else None)


def accept_quarantined(
    uow: UnitOfWork, *, caller: Caller, visit_id: int, note: str | None = None
) -> RecordItem:
    """The late record counts in the month it started in."""
    return _leave_quarantine(uow, caller, visit_id, RecordState.COUNTED, note)


def reject_quarantined(
    uow: UnitOfWork, *, caller: Caller, visit_id: int, note: str | None = None
) -> RecordItem:
    """The late record is kept, and never counts."""
    return _leave_quarantine(uow, caller, visit_id, RecordState.REJECTED, note)


def _leave_quarantine(
    uow: UnitOfWork, caller: Caller, visit_id: int, state: RecordState, note: str | None
) -> RecordItem:
    require_supervisor(caller)
    with uow:
        record = uow.review.record(caller.scope, visit_id)
        if not uow.review.decide(record, "state", RecordState.QUARANTINED, state=state):
            raise Conflict(f"该记录不在待审核状态（{record.state.value}）", code="not_quarantined")
        action = "accept" if state is RecordState.COUNTED else "reject"
        _audit(uow, caller, record, f"visit.quarantine_{action}", {"note": note, "month": record.month})
        uow.commit()
        return _items(uow, [record])[0]


def void_visit(uow: UnitOfWork, *, caller: Caller, visit_id: int, reason: str) -> RecordItem:
    """A visit recorded by mistake no longer counts; it is kept, with who voided it and why. A status change
    it proposed and nobody decided yet is rejected with it."""
    require_supervisor(caller)
    reason = reason.strip()
    if not reason:
        raise Invalid("输入有误", errors={"reason": ["须填写原因"]})
    with uow:
        record = uow.review.record(caller.scope, visit_id)
        now = uow.clock.now()
        if not uow.review.decide(
            record, "voided_at", None, voided_at=now, voided_by=caller.worker_id, void_reason=reason
        ):
            raise Conflict("该记录已作废", code="already_voided")
        details: dict[str, object] = {
            "reason": reason,
            "month": record.month,
            "outcome": record.outcome.value,
        }
        proposal = uow.visits.proposal_of(record.id)
        if proposal is not None and uow.review.decide(
            proposal, "state", ProposalState.PENDING, state=ProposalState.REJECTED,
            decided_by=caller.worker_id, decided_at=now, decision_note="探访记录已作废",
        ):  # fmt: skip
            details["rejected_proposal"] = proposal.id
        _audit(uow, caller, record, "visit.void", details)
        uow.commit()
        return _items(uow, [record])[0]


def _audit(
    uow: UnitOfWork, caller: Caller, record: VisitRecord, action: str, details: dict[str, object]
) -> None:
    elder = uow.elders.by_ids([record.elder_id])[record.elder_id]
    audit.record(
        uow, caller, action=action, record_type="visit", record_id=record.id, area_path=elder.grid.path,
        details=details,
    )  # fmt: skip


def _items(uow: UnitOfWork, records: list[VisitRecord]) -> list[RecordItem]:
    elders = elder_refs(uow, {r.elder_id for r in records})
    names = uow.review.worker_names({r.worker_id for r in records})
    return [_item(r, elders[r.elder_id], names.get(r.worker_id, "")) for r in records]


def _item(r: VisitRecord, elder: ElderRef, worker_name: str) -> RecordItem:
    return RecordItem(
        r.id, elder, r.worker_id, worker_name, r.planned_visit_id, r.kind, r.outcome, r.started_at, r.day,
        r.month, r.received_at, r.state, r.counts, r.voided_at, r.voided_by, r.void_reason,
    )  # fmt: skip
