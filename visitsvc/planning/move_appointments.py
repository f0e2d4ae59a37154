"""A supervisor's move of a visit fixed by an appointment (预约, docs/adr/0019): warned first (409
`appointment`, naming the agreed time), then, confirmed, kept at the agreed time by a colleague on the same
day, or cancelled when the visit goes to another day (the person is to be called again)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, time

from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict
from visitsvc.model import Appointment, AppointmentState, PlannedVisit, VisitKind
from visitsvc.planning.route_problems import Home


@dataclass(frozen=True, slots=True)
class Moving:
    row: PlannedVisit
    day: date  # where it goes
    field: str  # where an error about it is reported


def agreed_of(uow: UnitOfWork, moving: Sequence[Moving], *, confirm: bool) -> dict[int, Appointment]:
    """Moved rows (by id) that an appointment fixes (a home visit on its agreed day): 409 unless confirmed."""
    homes = [m for m in moving if m.row.kind is VisitKind.HOME]
    if not homes:
        return {}
    first, last = min(m.row.day for m in homes), max(m.row.day for m in homes)
    found = {
        (a.elder_id, a.day): a
        for a in uow.appointments.agreed_between({m.row.elder_id for m in homes}, first, last)
    }
    agreed = {
        m.row.id: found[(m.row.elder_id, m.row.day)] for m in homes if (m.row.elder_id, m.row.day) in found
    }
    if agreed and not confirm:
        first_hit = next(m for m in moving if m.row.id in agreed)
        a = agreed[first_hit.row.id]
        agreed_text = f"已与老人约定 {a.day} {_hhmm(a.window_start)}-{_hhmm(a.window_end)} 上门"
        message = f"{agreed_text}；确认移动请加 confirm"
        # The field's first message is the agreement alone: the console words the confirming click itself.
        raise Conflict(message, code="appointment", errors={first_hit.field: [agreed_text, message]})
    return agreed


def with_agreed_hours(
    homes: dict[int, Home], moving: Sequence[Moving], agreed: dict[int, Appointment]
) -> dict[int, Home]:
    """Homes whose visit stays on its agreed day (with a colleague): the agreed window stands in for the
    person's preferred hours, so the receiving day is sequenced to keep it."""
    result = dict(homes)
    for m in moving:
        a = agreed.get(m.row.id)
        if a is not None and m.day == a.day and a.window_start and a.window_end:
            result[m.row.elder_id] = replace(result[m.row.elder_id], preferred=(a.window_start, a.window_end))
    return result


def broken(moving: Sequence[Moving], agreed: dict[int, Appointment]) -> list[int]:
    """The appointments (ids) of visits confirmed to another day."""
    return [agreed[m.row.id].id for m in moving if m.row.id in agreed and m.day != agreed[m.row.id].day]


def cancel(uow: UnitOfWork, caller: Caller, appointment_ids: Sequence[int]) -> None:
    """Moved off the agreed day on purpose: nobody is expected then; the person is called again. Inside the
    move's own transaction, audited with it."""
    for appointment_id in appointment_ids:
        appointment = uow.appointments.get(caller.scope, appointment_id)
        if appointment is not None and appointment.state is AppointmentState.AGREED:
            appointment.state = AppointmentState.CANCELLED
            appointment.cancelled_at, appointment.cancelled_by = uow.clock.now(), caller.worker_id


def _hhmm(moment: time | None) -> str:
    return "" if moment is None else moment.strftime("%H:%M")
