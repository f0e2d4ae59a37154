"""One simulated working day in the field: every worker's phone fetches its route, goes door to door and
records what happened exactly as the phone app does, through the route and visits services.

The workers' days are interleaved by the time of each visit, so the injected clock only moves forward. A
phone that is online records at each door and acts on the advice it gets back (a phone fallback after a
refusal, a same-day call to a high-risk person not found, a call at once when nobody is home at a last-chance
stop); an offline one keeps its records, follows the same advice from what it knows (the route's
`last_chance`), and syncs in the evening.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from visitsvc.access.scoping import Caller
from visitsvc.field import todays_route as route_service
from visitsvc.field import visits
from visitsvc.field.outcomes import NOT_HOME_HIGH_RISK, Advice, advice_for
from visitsvc.field.visit_input import AnsweredBy, Position, VisitInput
from visitsvc.field.visits import SyncStatus
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.errors import DomainError
from visitsvc.model.enums import VisitKind
from visitsvc.model.visit import VisitOutcome
from visitsvc.simulation.draws import Draws

CALLS_FROM = time(15, 30)  # phone visits after the day's doors
EVENING_SYNC = time(18, 30)


class SimulationDefect(Exception):
    """A service refused what a phone would send: the simulation found a bug, not bad luck."""


@dataclass(frozen=True, slots=True)
class FieldWorker:
    id: int
    caller: Caller
    work_start: time
    visitor: bool = False  # a social worker's or a volunteer's phone (docs/adr/0029)
    draws: Draws | None = None  # their own stream (visitors'), else the day's


@dataclass(frozen=True, slots=True)
class _Task:
    elder_id: int
    kind: VisitKind
    planned_visit_id: int | None  # None: a follow-on call the phone makes on its own
    arrival: time | None
    location: tuple[float, float] | None
    high_risk: bool
    last_chance: bool = False  # the route's mark: nobody home means a call at once
    agreed: bool = False  # a time agreed ahead (预约): nobody home is rarer
    after_empty_doorstep: bool = False  # the call at once after a last-chance empty doorstep


@dataclass
class _Phone:
    worker: FieldWorker
    offline: bool
    tasks: deque[_Task]
    free_at: datetime
    draws: Draws
    kept: list[VisitInput] = field(default_factory=list)


@dataclass
class FieldLog:
    outcomes: Counter[str] = field(default_factory=Counter)
    follow_on_calls: int = 0
    synced: int = 0
    travel_minutes: int = 0
    seen: dict[int, date] = field(default_factory=dict)  # elder -> the last day a visit or a call found them
    by_visitors: Counter[str] = field(default_factory=Counter)  # kind:outcome recorded by visitors


def play_day(
    uow: UnitOfWork,
    clock: FixedClock,
    draws: Draws,
    crew: list[FieldWorker],
    day: date,
    log: FieldLog,
) -> None:
    phones: dict[int, _Phone] = {}
    for worker in crew:
        clock.set(_at(day, worker.work_start) - timedelta(minutes=15))
        day_route = route_service.day_route(uow, caller=worker.caller, day=day)
        log.travel_minutes += day_route.totals.travel_minutes
        tasks = deque(
            _Task(
                s.elder.id,
                s.kind,
                s.visit_id,
                s.planned_arrival,
                (s.location.lon, s.location.lat) if s.location else None,
                bool(s.elder.risk_notes),
                s.last_chance,
                agreed=s.appointment is not None,
            )
            for s in day_route.stops
        )
        own = worker.draws or draws
        phones[worker.id] = _Phone(worker, own.offline(), tasks, _at(day, worker.work_start), own)
    queue = [(_next_start(p, day, p.draws), worker_id) for worker_id, p in phones.items() if p.tasks]
    heapq.heapify(queue)
    while queue:
        start, worker_id = heapq.heappop(queue)
        phone = phones[worker_id]
        _visit(uow, clock, phone.draws, phone, phone.tasks.popleft(), start, log)
        if phone.tasks:
            heapq.heappush(queue, (_next_start(phone, day, phone.draws), worker_id))
    # Offline phones sync in the evening, or once their worker's last visit of a long day is over.
    last_visit_over = max((p.free_at for p in phones.values()), default=_at(day, EVENING_SYNC))
    clock.set(max(_at(day, EVENING_SYNC), last_visit_over + timedelta(minutes=1)))
    for phone in phones.values():
        if phone.kept:
            _sync(uow, phone, log)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, SHANGHAI)


def _next_start(phone: _Phone, day: date, draws: Draws) -> datetime:
    task = phone.tasks[0]
    if task.after_empty_doorstep:
        return phone.free_at + timedelta(minutes=1)  # at the door, at once
    if task.kind is VisitKind.HOME and task.arrival is not None:
        walk_on = phone.free_at + timedelta(minutes=5)
        return max(walk_on, _at(day, task.arrival) + draws.lateness())
    return max(phone.free_at + timedelta(minutes=1), _at(day, CALLS_FROM))


def _visit(
    uow: UnitOfWork,
    clock: FixedClock,
    draws: Draws,
    phone: _Phone,
    task: _Task,
    start: datetime,
    log: FieldLog,
) -> None:
    if task.planned_visit_id is None:
        outcome = VisitOutcome.VISITED if draws.answers() else VisitOutcome.UNREACHABLE
    else:
        outcome = draws.outcome(task.kind, agreed=task.agreed)
    log.outcomes[f"{task.kind.value}:{outcome.value}"] += 1
    if phone.worker.visitor:
        log.by_visitors[f"{task.kind.value}:{outcome.value}"] += 1
    if outcome is VisitOutcome.VISITED:
        log.seen[task.elder_id] = start.astimezone(SHANGHAI).date()
    end = start + timedelta(minutes=draws.minutes_on_site(task.kind, outcome))
    position = None
    if task.kind is VisitKind.HOME and task.location is not None:
        fix = draws.fix_near(*task.location)
        position = Position(fix.lon, fix.lat, fix.accuracy_m)
    visit = VisitInput(
        client_id=draws.client_id(),
        kind=task.kind,
        outcome=outcome,
        started_at=start,
        ended_at=end,
        planned_visit_id=task.planned_visit_id,
        elder_id=task.elder_id if task.planned_visit_id is None else None,
        location=position,
        # Who answered a call after an empty doorstep: the person (no share of family answers is modelled).
        answered_by=AnsweredBy.SELF
        if task.after_empty_doorstep and outcome is VisitOutcome.VISITED
        else None,
    )
    phone.free_at = end
    if phone.offline:
        phone.kept.append(visit)
        not_found = outcome is VisitOutcome.NOT_HOME and task.kind is VisitKind.HOME and task.high_risk
        kinds = [NOT_HOME_HIGH_RISK] if not_found else []
        advice = advice_for(outcome, task.kind, kinds, last_chance=task.last_chance)
    else:
        clock.set(end + timedelta(minutes=1))
        try:
            advice = tuple(visits.record_visit(uow, caller=phone.worker.caller, visit=visit).visit.advice)
        except DomainError as exc:
            raise SimulationDefect(
                f"worker {phone.worker.id}: {visit} refused: {exc.message} {exc.errors}"
            ) from exc
    if Advice.CALL_NOW in advice:
        # The last day the visit allows: the call is made at the door, before the next stop (and stands for
        # the same-day call to a high-risk person).
        log.follow_on_calls += 1
        call = _Task(
            task.elder_id, VisitKind.PHONE, None, None, None, task.high_risk, after_empty_doorstep=True
        )
        phone.tasks.appendleft(call)
    elif Advice.PHONE_FALLBACK in advice or Advice.PHONE_SAME_DAY in advice:
        log.follow_on_calls += 1
        phone.tasks.append(_Task(task.elder_id, VisitKind.PHONE, None, None, None, task.high_risk))


def _sync(uow: UnitOfWork, phone: _Phone, log: FieldLog) -> None:
    results = visits.sync(uow, caller=phone.worker.caller, items=phone.kept)
    refused = [r for r in results if r.status is not SyncStatus.CREATED]
    if refused:
        raise SimulationDefect(f"worker {phone.worker.id}: sync refused {refused}")
    log.synced += len(results)
