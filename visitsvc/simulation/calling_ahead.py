"""The evening's calls ahead (明日需预约) of a simulated working day: each worker calls a share of the next
working day's home visits that have no appointment, as the phone app's call-ahead list offers them, and
records what the person said through the appointments service, as the phone's outbox sends it.

A person reached agrees to be home at the planned time (a window of an hour either side), or names the
next working day instead when the visit's window allows it (no later than the stop's `last_day`); a call
nobody answers is recorded as such. The nightly re-plan then keeps each agreed visit on its day and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from visitsvc.field import appointments, call_ahead
from visitsvc.field.appointment_input import AppointmentInput, CallResult
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.simulation.draws import Draws
from visitsvc.simulation.field import FieldWorker

EITHER_SIDE = timedelta(hours=1)
EARLIEST, LATEST = time(7, 0), time(20, 0)
ANY_TIME = (time(9, 0), time(17, 0))  # a stop with no planned arrival: the working day


@dataclass
class CallAheadLog:
    called: int = 0
    agreed: int = 0
    other_day: int = 0  # of `agreed`: the person named the working day after
    no_answer: int = 0


def call_ahead_evening(
    uow: UnitOfWork,
    draws: Draws,
    crew: list[FieldWorker],
    tomorrow: date,
    after: date | None,
    log: CallAheadLog,
) -> None:
    """`tomorrow` is the next working day, `after` the one after it (None: the month ends first)."""
    for worker in crew:
        todo = call_ahead.call_ahead(uow, caller=worker.caller, day=tomorrow)
        for stop in todo.stops:
            if not draws.calls_ahead():
                continue
            log.called += 1
            if not draws.answers():
                log.no_answer += 1
                item = AppointmentInput(
                    draws.client_id(), stop.elder.id, tomorrow, result=CallResult.NO_ANSWER
                )
            else:
                day = tomorrow
                if (
                    draws.names_another_day()
                    and after is not None
                    and stop.last_day
                    and after <= stop.last_day
                ):
                    day = after
                    log.other_day += 1
                start, end = _window(stop.planned_arrival)
                item = AppointmentInput(
                    draws.client_id(), stop.elder.id, day, start, end, note="电话预约（模拟）"
                )
                log.agreed += 1
            appointments.record_appointment(uow, caller=worker.caller, item=item)


def _window(arrival: time | None) -> tuple[time, time]:
    if arrival is None:
        return ANY_TIME
    moment = datetime.combine(date(2000, 1, 1), arrival)
    start = max((moment - EITHER_SIDE).time(), EARLIEST)
    end = min((moment + EITHER_SIDE).time(), LATEST)
    return start, end
