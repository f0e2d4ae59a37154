"""A re-plan's write: the new version (what was kept, what was solved again, what colleagues took on today),
or none when it would hold exactly what the current one holds; and the outcome the caller sees."""

from __future__ import annotations

import time as clock_time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import routing
from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model.planning import UnplannedVisit
from visitsvc.planning.plan_rows import MissingRow, NewVisit
from visitsvc.planning.plan_versions import (
    NewVersion,
    copy_unplanned,
    rows_of,
    store_version,
    summary,
    unplanned_row,
)
from visitsvc.planning.replan_decisions import Decision, changes, same_rows
from visitsvc.planning.replan_prints import Prints, expected_prints
from visitsvc.planning.replan_reading import ReplanRead
from visitsvc.planning.route_problems import PlanningSettings, WorkerMonth
from visitsvc.planning.today_handover import Handover

CAPACITY, NO_WORKING_DAY = "capacity", "no_working_day"


@dataclass
class ReplanOutcome:
    month: str
    today: date
    version: int
    version_id: int
    created: bool
    workers: int  # whose days after today were solved again
    moved: int  # owed visits now on another worker or day
    added: int  # planned again or for the first time: misses, not at home, newcomers, released
    removed: int  # no longer planned after today: settled, no longer owed, or now unplanned
    to_colleagues: int  # taken on by a worker of another grid
    unplanned: list[dict[str, Any]]
    seconds: float
    # Workers whose solve was stopped by its wall-clock guard (docs/adr/0024), whether or not a version came.
    guard_hit: list[int] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.moved + self.added + self.removed

    def as_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "today": self.today.isoformat(),
            "version": self.version,
            "created": self.created,
            "workers": self.workers,
            "moved": self.moved,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "to_colleagues": self.to_colleagues,
            "unplanned": self.unplanned,
            "seconds": self.seconds,
            "guard_hit": self.guard_hit,
        }


@dataclass(frozen=True, slots=True)
class Replanned:
    """What the solve made of a `ReplanRead`."""

    fingerprint: str
    decision: Decision  # after today's handover
    handover: Handover  # what colleagues took on today
    solved: list[tuple[WorkerMonth, routing.Plan]]  # the workers solved again
    settings: PlanningSettings
    guard_hit: tuple[int, ...] = ()  # workers whose solve, first or final, was stopped by its guard


def write_replan(
    uow: UnitOfWork, caller: Caller, read: ReplanRead, done: Replanned, started: float
) -> ReplanOutcome:
    register, decision, handover = read.register, done.decision, done.handover
    months, plans = [m for m, _ in done.solved], [p for _, p in done.solved]
    rows = rows_of(
        months, plans, facts=register.facts, grid_of=register.grid_of, grid_path=register.grid_path,
        workdays=read.future, rules=read.register.rules, seen_at_home=read.seen_at_home,
    )  # fmt: skip
    ids = {m.worker.id for m in months}
    # A colleague who was offered nothing keeps every row, today's too.
    kept = [*decision.kept, *(r for r in [*decision.dropped, *decision.released] if r.worker_id not in ids)]
    after = handover.seq  # a colleague's desk calls of today come after the visits they took on
    visits = [NewVisit.carried(r, seq=after.get(id(r))) for r in [*read.outside, *kept]]
    visits += rows.visits + handover.rows
    unplanned = [
        copy_unplanned(u) for u in read.previous_unplanned if _still_unplanned(u, read, decision, ids)
    ]
    unplanned += [unplanned_row(o, register.grid_of[o.elder_id][0], reason) for o, reason in rows.missing]
    for owner, items in decision.no_day.items():
        if owner is None or owner in ids:
            reason = "no_worker" if owner is None else "no_working_day"
            unplanned += [unplanned_row(o, register.grid_of[o.elder_id][0], reason) for o in items]
    unplanned = first_reasons(read.previous_unplanned, unplanned)
    if same_rows([*read.outside, *read.previous], read.previous_unplanned, visits, unplanned):
        return unchanged(uow, read, started)
    counts = changes(read.previous, decision.released, visits, read.today)
    grid_months = [m for m in months if not m.worker.visitor]
    grids = summary(
        [v for v in visits if v.elder_id in register.homes], unplanned, register.grid_of, grid_months
    )["grids"]
    new = NewVersion(
        month=read.month,
        area_path=read.area_path,
        trigger="replan",
        fingerprint=done.fingerprint,
        solver_seconds=round(sum(p.stats.wall_time for p in plans), 2),
        substituted=sum(1 for v in visits if v.substituted),
        calendar_warning=read.calendar_warning,
        worker_fingerprints=_prints(read, done),
        summary={
            **read.latest_summary,
            "grids": {**read.latest_summary.get("grids", {}), **grids},
            "moved": len(rows.moved),
            "replan": {"today": read.today.isoformat(), **counts},
            "guard_hit": list(done.guard_hit),
        },
    )
    version_id = store_version(uow, caller, new, visits, unplanned, expected_latest=read.latest_id)
    return _outcome(uow, read, version_id, created=True, workers=len(ids), counts=counts,
                    to_colleagues=len(rows.moved) + len(handover.rows), started=started)  # fmt: skip


def _prints(read: ReplanRead, done: Replanned) -> dict[str, Prints]:
    """The workers solved now get their routes' digests; every other worker's routes, and digests, stand."""
    prints = dict(read.latest_prints)
    cuts = [read.today, *read.future]
    for month, plan in done.solved:
        expected = expected_prints(month, plan, read.register.homes, done.settings, cuts)
        if expected is None:
            prints.pop(str(month.worker.id), None)
        else:
            prints[str(month.worker.id)] = expected
    return prints


def first_reasons(previous: list[MissingRow], unplanned: list[UnplannedVisit]) -> list[UnplannedVisit]:
    """A visit left unplanned for capacity whose days have since passed is still a capacity miss: the cause
    named on the day it was first unplanned stands (the coverage promise names it early, with its reason),
    not the calendar that ran out while it waited. Only `no_working_day` is renamed; any other new reason
    (a person who now has no worker, say) says something new."""
    capacity = {(r.elder_id, r.obligation) for r in previous if r.reason == CAPACITY}
    for row in unplanned:
        if row.reason == NO_WORKING_DAY and (row.elder_id, row.obligation) in capacity:
            row.reason = CAPACITY
    return unplanned


def _still_unplanned(row: MissingRow, read: ReplanRead, decision: Decision, solved: set[int]) -> bool:
    """A previous version's unplanned visit stands unless this run looked at it again (or it is settled)."""
    if row.elder_id not in read.register.homes:
        return True  # outside the area
    key = (row.elder_id, row.obligation)
    if key not in decision.owner:
        return False  # settled, or no longer owed
    owner = decision.owner[key]
    return owner is not None and owner not in solved


def unchanged(uow: UnitOfWork, read: ReplanRead, started: float) -> ReplanOutcome:
    nothing = {"moved": 0, "added": 0, "removed": 0}
    return _outcome(uow, read, read.latest_id, created=False, workers=0, counts=nothing, to_colleagues=0,
                    started=started)  # fmt: skip


def _outcome(
    uow: UnitOfWork,
    read: ReplanRead,
    version_id: int,
    *,
    created: bool,
    workers: int,
    counts: dict[str, int],
    to_colleagues: int,
    started: float,
) -> ReplanOutcome:
    with uow:
        version = uow.plans.get(version_id)
        mine = [u for u in uow.plans.unplanned(version.id) if u.elder_id in read.register.homes]
        codes = dict(read.register.grid_of.values())
        unplanned = [
            {"elder_id": u.elder_id, "grid": codes.get(u.grid_id, ""), "obligation": u.obligation,
             "reason": u.reason}
            for u in sorted(mine, key=lambda u: (u.elder_id, u.obligation))
        ]  # fmt: skip
        return ReplanOutcome(
            month=version.month,
            today=read.today,
            version=version.number,
            version_id=version.id,
            created=created,
            workers=workers,
            moved=counts["moved"],
            added=counts["added"],
            removed=counts["removed"],
            to_colleagues=to_colleagues,
            unplanned=unplanned,
            seconds=round(clock_time.perf_counter() - started, 2),
        )
