"""Appointments (预约): a day and time window agreed with a person for their next home visit, recorded by a
worker on the phone (offline too, through `/me/sync`) or by the office; listed and cancelled.

Recorded exactly once per `client_id`, as visits are (ADR 0006): the same body again answers the stored
appointment, another body is a conflict. Scoped like the person: outside the caller's area, 404. A new agreed
appointment replaces the person's earlier agreed one from today on. Planning keeps what is agreed
(docs/adr/0019-appointments.md); the answer says which planned visit it fixed, if any, and whether it needs a
new date because the worker is away that day and no colleague could take it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.exc import IntegrityError

from visitsvc.access.scoping import Caller, Scope, require_people_reader
from visitsvc.accounts import audit
from visitsvc.field.appointment_input import AppointmentInput, CallResult, problems
from visitsvc.field.visit_input import Rejected
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict, Invalid, NotFound
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import Appointment, AppointmentState

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class RecordedBy:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class AppointmentRead:
    id: int
    client_id: str
    elder_id: int
    day: date
    window_start: time | None
    window_end: time | None
    state: AppointmentState
    note: str | None
    recorded_by: RecordedBy | None  # None: the system
    created_at: datetime
    planned_visit_id: int | None  # the home visit it fixed in the month's current plan
    needs_new_date: bool  # agreed, the worker is away that day and no colleague could take it


@dataclass(frozen=True, slots=True)
class Recorded:
    appointment: AppointmentRead
    created: bool


@dataclass(frozen=True, slots=True)
class AppointmentSyncResult:
    client_id: str | None
    status: str  # created | duplicate | conflict | invalid | not_found
    appointment_id: int | None = None
    errors: dict[str, list[str]] | None = None


def new_client_id() -> str:
    """The office records without a phone: the server makes the identity."""
    return str(uuid.uuid4())


def record_appointment(uow: UnitOfWork, *, caller: Caller, item: AppointmentInput) -> Recorded:
    """Store one appointment (or an unanswered call ahead). The same client_id and body again: the stored one,
    `created` False; another body: 409 `client_id_reused`; a person outside the caller's area: 404.

    Checked in one read-only transaction, written in another that starts with its INSERT (as visits are, ADR
    0006: on SQLite a transaction that read first could not write after another's commit); the unique
    client_id decides a race, whose loser answers as a retry would."""
    require_people_reader(caller)
    body_hash = item.body_hash()
    with uow:
        stored = uow.appointments.by_client_ids([item.client_id]).get(item.client_id)
        if stored is not None:
            return _recorded_before(uow, caller, stored, body_hash)
        elder = uow.elders.get(caller.scope, item.elder_id)  # NotFound outside the caller's area
        elder_id, area_path = elder.id, elder.grid.path
        today = uow.clock.today()
        errors = problems(item, today=today, calendar=WorkCalendar(uow.calendar.days()))
        if errors:
            raise Invalid("输入有误", errors=errors)
    agreed = item.result is CallResult.AGREED
    try:
        with uow:
            now = uow.clock.now()
            row = Appointment(
                client_id=item.client_id,
                body_hash=body_hash,
                elder_id=elder_id,
                recorded_by=caller.worker_id,
                state=AppointmentState.AGREED if agreed else AppointmentState.NO_ANSWER,
                day=item.day,
                month=str(Month.of(item.day)),
                window_start=item.window_start if agreed else None,
                window_end=item.window_end if agreed else None,
                note=item.note,
                created_at=now,
            )
            uow.appointments.add(row)
            replaced = (
                [a for a in uow.appointments.agreed_from(elder_id, today) if a.id != row.id] if agreed else []
            )
            for earlier in replaced:
                # One agreed visit at a time: the newest agreement is the one the person expects.
                earlier.state, earlier.cancelled_at, earlier.cancelled_by = (
                    AppointmentState.CANCELLED, now, caller.worker_id
                )  # fmt: skip
            audit.record(
                uow, caller, action="appointment.create", record_type="appointment", record_id=row.id,
                area_path=area_path,
                details={"elder_id": elder_id, "state": row.state.value, "day": row.day.isoformat(),
                         "window": _window_text(row), "replaced": [a.id for a in replaced]},
            )  # fmt: skip
            uow.commit()
            return Recorded(_reads(uow, [row])[0], created=True)
    except IntegrityError:
        pass  # another request stored this client_id first: what it stored decides below
    return _after_race(uow, caller, item.client_id, body_hash)


def _after_race(uow: UnitOfWork, caller: Caller, client_id: str, body_hash: str) -> Recorded:
    with uow:
        stored = uow.appointments.by_client_ids([client_id]).get(client_id)
        if stored is None:
            raise RuntimeError("an appointment failed to insert for a reason other than its client_id")
        return _recorded_before(uow, caller, stored, body_hash)


def _recorded_before(uow: UnitOfWork, caller: Caller, stored: Appointment, body_hash: str) -> Recorded:
    """A client_id already stored: answered as a retry, but only inside the caller's area (404 outside:
    another area's appointment is never shown for a guessed or reused client_id)."""
    _get(uow, caller, stored.id)
    _same_or_conflict(stored, body_hash)
    return Recorded(_reads(uow, [stored])[0], created=False)


def sync_appointments(
    uow: UnitOfWork, *, caller: Caller, items: Sequence[AppointmentInput | Rejected]
) -> list[AppointmentSyncResult]:
    """Appointments kept offline by a phone, each stored in its own transaction: one result per item, in
    order. A retry of a stored one is `duplicate`, so an appointment made offline arrives once."""
    results = []
    for item in items:
        if isinstance(item, Rejected):
            results.append(AppointmentSyncResult(item.client_id, "invalid", errors=item.errors))
            continue
        try:
            recorded = record_appointment(uow, caller=caller, item=item)
        except NotFound:
            results.append(AppointmentSyncResult(item.client_id, "not_found"))
        except Invalid as error:
            results.append(AppointmentSyncResult(item.client_id, "invalid", errors=error.errors))
        except Conflict as error:
            results.append(AppointmentSyncResult(item.client_id, "conflict", errors=error.errors))
        else:
            status = "created" if recorded.created else "duplicate"
            results.append(AppointmentSyncResult(item.client_id, status, recorded.appointment.id))
    return results


def list_appointments(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month | None = None,
    elder_id: int | None = None,
    worker_id: int | None = None,
    state: AppointmentState | None = None,
    limit: int = 50,
    after: int | None = None,
) -> tuple[list[AppointmentRead], int | None]:
    """The caller's people's appointments, oldest first; `worker_id`: of the people of that worker's grids
    (a worker outside the caller's area: 404)."""
    require_people_reader(caller)
    limit = min(limit, MAX_PAGE)
    with uow:
        also = None
        if worker_id is not None:
            worker = uow.workers.get(caller.scope, worker_id)  # NotFound outside the caller's area
            also = Scope(tuple(sorted(g.path for g in worker.grids)))
        rows = uow.appointments.page(
            caller.scope, also=also, month=None if month is None else str(month), elder_id=elder_id,
            state=state, limit=limit + 1, after_id=after,
        )  # fmt: skip
        page = rows[:limit]
        return _reads(uow, page), (page[-1].id if len(rows) > limit else None)


def get_appointment(uow: UnitOfWork, *, caller: Caller, appointment_id: int) -> AppointmentRead:
    require_people_reader(caller)
    with uow:
        return _reads(uow, [_get(uow, caller, appointment_id)])[0]


def cancel_appointment(uow: UnitOfWork, *, caller: Caller, appointment_id: int) -> AppointmentRead:
    """Call an agreed visit off: planning no longer keeps it. Cancelling a cancelled one changes nothing; an
    unanswered call is no appointment (409)."""
    require_people_reader(caller)
    with uow:
        row = _get(uow, caller, appointment_id)
        if row.state is AppointmentState.CANCELLED:
            return _reads(uow, [row])[0]
        if row.state is not AppointmentState.AGREED:
            raise Conflict("未接通的电话记录不能取消", code="not_agreed")
        row.state, row.cancelled_at, row.cancelled_by = (
            AppointmentState.CANCELLED, uow.clock.now(), caller.worker_id
        )  # fmt: skip
        elder = uow.elders.by_ids([row.elder_id])[row.elder_id]
        audit.record(
            uow, caller, action="appointment.cancel", record_type="appointment", record_id=row.id,
            area_path=elder.grid.path, details={"elder_id": row.elder_id, "day": row.day.isoformat()},
        )  # fmt: skip
        uow.commit()
        return _reads(uow, [row])[0]


def _get(uow: UnitOfWork, caller: Caller, appointment_id: int) -> Appointment:
    row = uow.appointments.get(caller.scope, appointment_id)
    if row is None:
        raise NotFound("预约不存在")
    return row


def _same_or_conflict(stored: Appointment, body_hash: str) -> None:
    if stored.body_hash != body_hash:
        raise Conflict(
            "该 client_id 已用于另一条预约",
            code="client_id_reused",
            errors={"client_id": ["已用于内容不同的另一条预约"]},
        )


def _window_text(row: Appointment) -> str | None:
    if row.window_start is None or row.window_end is None:
        return None
    return f"{row.window_start:%H:%M}-{row.window_end:%H:%M}"


def planned_visits(uow: UnitOfWork, rows: Sequence[Appointment]) -> dict[int, int]:
    """Appointment id -> the home visit on its day in its month's current plan (agreed ones only)."""
    result: dict[int, int] = {}
    by_month: dict[str, list[Appointment]] = {}
    for row in rows:
        if row.state is AppointmentState.AGREED:
            by_month.setdefault(row.month, []).append(row)
    for month, agreed in by_month.items():
        latest = uow.plans.latest(Month.parse(month))
        if latest is None:
            continue
        visits = uow.plans.home_visits_on(latest.id, [a.elder_id for a in agreed])
        on_day = {(v.elder_id, v.day): v.id for v in visits}
        for a in agreed:
            if (a.elder_id, a.day) in on_day:
                result[a.id] = on_day[(a.elder_id, a.day)]
    return result


def _reads(uow: UnitOfWork, rows: Sequence[Appointment]) -> list[AppointmentRead]:
    if not rows:
        return []
    today = uow.clock.today()
    fixed = planned_visits(uow, rows)
    elders = uow.elders.by_ids({r.elder_id for r in rows})
    open_agreed = [
        r for r in rows if r.state is AppointmentState.AGREED and r.day >= today and r.id not in fixed
    ]
    absent = uow.appointments.absent_grid_workers((elders[r.elder_id].grid_id, r.day) for r in open_agreed)
    names = uow.review.worker_names(r.recorded_by for r in rows if r.recorded_by is not None)
    return [
        AppointmentRead(
            id=r.id,
            client_id=r.client_id,
            elder_id=r.elder_id,
            day=r.day,
            window_start=r.window_start,
            window_end=r.window_end,
            state=r.state,
            note=r.note,
            recorded_by=None
            if r.recorded_by is None
            else RecordedBy(r.recorded_by, names.get(r.recorded_by, "")),
            created_at=r.created_at,
            planned_visit_id=fixed.get(r.id),
            needs_new_date=r in open_agreed and (elders[r.elder_id].grid_id, r.day) in absent,
        )
        for r in rows
    ]
