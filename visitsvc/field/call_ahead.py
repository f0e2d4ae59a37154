"""明日需预约: a worker's home visits of the next working day that have no agreed appointment yet, to call
ahead and agree a time (or note that nobody answered).

The phone shows each person's number unmasked, as on the route: it is the worker's own stop and the call is
the point of the list; each number shown is audited once per worker, person and day, as the route's are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from visitsvc.access.scoping import Caller, require_people_reader
from visitsvc.accounts import audit
from visitsvc.field.todays_route import PHONE_SHOWN
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import Forbidden, invalid_field
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import VisitKind
from visitsvc.planning.last_chance import last_day_of, last_days


@dataclass(frozen=True, slots=True)
class CallElder:
    id: int
    name: str
    phone: str | None  # unmasked: the caller's own stop
    address: str


@dataclass(frozen=True, slots=True)
class LastCall:
    at: datetime
    result: str  # no_answer


@dataclass(frozen=True, slots=True)
class CallStop:
    visit_id: int
    elder: CallElder
    planned_arrival: time | None
    last_call: LastCall | None
    # The last working day the visit's window allows: "come on day D instead" may name no later day, and on
    # this day itself there is none to name.
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class CallAheadList:
    date: date
    stops: list[CallStop]


def call_ahead(uow: UnitOfWork, *, caller: Caller, day: date | None = None) -> CallAheadList:
    """The caller's home stops of `day` (default: the next working day after today) in route order, but for
    those whose person agreed a time for that day; with the last call ahead for it nobody answered."""
    require_people_reader(caller)
    if caller.worker_id is None:
        raise Forbidden("只有网格员有电话预约清单")
    with uow:
        if day is None:
            # The first working day after today, also when today is not one (a Sunday's is Monday).
            day = WorkCalendar(uow.calendar.days()).add_workdays(uow.clock.today() + timedelta(days=1), 0)
        try:
            month = Month.of(day)
        except ValueError:
            raise invalid_field("day", "日期超出范围") from None
        version = uow.plans.latest(month)
        if version is None:
            return CallAheadList(day, [])
        planned = [
            v for v in uow.visits.day_of(version.id, caller.worker_id, day) if v.kind is VisitKind.HOME
        ]
        ids = sorted({v.elder_id for v in planned})
        booked = {a.elder_id for a in uow.appointments.agreed_between(ids, day, day)}
        unbooked = [v for v in planned if v.elder_id not in booked]
        elders = uow.elders.by_ids({v.elder_id for v in unbooked})
        calls = uow.appointments.last_no_answer(elders, day)
        latest = last_days(uow, month, elders.values())
        stops = [
            CallStop(
                visit_id=v.id,
                elder=CallElder(
                    v.elder_id, elders[v.elder_id].name, elders[v.elder_id].phone, elders[v.elder_id].address
                ),
                planned_arrival=v.arrival,
                last_call=None
                if v.elder_id not in calls
                else LastCall(calls[v.elder_id].created_at, "no_answer"),
                last_day=last_day_of(latest.get(v.elder_id, {}), day, v.obligation),
            )
            for v in unbooked
        ]
        shown = [e for e in elders.values() if e.phone]
        midnight = datetime.combine(uow.clock.today(), time(), SHANGHAI).astimezone(UTC)
        done = uow.audit.record_ids_since(caller.worker_id, PHONE_SHOWN, midnight) if shown else set()
        unaudited = [(e.id, e.grid.path) for e in shown if str(e.id) not in done]
        result = CallAheadList(day, stops)
    if unaudited:
        # Its own transaction starting with its INSERTs, as the route's (ADR 0006).
        with uow:
            for elder_id, area_path in unaudited:
                audit.record(
                    uow,
                    caller,
                    action=PHONE_SHOWN,
                    record_type="elder",
                    record_id=elder_id,
                    area_path=area_path,
                )
            uow.commit()
    return result
