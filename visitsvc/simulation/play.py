"""A month played day by day through the services the API uses: the proof of the 100% coverage promise
(README, "Simulation"; docs/adr/0008).

Every day as the scheduler runs it: the nightly re-plan at 01:00 and the at-risk evaluation at 06:00. Every
working day: sick days arrive as same-morning absences and that worker's day is re-planned at once; workers
follow their routes and record what happened (`field`); supervisors confirm the status changes visits
reported, record discharges and register newcomers (`desk`). Time is a `FixedClock` moved forward step
by step; chance is one seeded `random.Random` (`draws`); solves stop on solution limits, not on time.
The month's coverage is then read from the coverage service, as the API does.

Run it on a copy only (`register_copy`): it writes outcomes that never happened.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import event

import routing
from visitsvc import scheduler
from visitsvc.access.scoping import Caller
from visitsvc.accounts import auth
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import AbsenceKind
from visitsvc.oversight import at_risk
from visitsvc.planning import month_plan, plan_reports, replanning
from visitsvc.planning.month_coverage import month_coverage
from visitsvc.planning.option_apply import apply_options
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import absences
from visitsvc.simulation import desk, register_copy
from visitsvc.simulation.calling_ahead import CallAheadLog, call_ahead_evening
from visitsvc.simulation.desk import Cast, DeskLog
from visitsvc.simulation.draws import Draws, Rates
from visitsvc.simulation.field import FieldLog, FieldWorker, play_day
from visitsvc.simulation.report import Events, Report, build_report

SYSTEM = Caller.system()
PLANNING_DAY = 25  # the scheduler plans next month on the 25th at 02:00
DEMO_SEEDED_ON = 20
VISITORS_STREAM = 19_000_019  # added to the seed: visitors' dice never shift the grid workers'
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class SimulationSettings:
    month: Month
    seed: int = 1
    rates: Rates = field(default_factory=Rates)
    # Production's own search (a descent within a budget per visit) is reproducible: the month played is the
    # month production would plan, the same on every machine.
    planning: PlanningSettings = field(default_factory=PlanningSettings)
    # Solution-limited solves give the same plans on a pool as in turn; a night with many workers to solve
    # again goes twice as fast on two cores, and a few solves stay serial (`plan_versions.executor_for`).
    # "process": one pool kept for the month.
    executor: str | Any = "process"
    # Options of planning day (issue 20) the office applies once the month is planned: "reach", "calls",
    # "hours"; the nightly re-plans keep them, as they keep them in production.
    remedies: tuple[str, ...] = ()


@dataclass
class _Month:
    """What the loop keeps between days."""

    settings: SimulationSettings
    cast: Cast
    workdays: list[date]
    draws: Draws
    fieldwork: FieldLog = field(default_factory=FieldLog)
    desk: DeskLog = field(default_factory=DeskLog)
    discharges: dict[date, list[int]] = field(default_factory=lambda: defaultdict(list))
    replan_seconds: list[float] = field(default_factory=list)
    guard_hit: list[dict[str, Any]] = field(
        default_factory=list
    )  # re-plans with a solve stopped by its guard
    sick_days: int = 0
    calls: CallAheadLog = field(default_factory=CallAheadLog)
    visitor_draws: Draws | None = None  # visitors' phones: a stream of their own (docs/adr/0029)


def run(
    settings: SimulationSettings,
    *,
    source_url: str | None,
    keep: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Simulate on a copy of the register at `source_url`, or with None on the demo district seeded five days
    before planning day; the copy is removed afterwards unless `keep` names where to leave it."""
    month = settings.month
    if source_url is None:
        seeded_on = month.previous().first.replace(day=DEMO_SEEDED_ON)
        place = register_copy.demo_database(as_of=seeded_on, keep=keep)
    else:
        place = register_copy.scratch_copy(source_url, keep=keep)
    with place as url:
        db.upgrade(url)  # the copy's schema, never the live one's
        engine = make_engine(url)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _throwaway)
        try:
            clock = FixedClock(datetime.combine(month.first, time(0, 0), SHANGHAI))
            return simulate(UnitOfWork(session_factory(engine), clock), clock, settings, progress=progress)
        finally:
            engine.dispose()


def _throwaway(dbapi_connection: Any, _record: object) -> None:
    """A copy thrown away at the end needs no durable commits: a fsync per visit recorded was a fifth of the
    simulation's time."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def simulate(
    uow: UnitOfWork, clock: FixedClock, settings: SimulationSettings, *, progress: Progress | None = None
) -> Report:
    """Play `settings.month` on the database behind `uow`, whose clock is `clock`; the month's report."""
    if settings.planning.time_per_worker is not None:
        raise ValueError("a simulation must not search by the clock: a time limit is not reproducible")
    if settings.executor != "process":
        return _month(uow, clock, settings, progress)
    # One pool for the month: a pool started for each night's solves cost a second or two each time.
    with routing.process_pool() as pool:
        return _month(uow, clock, replace(settings, executor=pool), progress)


def _month(
    uow: UnitOfWork, clock: FixedClock, settings: SimulationSettings, progress: Progress | None
) -> Report:
    month = settings.month
    clock.set(datetime.combine(month.previous().first.replace(day=PLANNING_DAY), time(2, 0), SHANGHAI))
    shortfall = _planning_day(uow, settings)
    clock.set(datetime.combine(month.first, time(0, 5), SHANGHAI))
    with uow:
        workdays = WorkCalendar(uow.calendar.days()).workdays(month)
    draws, visitor_draws = (
        Draws(settings.seed, settings.rates),
        Draws(settings.seed + VISITORS_STREAM, settings.rates),
    )
    state = _Month(settings, desk.read_cast(uow), workdays, draws, visitor_draws=visitor_draws)
    days = month.days()
    for done, day in enumerate(days, start=1):
        _play(uow, clock, state, day)
        if progress is not None:
            progress(done, len(days))
    clock.set(datetime.combine(month.last + timedelta(days=1), time(8, 0), SHANGHAI))
    coverage = month_coverage(uow, SYSTEM, month, today=month.last + timedelta(days=1))
    events = Events(
        outcomes=dict(sorted(state.fieldwork.outcomes.items())),
        follow_on_calls=state.fieldwork.follow_on_calls,
        sick_days=state.sick_days,
        registrations=state.desk.registrations,
        confirmed=dict(sorted(state.desk.confirmed.items())),
        discharges=state.desk.discharges,
        replans=len(state.replan_seconds),
        synced=state.fieldwork.synced,
        calls_ahead=state.calls.called,
        appointments=state.calls.agreed,
        appointments_on_another_day=state.calls.other_day,
        calls_ahead_unanswered=state.calls.no_answer,
    )
    return build_report(
        coverage,
        shortfall,
        replan_seconds=state.replan_seconds,
        travel_minutes=state.fieldwork.travel_minutes,
        events=events,
        guard_hit=state.guard_hit,
        remedies=list(settings.remedies),
        by_visitors=dict(state.fieldwork.by_visitors),
    )


def _planning_day(uow: UnitOfWork, settings: SimulationSettings) -> dict[str, Any]:
    """The month's plan as it stood on planning day: the stored one, else made now as the scheduler would."""
    if not plan_reports.list_versions(uow, caller=SYSTEM, month=settings.month):
        month_plan.plan_month(
            uow,
            caller=SYSTEM,
            month=settings.month,
            trigger="scheduler",
            executor=settings.executor,
            settings=settings.planning,
        )
    if settings.remedies:
        apply_options(
            uow, caller=SYSTEM, month=settings.month, kinds=settings.remedies, settings=settings.planning,
            executor=settings.executor,
        )  # fmt: skip
    return plan_reports.shortfall(uow, caller=SYSTEM, month=settings.month)


def _play(uow: UnitOfWork, clock: FixedClock, state: _Month, day: date) -> None:
    """One day as the scheduler, the phones and the office live it."""

    def at(hour: int, minute: int = 0) -> datetime:
        # Never back: a long field day may end after the office's evening work would start.
        return max(clock.now(), datetime.combine(day, time(hour, minute), SHANGHAI))

    clock.set(at(1, 0))  # the nightly job, as the scheduler runs it
    _replan(uow, state, scheduler.replanned_after(day))
    clock.set(at(6, 0))
    at_risk.evaluate_at_risk(uow, caller=SYSTEM, today=day)
    if day in state.workdays:
        clock.set(at(7, 30))
        away = _sick_mornings(uow, state, day)
        clock.set(at(8, 0))
        crew = [
            FieldWorker(w.id, auth.act_as(uow, caller=SYSTEM, worker_id=w.id), w.work_start)
            for w in state.cast.field_workers
            if w.id not in away
        ]
        # Visitors' phones play beside the grid workers'; the evening's calls ahead stay the grid workers'.
        play_day(uow, clock, state.draws, crew + _visitors_at_work(uow, state, day), day, state.fieldwork)
        clock.set(at(18, 0))
        later = [d for d in state.workdays if d > day]
        if later:
            after = later[1] if len(later) > 1 else None
            call_ahead_evening(uow, state.draws, crew, later[0], after, state.calls)
        clock.set(at(18, 45))
        desk.register_newcomers(uow, state.cast, state.draws, day, len(state.workdays), state.desk)
    elif state.cast.visitors:
        # A volunteer's weekend: their phones play the routes of the days they chose (no calls ahead).
        clock.set(at(8, 0))
        play_day(uow, clock, state.draws, _visitors_at_work(uow, state, day), day, state.fieldwork)
    clock.set(at(19, 0))
    confirmed = desk.confirm_proposals(
        uow, state.cast, state.desk, state.draws, state.fieldwork.seen, state.settings.month.first
    )
    for elder_id in confirmed:
        state.discharges[day + timedelta(days=state.draws.stay_days())].append(elder_id)
    desk.discharge(uow, state.cast, state.discharges.pop(day, []), day, state.desk)


def _sick_mornings(uow: UnitOfWork, state: _Month, day: date) -> set[int]:
    """Who stays home today: the absent, and those reporting sick now (their day is re-planned at once)."""
    away = set()
    for worker in state.cast.field_workers:
        sick = state.draws.sick()  # drawn for everyone, so one worker's leave does not shift the others' dice
        if _absent(uow, worker.id, day):
            away.add(worker.id)
            continue
        if not sick:
            continue
        me = auth.act_as(uow, caller=SYSTEM, worker_id=worker.id)
        absences.add_absence(
            uow, caller=me, worker_id=worker.id, first_day=day, last_day=day, kind=AbsenceKind.SICK,
            note="早上报病假（模拟）",
        )  # fmt: skip
        state.sick_days += 1
        away.add(worker.id)
        supervisor = state.cast.supervisor_for(worker.grid_codes[0]) if worker.grid_codes else SYSTEM
        _replan(uow, state, day, worker_id=worker.id, caller=supervisor)
    return away


def _visitors_at_work(uow: UnitOfWork, state: _Month, day: date) -> list[FieldWorker]:
    """The visitors' phones of the day, but those on leave: a visitor's day off is no sick draw (the register
    records grid workers' sick days; what a visitor cannot make comes back to the grid's worker anyway)."""
    return [
        FieldWorker(
            v.id,
            auth.act_as(uow, caller=SYSTEM, worker_id=v.id),
            v.work_start,
            visitor=True,
            draws=state.visitor_draws,
        )
        for v in state.cast.visitors
        if not _absent(uow, v.id, day)
    ]


def _absent(uow: UnitOfWork, worker_id: int, day: date) -> bool:
    try:
        taken = absences.list_absences(uow, caller=SYSTEM, worker_id=worker_id)
    except NotFound:
        return True
    return any(a.covers(day) for a in taken)


def _replan(
    uow: UnitOfWork, state: _Month, day: date, *, worker_id: int | None = None, caller: Caller = SYSTEM
) -> None:
    outcome = replanning.replan(
        uow,
        caller=caller,
        today=day,
        worker_id=worker_id,
        settings=state.settings.planning,
        executor=state.settings.executor,
    )
    state.replan_seconds.append(outcome.seconds)
    if outcome.guard_hit:
        state.guard_hit.append({"run": day.isoformat(), "workers": outcome.guard_hit})
