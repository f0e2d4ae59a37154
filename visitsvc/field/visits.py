"""Recording what happened at a visit, once and only once per client_id, and the work it leaves behind:
follow-ups, status-change proposals, proof-of-visit flags, a registered home confirmed.

Every record goes through two steps. First one read-only transaction checks a whole batch (retries already
stored, planned visits, people, clocks). Then each new record is written in a transaction of its own that
starts with its INSERT, so one bad record never loses another (ADR 0006). The unique client_id decides races:
a losing writer rolls back, reads the winner and answers as a retry would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from visitsvc.access.scoping import Caller, require_people_reader
from visitsvc.field import home_location, recording
from visitsvc.field.outcomes import LAST_CHANCE_MARK, NO_CONTEXT, Advice, DoorstepContext, advice_for
from visitsvc.field.thresholds import FieldRules
from visitsvc.field.visit_input import Rejected, VisitInput
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import (
    Elder,
    ElderStatus,
    FlagKind,
    RecordState,
    VisitKind,
    VisitOutcome,
    VisitRecord,
)
from visitsvc.model.planning import PlannedVisit
from visitsvc.planning.last_chance import is_last_chance, last_days

DEFAULT_RULES = FieldRules()


@dataclass(frozen=True, slots=True)
class FollowUpRead:
    id: int
    kind: str
    urgent: bool


@dataclass(frozen=True, slots=True)
class ProposalRead:
    id: int
    to_status: ElderStatus
    proposed_date: date


@dataclass(frozen=True, slots=True)
class VisitRead:
    """The answer to a recorded outcome; a retry gets the same one, rebuilt from what was stored."""

    id: int
    client_id: str
    elder_id: int
    worker_id: int
    planned_visit_id: int | None
    kind: VisitKind
    outcome: VisitOutcome
    started_at: datetime
    ended_at: datetime
    month: str
    day: date
    state: RecordState
    counts: bool
    received_at: datetime
    distance_m: float | None
    flags: list[FlagKind]
    follow_ups: list[FollowUpRead]
    status_proposal: ProposalRead | None
    advice: list[Advice]


@dataclass(frozen=True, slots=True)
class Recorded:
    visit: VisitRead
    created: bool


class SyncStatus(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # stored before, with the same body: nothing new
    CONFLICT = "conflict"  # stored before, with another body
    REJECTED = "rejected"  # invalid: the errors say which fields


@dataclass(frozen=True, slots=True)
class SyncResult:
    client_id: str | None
    status: SyncStatus
    visit_id: int | None = None  # on a conflict: the caller's own record that holds the client_id
    errors: dict[str, list[str]] = field(default_factory=dict)
    advice: tuple[Advice, ...] = ()  # created or duplicate: what the phone should offer next, as POST /visits


@dataclass(frozen=True, slots=True)
class _Stored:
    visit_id: int
    created: bool
    advice: tuple[Advice, ...] = ()


@dataclass(frozen=True, slots=True)
class _Clash:
    """The client_id holds another body. Its record is named only to the worker who stored it."""

    conflict: Conflict
    own_visit_id: int | None


def record_visit(
    uow: UnitOfWork, *, caller: Caller, visit: VisitInput, rules: FieldRules = DEFAULT_RULES
) -> Recorded:
    """Record one outcome. The same client_id again: the stored answer, `created` False; another body: 409."""
    worker_id = _worker_of(caller)
    outcome = _record_all(uow, caller, worker_id, [visit], rules)[0]
    if isinstance(outcome, DomainError):
        raise outcome
    if isinstance(outcome, _Clash):
        raise outcome.conflict
    with uow:
        return Recorded(_read(uow, outcome.visit_id), outcome.created)


def sync(
    uow: UnitOfWork,
    *,
    caller: Caller,
    items: Sequence[VisitInput | Rejected],
    rules: FieldRules = DEFAULT_RULES,
) -> list[SyncResult]:
    """Records kept offline, in any order, with duplicates and retries: one result per item, in order."""
    worker_id = _worker_of(caller)
    if len(items) > rules.max_sync_records:
        raise Invalid("输入有误", errors={"records": [f"一次最多同步 {rules.max_sync_records} 条"]})
    visits = [item for item in items if isinstance(item, VisitInput)]
    outcomes = iter(_record_all(uow, caller, worker_id, visits, rules))
    results = []
    for item in items:
        if isinstance(item, Rejected):
            results.append(SyncResult(item.client_id, SyncStatus.REJECTED, errors=item.errors))
            continue
        outcome = next(outcomes)
        if isinstance(outcome, _Stored):
            status = SyncStatus.CREATED if outcome.created else SyncStatus.DUPLICATE
            results.append(SyncResult(item.client_id, status, outcome.visit_id, advice=outcome.advice))
        elif isinstance(outcome, _Clash):
            errors = outcome.conflict.errors
            results.append(SyncResult(item.client_id, SyncStatus.CONFLICT, outcome.own_visit_id, errors))
        else:
            errors = outcome.errors or {"_schema": [outcome.message]}
            results.append(SyncResult(item.client_id, SyncStatus.REJECTED, errors=errors))
    return results


def get_visit(uow: UnitOfWork, *, caller: Caller, visit_id: int) -> VisitRead:
    """A worker's own record."""
    worker_id = _worker_of(caller)
    with uow:
        record = uow.visits.get(visit_id)
        if record is None or record.worker_id != worker_id:
            raise NotFound("探访记录不存在")
        return _read(uow, record.id)


def _worker_of(caller: Caller) -> int:
    require_people_reader(caller)
    if caller.worker_id is None:
        raise Forbidden("只有工作人员可以记录探访")
    return caller.worker_id


def _record_all(
    uow: UnitOfWork, caller: Caller, worker_id: int, visits: Sequence[VisitInput], rules: FieldRules
) -> list[_Stored | _Clash | DomainError]:
    checked: list[recording.Prepared | _Stored | _Clash | DomainError] = []
    with uow:
        stored = uow.visits.by_client_ids(v.client_id for v in visits)
        follow_ups = uow.visits.follow_up_kinds_of(record.id for record in stored.values())
        planned = uow.visits.planned(v.planned_visit_id for v in visits if v.planned_visit_id is not None)
        own = {pv.elder_id for pv, _month in planned.values() if pv.worker_id == worker_id}
        asked = {v.elder_id for v in visits if v.elder_id is not None and v.planned_visit_id is None}
        visible = uow.elders.visible_ids(caller.scope, asked)
        elders = uow.elders.by_ids(own | visible)
        now = uow.clock.now()
        fresh = [v for v in visits if v.client_id not in stored]
        contexts = _doorstep_contexts(uow, fresh, worker_id, planned, elders)
        for visit in visits:
            try:
                # Times first: they bound the dates the hash and the month are computed from.
                recording.check_times(visit, now, rules)
                body_hash = visit.body_hash()
                if visit.client_id in stored:
                    record = stored[visit.client_id]
                    clash = _same_or_conflict(record, body_hash, worker_id, follow_ups.get(record.id, []))
                    checked.append(clash)
                    continue
                context = contexts.get(visit.client_id, NO_CONTEXT)
                checked.append(
                    recording.prepare(visit, body_hash, worker_id, planned, elders, now, rules, context)
                )
            except (Invalid, NotFound) as error:
                checked.append(error)
    return [_write(uow, item) if isinstance(item, recording.Prepared) else item for item in checked]


def _doorstep_contexts(
    uow: UnitOfWork,
    visits: Sequence[VisitInput],
    worker_id: int,
    planned: dict[int, tuple[PlannedVisit, Month]],
    elders: dict[int, Elder],
) -> dict[str, DoorstepContext]:
    """Per new record (client_id), what the rules of a call after an empty doorstep need: whether a home
    visit nobody answered is its window's last try, and whether a call follows such a visit the same day
    (stored earlier, or earlier in this batch: an offline phone sends both at once). A fixed handful of
    queries for the whole batch; a record whose person is unknown is left to `prepare` to refuse."""
    whose: dict[str, tuple[Elder, date, str | None]] = {}
    for visit in visits:
        found = _whose(visit, worker_id, planned, elders)
        if found is not None:
            whose[visit.client_id] = found
    doors = [
        v
        for v in visits
        if v.client_id in whose and v.kind is VisitKind.HOME and v.outcome is VisitOutcome.NOT_HOME
    ]
    calls = [v for v in visits if v.client_id in whose and v.kind is VisitKind.PHONE]
    by_month: dict[Month, dict[int, Elder]] = {}
    for visit in doors:
        elder, day, _ = whose[visit.client_id]
        by_month.setdefault(Month.of(day), {})[elder.id] = elder
    latest: dict[tuple[Month, int], dict[str, date]] = {}
    for month, people in by_month.items():
        for elder_id, days in last_days(uow, month, people.values()).items():
            latest[(month, elder_id)] = days
    contexts: dict[str, DoorstepContext] = {}
    empty_doors: list[tuple[int, date, datetime]] = []  # (person, day, started) of last-chance not-at-homes
    for visit in doors:
        elder, day, obligation = whose[visit.client_id]
        if is_last_chance(latest.get((Month.of(day), elder.id), {}), day, obligation):
            contexts[visit.client_id] = DoorstepContext(last_chance=True)
            empty_doors.append((elder.id, day, visit.started_at))
    if calls:
        first_day = min(whose[v.client_id][1] for v in calls)
        called = sorted({whose[v.client_id][0].id for v in calls})
        empty_doors += [
            (r.elder_id, r.day, r.started_at)
            for r in uow.visits.of_elders_since(called, first_day)
            if r.counts
            and r.kind is VisitKind.HOME
            and r.outcome is VisitOutcome.NOT_HOME
            and (r.findings or {}).get(LAST_CHANCE_MARK)
        ]
    for visit in calls:
        elder, day, _ = whose[visit.client_id]
        if any(p == elder.id and d == day and at <= visit.started_at for p, d, at in empty_doors):
            contexts[visit.client_id] = DoorstepContext(after_empty_doorstep=True)
    return contexts


def _whose(
    visit: VisitInput,
    worker_id: int,
    planned: dict[int, tuple[PlannedVisit, Month]],
    elders: dict[int, Elder],
) -> tuple[Elder, date, str | None] | None:
    """The person, the local day and the obligation of the planned visit, when they can be told."""
    day = visit.started_at.astimezone(SHANGHAI).date()
    if visit.planned_visit_id is not None:
        found = planned.get(visit.planned_visit_id)
        if found is None or found[0].worker_id != worker_id or found[0].elder_id not in elders:
            return None
        return elders[found[0].elder_id], day, found[0].obligation
    elder = elders.get(visit.elder_id) if visit.elder_id is not None else None
    return None if elder is None else (elder, day, None)


def _write(uow: UnitOfWork, item: recording.Prepared) -> _Stored | _Clash:
    try:
        with uow:
            record = recording.new_record(item)
            uow.visits.add(record)
            uow.visits.add_all(recording.children(item, record.id))
            if item.home is not None:
                home_location.confirm(uow, item.home, visit_id=record.id)
            uow.commit()
            return _Stored(record.id, created=True, advice=item.consequences.advice)
    except IntegrityError:
        pass  # another request stored this client_id first; what it stored decides below
    with uow:
        stored = uow.visits.by_client_ids([item.visit.client_id]).get(item.visit.client_id)
        if stored is None:
            raise RuntimeError("a visit record failed to insert for a reason other than its client_id")
        follow_ups = uow.visits.follow_up_kinds_of([stored.id]).get(stored.id, [])
        return _same_or_conflict(stored, item.body_hash, item.worker_id, follow_ups)


def _same_or_conflict(
    stored: VisitRecord, body_hash: str, worker_id: int, follow_up_kinds: list[str]
) -> _Stored | _Clash:
    if stored.body_hash == body_hash:
        advice = advice_for(stored.outcome, stored.kind, follow_up_kinds, last_chance=_marked(stored))
        return _Stored(stored.id, created=False, advice=advice)
    conflict = Conflict(
        "该 client_id 已用于另一条记录",
        code="client_id_reused",
        errors={"client_id": ["已用于内容不同的另一条记录"]},
    )
    return _Clash(conflict, stored.id if stored.worker_id == worker_id else None)


def _read(uow: UnitOfWork, visit_id: int) -> VisitRead:
    record = uow.visits.get(visit_id)
    if record is None:
        raise NotFound("探访记录不存在")
    follow_ups = uow.visits.follow_ups_of(record.id)
    proposal = uow.visits.proposal_of(record.id)
    return VisitRead(
        id=record.id,
        client_id=record.client_id,
        elder_id=record.elder_id,
        worker_id=record.worker_id,
        planned_visit_id=record.planned_visit_id,
        kind=record.kind,
        outcome=record.outcome,
        started_at=record.started_at,
        ended_at=record.ended_at,
        month=record.month,
        day=record.day,
        state=record.state,
        counts=record.counts,
        received_at=record.received_at,
        distance_m=record.distance_m,
        flags=[f.kind for f in uow.visits.flags_of(record.id)],
        follow_ups=[FollowUpRead(f.id, f.kind, f.urgent) for f in follow_ups],
        status_proposal=None
        if proposal is None
        else ProposalRead(proposal.id, proposal.to_status, proposal.proposed_date),
        advice=list(
            advice_for(record.outcome, record.kind, (f.kind for f in follow_ups), last_chance=_marked(record))
        ),
    )


def _marked(record: VisitRecord) -> bool:
    return bool((record.findings or {}).get(LAST_CHANCE_MARK))
