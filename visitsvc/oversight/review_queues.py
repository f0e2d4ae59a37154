"""A supervisor's queues: proof-of-visit flags, follow-ups and status-change proposals, and deciding them.

Supervisors and admins only, within their area (an item about a person outside it is not found). Every
decision is audited and is taken once: a second decision on the same item is a conflict, even when two
supervisors click at the same moment (a conditional update decides).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from visitsvc.access.scoping import Caller, require_supervisor
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict
from visitsvc.kernel.month import Month
from visitsvc.model import (
    Elder,
    ElderStatus,
    FlagKind,
    FlagState,
    FollowUp,
    FollowUpStatus,
    ProposalState,
    StatusProposal,
    VisitFlag,
    VisitKind,
    VisitOutcome,
    VisitRecord,
)
from visitsvc.register.elders import apply_status_change

MAX_PAGE = 200
QUEUE = (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS)
# A person not found at home whom nobody could reach: a safety matter, so the top of the queue (issue 17).
# The kinds are field.outcomes' (a high-risk person not at home; nobody reached by the call after the last
# possible try's empty doorstep); oversight does not import field (the layers contract), hence the names.
EMPTY_DOORSTEP = frozenset({"not_home_high_risk", "not_found_last_chance"})
RANKS = 3  # follow_up_rank's values: 0 urgent empty doorstep, 1 other urgent, 2 the rest
# Forward only: open -> in progress -> closed (a simple matter may be closed at once); nothing leaves closed.
NEXT_STATUSES = {
    FollowUpStatus.OPEN: {FollowUpStatus.IN_PROGRESS, FollowUpStatus.CLOSED},
    FollowUpStatus.IN_PROGRESS: {FollowUpStatus.CLOSED},
    FollowUpStatus.CLOSED: set(),
}


@dataclass(frozen=True, slots=True)
class ElderRef:
    id: int
    name: str
    grid_code: str
    grid_name: str


def elder_refs(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, ElderRef]:
    """Names of people already proven in scope (the rows that name them were read through the scope)."""
    return {e.id: ElderRef(e.id, e.name, e.grid.code, e.grid.name) for e in uow.elders.by_ids(ids).values()}


# -- proof-of-visit flags ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagRead:
    id: int
    kind: FlagKind
    state: FlagState
    detail: dict[str, Any]
    created_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    elder: ElderRef
    visit_id: int
    visit_day: date
    visit_kind: VisitKind
    outcome: VisitOutcome
    worker_id: int
    worker_name: str
    distance_m: float | None


def list_flags(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month | None,
    area_code: str | None,
    state: FlagState | None = None,
    limit: int = 50,
    after_id: int | None = None,
) -> tuple[list[FlagRead], int | None]:
    require_supervisor(caller)
    limit = min(limit, MAX_PAGE)
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        rows = uow.review.flags(
            scope,
            month=month,
            state=state,
            limit=limit + 1,
            after_id=after_id,
        )
        page = rows[:limit]
        items = _flag_reads(uow, page)
        return items, (page[-1][0].id if len(rows) > limit else None)


def _flag_reads(uow: UnitOfWork, rows: list[tuple[VisitFlag, VisitRecord]]) -> list[FlagRead]:
    elders = elder_refs(uow, {f.elder_id for f, _ in rows})
    workers = uow.review.worker_names({r.worker_id for _, r in rows})
    return [_flag_read(f, r, elders[f.elder_id], workers.get(r.worker_id, "")) for f, r in rows]


def _flag_read(f: VisitFlag, r: VisitRecord, elder: ElderRef, worker_name: str) -> FlagRead:
    return FlagRead(
        f.id, f.kind, f.state, dict(f.detail), f.created_at, f.decided_by, f.decided_at, elder,
        r.id, r.day, r.kind, r.outcome, r.worker_id, worker_name, r.distance_m,
    )  # fmt: skip


def accept_location(uow: UnitOfWork, *, caller: Caller, flag_id: int) -> FlagRead:
    """Take a proposed home location: the elder's point becomes the visit's fix, and is verified."""
    require_supervisor(caller)
    with uow:
        flag = uow.review.flag(caller.scope, flag_id)
        if flag.kind is not FlagKind.LOCATION_PROPOSED:
            raise Conflict("只有“位置建议”可以采纳；其他标记请核实后关闭", code="not_a_location_proposal")
        lon, lat = flag.detail.get("lon"), flag.detail.get("lat")
        if not isinstance(lon, int | float) or not isinstance(lat, int | float):
            raise Conflict("该建议没有可用的位置", code="no_location")
        _decide_flag(uow, caller, flag, FlagState.ACCEPTED)
        elder = uow.elders.get(caller.scope, flag.elder_id)
        changes = {
            "lon": [elder.lon, float(lon)],
            "lat": [elder.lat, float(lat)],
            "location_verified": [elder.location_verified, True],
        }
        elder.lon, elder.lat, elder.location_verified = float(lon), float(lat), True
        elder.updated_at = uow.clock.now()
        audit.record(
            uow, caller, action="elder.update", record_type="elder", record_id=elder.id,
            area_path=elder.grid.path, details={"changes": changes, "from_flag": flag.id},
        )  # fmt: skip
        uow.commit()
        return _one_flag(uow, flag)


def dismiss_flag(uow: UnitOfWork, *, caller: Caller, flag_id: int) -> FlagRead:
    """Close a flag after looking into it. A visit found to be false is voided instead (`void_visit`)."""
    require_supervisor(caller)
    with uow:
        flag = uow.review.flag(caller.scope, flag_id)
        _decide_flag(uow, caller, flag, FlagState.DISMISSED)
        uow.commit()
        return _one_flag(uow, flag)


def _decide_flag(uow: UnitOfWork, caller: Caller, flag: VisitFlag, state: FlagState) -> None:
    taken = uow.review.decide(
        flag, "state", FlagState.OPEN, state=state, decided_by=caller.worker_id, decided_at=uow.clock.now()
    )
    if not taken:
        raise Conflict("该标记已处理", code="already_decided")
    elder = uow.elders.by_ids([flag.elder_id])[flag.elder_id]
    audit.record(
        uow, caller, action=f"flag.{state.value}", record_type="visit_flag", record_id=flag.id,
        area_path=elder.grid.path, details={"kind": flag.kind.value, "visit_id": flag.visit_id},
    )  # fmt: skip


def _one_flag(uow: UnitOfWork, flag: VisitFlag) -> FlagRead:
    record = uow.visits.get(flag.visit_id)
    assert record is not None  # a flag belongs to a record (foreign key)
    return _flag_reads(uow, [(flag, record)])[0]


# -- follow-ups ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    id: int
    kind: str
    note: str | None
    urgent: bool
    status: FollowUpStatus
    created_at: datetime
    updated_at: datetime
    updated_by: int | None
    visit_id: int | None
    elder: ElderRef

    @property
    def empty_doorstep(self) -> bool:
        """An urgent follow-up of a person not found at home: the top of the queue, marked."""
        return self.urgent and self.kind in EMPTY_DOORSTEP


def follow_up_rank(item: FollowUpItem | FollowUp) -> int:
    """Its place in the queue, as the repository ranks it: urgent empty doorstep, other urgent, the rest."""
    if item.urgent:
        return 0 if item.kind in EMPTY_DOORSTEP else 1
    return 2


def follow_up_cursor(item: FollowUpItem | FollowUp) -> int:
    """(rank, id) in one opaque number: the list is ordered by rank, then oldest first."""
    return item.id * RANKS + follow_up_rank(item)


def list_follow_ups(
    uow: UnitOfWork,
    *,
    caller: Caller,
    area_code: str | None,
    status: FollowUpStatus | None = None,
    month: Month | None = None,
    limit: int = 50,
    after: int | None = None,
) -> tuple[list[FollowUpItem], int | None]:
    """Urgent empty doorsteps first, then other urgent ones, then the rest, each oldest first. Without a
    status: the queue (open and in progress)."""
    require_supervisor(caller)
    limit = min(limit, MAX_PAGE)
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        rows = uow.review.follow_ups(
            scope,
            statuses=QUEUE if status is None else (status,),
            month=month,
            limit=limit + 1,
            after=None if after is None else (after % RANKS, after // RANKS),
            first_kinds=EMPTY_DOORSTEP,
        )
        page = rows[:limit]
        elders = elder_refs(uow, {f.elder_id for f in page})
        items = [_follow_up_item(f, elders[f.elder_id]) for f in page]
        return items, (follow_up_cursor(page[-1]) if len(rows) > limit else None)


def _follow_up_item(f: FollowUp, elder: ElderRef) -> FollowUpItem:
    return FollowUpItem(
        f.id, f.kind, f.note, f.urgent, f.status, f.created_at, f.updated_at, f.updated_by, f.visit_id, elder
    )


def update_follow_up(
    uow: UnitOfWork, *, caller: Caller, follow_up_id: int, status: FollowUpStatus, note: str | None = None
) -> FollowUpItem:
    """Move a follow-up on: open -> in progress -> closed; never back, nothing after closed (409)."""
    require_supervisor(caller)
    with uow:
        item = uow.review.follow_up(caller.scope, follow_up_id)
        current = item.status
        if status not in NEXT_STATUSES[current]:
            raise Conflict(
                f"跟进事项不能从“{current.value}”改为“{status.value}”",
                code="wrong_transition",
                errors={"status": [f"当前为 {current.value}，可改为：{_allowed(current)}"]},
            )
        now = uow.clock.now()
        taken = uow.review.decide(
            item, "status", current, status=status, updated_at=now, updated_by=caller.worker_id
        )
        if not taken:
            raise Conflict("跟进事项已被他人更新，请刷新后重试", code="stale_follow_up")
        elder = uow.elders.by_ids([item.elder_id])[item.elder_id]
        audit.record(
            uow, caller, action="followup.status", record_type="follow_up", record_id=item.id,
            area_path=elder.grid.path,
            details={"changes": {"status": [current.value, status.value]}, "note": note},
        )  # fmt: skip
        uow.commit()
        return _follow_up_item(item, elder_refs(uow, [item.elder_id])[item.elder_id])


def _allowed(status: FollowUpStatus) -> str:
    return "、".join(s.value for s in FollowUpStatus if s in NEXT_STATUSES[status]) or "无（已关闭）"


# -- status-change proposals ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposalItem:
    id: int
    to_status: ElderStatus
    proposed_date: date
    state: ProposalState
    created_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    effective_date: date | None
    decision_note: str | None
    visit_id: int
    elder: ElderRef
    elder_status: ElderStatus


def list_proposals(
    uow: UnitOfWork,
    *,
    caller: Caller,
    area_code: str | None,
    state: ProposalState | None = ProposalState.PENDING,
    limit: int = 50,
    after_id: int | None = None,
) -> tuple[list[ProposalItem], int | None]:
    require_supervisor(caller)
    limit = min(limit, MAX_PAGE)
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        rows = uow.review.proposals(scope, state=state, limit=limit + 1, after_id=after_id)
        page = rows[:limit]
        elders = uow.elders.by_ids({p.elder_id for p in page})
        items = [_proposal_item(p, elders[p.elder_id]) for p in page]
        return items, (page[-1].id if len(rows) > limit else None)


def _proposal_item(p: StatusProposal, elder: Elder) -> ProposalItem:
    ref = ElderRef(elder.id, elder.name, elder.grid.code, elder.grid.name)
    return ProposalItem(
        p.id, p.to_status, p.proposed_date, p.state, p.created_at, p.decided_by, p.decided_at,
        p.effective_date, p.decision_note, p.visit_id, ref, elder.status,
    )  # fmt: skip


def confirm_proposal(
    uow: UnitOfWork, *, caller: Caller, proposal_id: int, effective_date: date, note: str | None = None
) -> ProposalItem:
    """Apply the proposed status from the date the supervisor decides, through the register's one status
    change (history and audit); the proposal and the change are written together or not at all."""
    require_supervisor(caller)
    with uow:
        proposal = _pending(uow, caller, proposal_id)
        elder = uow.elders.get(caller.scope, proposal.elder_id)
        reason = f"探访记录 {proposal.visit_id} 报告，督导确认" + (f"：{note}" if note else "")
        apply_status_change(
            uow, caller, elder, status=proposal.to_status, effective=effective_date, reason=reason
        )
        _decide_proposal(uow, caller, proposal, ProposalState.CONFIRMED, note, effective_date, elder)
        uow.commit()
        return _proposal_item(proposal, elder)


def reject_proposal(
    uow: UnitOfWork, *, caller: Caller, proposal_id: int, note: str | None = None
) -> ProposalItem:
    """The register stays as it is."""
    require_supervisor(caller)
    with uow:
        proposal = _pending(uow, caller, proposal_id)
        elder = uow.elders.get(caller.scope, proposal.elder_id)
        _decide_proposal(uow, caller, proposal, ProposalState.REJECTED, note, None, elder)
        uow.commit()
        return _proposal_item(proposal, elder)


def _pending(uow: UnitOfWork, caller: Caller, proposal_id: int) -> StatusProposal:
    proposal = uow.review.proposal(caller.scope, proposal_id)
    if proposal.state is not ProposalState.PENDING:
        raise Conflict(f"该建议已处理（{proposal.state.value}）", code="already_decided")
    return proposal


def _decide_proposal(
    uow: UnitOfWork,
    caller: Caller,
    proposal: StatusProposal,
    state: ProposalState,
    note: str | None,
    effective: date | None,
    elder: Elder,
) -> None:
    taken = uow.review.decide(
        proposal, "state", ProposalState.PENDING, state=state, decided_by=caller.worker_id,
        decided_at=uow.clock.now(), effective_date=effective, decision_note=note,
    )  # fmt: skip
    if not taken:
        raise Conflict("该建议已处理", code="already_decided")
    audit.record(
        uow, caller, action=f"proposal.{state.value}", record_type="status_proposal", record_id=proposal.id,
        area_path=elder.grid.path,
        details={
            "elder_id": elder.id, "to_status": proposal.to_status.value, "visit_id": proposal.visit_id,
            "effective_date": effective.isoformat() if effective else None, "note": note,
        },
    )  # fmt: skip
