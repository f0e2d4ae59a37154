"""A supervisor's manual moves: planned visits to another worker or day, written as a new plan version.

Each receiving worker's day is rebuilt as a `routing.Problem` (plan_problems.build, one shift), re-sequenced
by a small solve and proved by `routing.check`; a day that does not work is refused with what breaks it.
The new version (trigger "manual") carries every other row over unchanged and pins the moved ones, which
every later re-plan keeps. The month's planning lease is held throughout, so a move and a plan run never
interleave (docs/adr/0005).
"""

from __future__ import annotations

import time as clock_time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from visitsvc.access.scoping import Caller, require_supervisor
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import Conflict, Invalid, NotFound
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import (
    Absence,
    Elder,
    PlannedVisit,
    PlanVersion,
    Role,
    UnplannedVisit,
    VisitKind,
    Worker,
)
from visitsvc.planning import move_appointments
from visitsvc.planning.day_route import DayRefused, DayStop, Placed, resequence
from visitsvc.planning.month_facts import elder_facts, home_of, worker_facts
from visitsvc.planning.month_lease import hold_month, release_month
from visitsvc.planning.move_appointments import Moving
from visitsvc.planning.plan_versions import copy_row, copy_unplanned
from visitsvc.planning.policy import obligations
from visitsvc.planning.route_problems import Home, PlanningSettings

DEFAULT_SETTINGS = PlanningSettings()
LEASE_ATTEMPTS = 10  # half a second apart: a running plan makes the move answer 409 rather than hang


@dataclass(frozen=True, slots=True)
class Move:
    planned_visit_id: int
    to_worker_id: int | None = None
    to_date: date | None = None


@dataclass(frozen=True, slots=True)
class MoveAll:
    """All of a worker's remaining visits (from `from_date`, never before today) to another worker."""

    from_worker_id: int
    to_worker_id: int
    from_date: date | None = None


@dataclass(frozen=True, slots=True)
class MovedRead:
    from_planned_visit_id: int
    planned_visit_id: int
    elder_id: int
    kind: VisitKind
    from_worker_id: int
    from_date: date
    worker_id: int
    date: date
    seq: int
    arrival: time | None


@dataclass(frozen=True, slots=True)
class MovesRead:
    month: str
    version: int
    version_id: int
    moved: list[MovedRead]


@dataclass(frozen=True, slots=True)
class _Target:
    row: PlannedVisit
    worker: Worker
    day: date
    field: str  # where an error about this move is reported


@dataclass
class _Read:
    latest: PlanVersion
    rows: list[PlannedVisit]
    unplanned: list[UnplannedVisit]
    targets: list[_Target]
    homes: dict[int, Home]
    grid_of: dict[int, int]
    broken: list[int] = field(default_factory=list)  # appointments of confirmed moves off their agreed day


def move_visits(
    uow: UnitOfWork,
    *,
    caller: Caller,
    month: Month,
    moves: Sequence[Move] | MoveAll,
    settings: PlanningSettings = DEFAULT_SETTINGS,
    wait: Callable[[float], None] = clock_time.sleep,
    confirm: bool = False,
) -> MovesRead:
    """`confirm`: move visits fixed by an appointment (预约) all the same; without it such a move is a 409
    `appointment` naming the agreed time. Moved to another day, the appointment is cancelled (the person is
    to be called again); to a colleague on the same day, the colleague keeps the agreed time."""
    require_supervisor(caller)
    holder = uuid.uuid4().hex
    hold_month(uow, month, holder, wait=wait, attempts=LEASE_ATTEMPTS)
    try:
        read = _read(uow, caller, month, moves, confirm)
        return _write(uow, caller, month, read, _resequence(read, settings))
    finally:
        release_month(uow, month, holder)


def _read(
    uow: UnitOfWork, caller: Caller, month: Month, moves: Sequence[Move] | MoveAll, confirm: bool
) -> _Read:
    with uow:
        latest = uow.plans.latest(month)
        if latest is None:
            raise NotFound("该月尚无计划")
        rows = uow.plans.visits(latest.id)
        today = uow.clock.today()
        calendar = WorkCalendar(uow.calendar.days())
        if isinstance(moves, MoveAll):
            targets = _all_of(uow, caller, rows, moves, today)
        else:
            targets = _each(uow, caller, month, rows, moves, today)
        elders = uow.elders.by_ids({r.elder_id for r in rows})
        _check_days(uow, month, calendar, targets, elders, today)
        involved = {t.row.elder_id for t in targets} | {
            r.elder_id for r in rows if (r.worker_id, r.day) in {(t.worker.id, t.day) for t in targets}
        }
        homes = {i: home_of(elders[i]) for i in involved}
        moving = [Moving(t.row, t.day, t.field) for t in targets]
        agreed = move_appointments.agreed_of(uow, moving, confirm=confirm)
        homes = move_appointments.with_agreed_hours(homes, moving, agreed)
        return _Read(
            latest,
            rows,
            uow.plans.unplanned(latest.id),
            targets,
            homes,
            {e.id: e.grid_id for e in elders.values()},
            move_appointments.broken(moving, agreed),
        )


def _each(
    uow: UnitOfWork,
    caller: Caller,
    month: Month,
    rows: list[PlannedVisit],
    moves: Sequence[Move],
    today: date,
) -> list[_Target]:
    if not moves:
        raise Invalid("输入有误", errors={"moves": ["至少移动一次探访"]})
    by_id = {r.id: r for r in rows}
    seen: set[int] = set()
    visible = uow.elders.visible_ids(caller.scope, {r.elder_id for r in rows})
    targets = []
    for n, move in enumerate(moves):
        field = f"moves.{n}"
        if move.planned_visit_id in seen:
            raise Invalid("输入有误", errors={f"{field}.planned_visit_id": ["重复"]})
        seen.add(move.planned_visit_id)
        row = by_id.get(move.planned_visit_id)
        if row is None or row.elder_id not in visible:
            older = uow.visits.planned([move.planned_visit_id]).get(move.planned_visit_id)
            if row is None and older is not None and older[1] == month and older[0].elder_id in visible:
                raise Conflict(
                    "该计划探访不属于当前计划版本，请刷新后重试",
                    code="stale_plan",
                    errors={f"{field}.planned_visit_id": ["不属于当前计划版本"]},
                )
            raise NotFound("计划探访不存在", errors={f"{field}.planned_visit_id": ["计划探访不存在"]})
        if move.to_worker_id is None and move.to_date is None:
            raise Invalid("输入有误", errors={field: ["须给出 to_worker_id 或 to_date"]})
        worker = _worker(uow, caller, move.to_worker_id or row.worker_id, f"{field}.to_worker_id")
        day = move.to_date or row.day
        if row.day < today:
            raise Conflict(
                "已过去的计划探访不能移动", code="past_visit", errors={field: [f"计划日期 {row.day} 已过"]}
            )
        if worker.id == row.worker_id and day == row.day:
            raise Invalid("输入有误", errors={field: ["人员和日期都没有变化"]})
        targets.append(_Target(row, worker, day, field))
    return targets


def _all_of(
    uow: UnitOfWork, caller: Caller, rows: list[PlannedVisit], spec: MoveAll, today: date
) -> list[_Target]:
    giver = _worker(uow, caller, spec.from_worker_id, "from_worker_id")
    taker = _worker(uow, caller, spec.to_worker_id, "to_worker_id")
    if giver.id == taker.id:
        raise Invalid("输入有误", errors={"to_worker_id": ["与 from_worker_id 相同"]})
    first = max(spec.from_date or today, today)
    mine = [r for r in rows if r.worker_id == giver.id and r.day >= first]
    visible = uow.elders.visible_ids(caller.scope, {r.elder_id for r in mine})
    mine = [r for r in mine if r.elder_id in visible]
    if not mine:
        raise Invalid("输入有误", errors={"from_worker_id": [f"自 {first} 起没有可移动的计划探访"]})
    return [_Target(r, taker, r.day, "to_worker_id") for r in mine]


def _worker(uow: UnitOfWork, caller: Caller, worker_id: int, field: str) -> Worker:
    worker = uow.workers.get(caller.scope, worker_id)  # NotFound outside the scope
    if worker.role is not Role.GRID_WORKER or not worker.active:
        raise Invalid("输入有误", errors={field: ["须为在岗的网格员"]})
    return worker


def _check_days(
    uow: UnitOfWork,
    month: Month,
    calendar: WorkCalendar,
    targets: list[_Target],
    elders: dict[int, Elder],
    today: date,
) -> None:
    """What needs no solver: the month, the past, working days, absences, the owed visit's own window."""
    away: dict[int, list[Absence]] = defaultdict(list)
    for absence in uow.absences.overlapping(sorted({t.worker.id for t in targets}), month.first, month.last):
        away[absence.worker_id].append(absence)
    windows = _windows(uow, month, calendar, [t.row for t in targets], elders)
    for t in targets:
        date_field = f"{t.field}.to_date" if t.field.startswith("moves.") else t.field
        if t.day not in month:
            raise Invalid("输入有误", errors={date_field: [f"须在 {month} 内"]})
        if t.day < today:
            raise Invalid("输入有误", errors={date_field: ["不能移到已过去的日期"]})
        if not calendar.is_workday(t.day):
            raise Invalid("输入有误", errors={date_field: [f"{t.day} 不是工作日"]})
        if any(a.covers(t.day) for a in away[t.worker.id]):
            raise Conflict(
                f"{t.worker.name} 在 {t.day} 请假", code="worker_absent", errors={t.field: [f"{t.day} 请假"]}
            )
        window = windows.get((t.row.elder_id, t.row.obligation))
        if window is not None and not window[0] <= t.day <= window[1]:
            raise Conflict(
                "超出该次探访的应探访期限",
                code="outside_window",
                errors={date_field: [f"该次探访须在 {window[0]} 至 {window[1]} 之间"]},
            )


def _windows(
    uow: UnitOfWork, month: Month, calendar: WorkCalendar, rows: list[PlannedVisit], elders: dict[int, Elder]
) -> dict[tuple[int, str], tuple[date, date]]:
    """(elder, obligation) -> the days on which the policy owes that visit (a weekly visit: its week)."""
    ids = sorted({r.elder_id for r in rows})
    timelines = uow.status_timelines.of(ids)
    first = uow.plans.first(month)
    made_on = first.created_at.astimezone(SHANGHAI).date() if first else None
    found: dict[tuple[int, str], tuple[date, date]] = {}
    for i in ids:
        owed = obligations(elder_facts(elders[i], month, timelines[i]), month, calendar, plan_made_on=made_on)
        found.update({(i, o.key): (o.earliest, o.latest) for o in owed.owed})
    return found


@dataclass(frozen=True, slots=True)
class _Day:
    worker_id: int
    day: date
    placed: list[Placed]
    seconds: float


def _resequence(read: _Read, settings: PlanningSettings) -> list[_Day]:
    """Every receiving worker-day, rebuilt with what it keeps and what it receives, solved and checked."""
    moved = {t.row.id for t in read.targets}
    incoming: dict[tuple[int, date], list[_Target]] = defaultdict(list)
    for t in read.targets:
        incoming[(t.worker.id, t.day)].append(t)
    days = []
    for (worker_id, day), arriving in sorted(incoming.items(), key=lambda item: item[0]):
        staying = [r for r in read.rows if r.worker_id == worker_id and r.day == day and r.id not in moved]
        rows = [*staying, *(t.row for t in arriving)]
        stops = [DayStop(r.id, r.elder_id, r.kind, r.rule, r.obligation) for r in rows]
        worker = arriving[0].worker
        try:
            placed, seconds = resequence(worker_facts(worker), day, stops, read.homes, settings)
        except DayRefused as refused:
            fields = [t.field for t in arriving if not refused.keys or t.row.id in refused.keys]
            message = f"{worker.name} {refused.message}"
            raise Conflict(
                message, code=refused.code, errors={f: [message] for f in fields or ["moves"]}
            ) from None
        days.append(_Day(worker_id, day, placed, seconds))
    return days


def _write(uow: UnitOfWork, caller: Caller, month: Month, read: _Read, days: list[_Day]) -> MovesRead:
    placed = {p.key: (d.worker_id, d.day, p.seq, p.arrival) for d in days for p in d.placed}
    moved = {t.row.id: t for t in read.targets}
    new_rows: dict[int, PlannedVisit] = {}
    for row in read.rows:
        copy = copy_row(row)
        if row.id in placed:
            copy.worker_id, copy.day, copy.seq, copy.arrival = placed[row.id]
        if row.id in moved:
            copy.pinned = True
            # Another grid's person is the receiving worker's to see while the visit is theirs (scoping).
            grids = {g.id for g in moved[row.id].worker.grids}
            copy.moved = read.grid_of[row.elder_id] not in grids
        new_rows[row.id] = copy
    with uow:
        current = uow.plans.latest(month)
        if current is None or current.id != read.latest.id:
            raise Conflict("计划已被更新，请刷新后重试", code="plan_changed")
        version = PlanVersion(
            month=str(month),
            number=current.number + 1,
            area_path=current.area_path,
            trigger="manual",
            fingerprint=current.fingerprint,  # the inputs did not change: a plan run keeps this version
            created_at=uow.clock.now(),
            solver_seconds=round(sum(d.seconds for d in days), 2),
            planned_count=len(new_rows),
            unplanned_count=len(read.unplanned),
            substituted_count=current.substituted_count,
            calendar_warning=current.calendar_warning,
            summary={**current.summary, "manual_moves": len(moved)},
            # A move changes the problems of the workers it touches (a visit gone, a pin's minutes taken), so
            # their digests no longer match; everyone else's routes, and digests, stand (docs/adr/0018).
            worker_fingerprints=current.worker_fingerprints,
        )
        uow.plans.add(version, list(new_rows.values()), [copy_unplanned(u) for u in read.unplanned])
        uow.flush()
        move_appointments.cancel(uow, caller, read.broken)
        result = [_moved(t.row, new_rows[t.row.id]) for t in read.targets]
        audit.record(
            uow,
            caller,
            action="plan.move",
            record_type="plan",
            record_id=version.id,
            area_path=caller.scope.home_path,
            details={
                "month": str(month),
                "number": version.number,
                "moves": [
                    {
                        "elder_id": m.elder_id,
                        "from": [m.from_worker_id, m.from_date.isoformat()],
                        "to": [m.worker_id, m.date.isoformat()],
                    }
                    for m in result
                ],
                "appointments_cancelled": read.broken,
            },
        )
        uow.commit()
        return MovesRead(str(month), version.number, version.id, result)


def _moved(old: PlannedVisit, new: PlannedVisit) -> MovedRead:
    return MovedRead(
        old.id, new.id, old.elder_id, old.kind, old.worker_id, old.day, new.worker_id, new.day, new.seq,
        new.arrival,
    )  # fmt: skip
