"""A same-morning absence: the day's visits that cannot wait go to colleagues today (docs/adr/0009).

Most of an absent worker's visits of today go to their own later days. A home visit whose window would then
leave its worker fewer than `later_tries` working days loses the tries a "not at home" needs, so a colleague
of the person's community, then street, takes it on today. It goes after the colleague's route as served,
which stays as it is (a fixed prefix: they may be out already); desk calls follow the new visits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time

import routing
from visitsvc.model import VisitKind
from visitsvc.planning import overflow
from visitsvc.planning.day_route import DayStop, day_problem
from visitsvc.planning.plan_rows import NewVisit, PlanRow
from visitsvc.planning.plan_versions import clock_of, options_of, planned_row
from visitsvc.planning.policy import Owed
from visitsvc.planning.reach import Point
from visitsvc.planning.replan_decisions import Decision, Key
from visitsvc.planning.route_problems import Home, PlanningSettings, WorkerFacts, WorkerMonth


@dataclass
class Handover:
    rows: list[NewVisit] = field(default_factory=list)  # colleagues' new rows of today
    seq: dict[int, int] = field(default_factory=dict)  # id(a colleague's desk call today) -> its new seq
    taken: dict[Key, int] = field(default_factory=dict)  # (elder, obligation) -> the colleague


def cannot_wait(
    decision: Decision,
    days_of: Mapping[int, Sequence[date]],
    today: date,
    settings: PlanningSettings,
    agreed_today: Collection[int] = (),
) -> list[Owed]:
    """Released home visits whose window leaves the worker who holds them (`days_of`: the days they work
    after today) fewer than `later_tries` days, or whose person was promised today (`agreed_today`: people
    with an appointment today, docs/adr/0019), as visits due today."""
    home = {(r.elder_id, r.obligation) for r in decision.released if r.kind is VisitKind.HOME}
    result = []
    for key, owed in decision.given_up.items():
        if key not in home or owed.kind is not VisitKind.HOME:
            continue
        holder = decision.owner.get(key)
        left = [d for d in days_of.get(holder, ()) if owed.earliest <= d <= owed.latest] if holder else []
        if len(left) < settings.later_tries or owed.elder_id in agreed_today:
            result.append(replace(owed, earliest=today, latest=today))
    return result


def hand_over_today(
    waiting: Sequence[Owed],
    crew: Sequence[WorkerFacts],
    kept_today: Sequence[PlanRow],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    *,
    today: date,
    now: time,
    reach: overflow.Reach,
    settings: PlanningSettings,
) -> Handover:
    """Offer `waiting` to the `crew` (colleagues at work today, with their rows of today `kept_today`); each
    colleague offered something is solved for today with their route fixed, from `now` at the earliest."""
    handover = Handover()
    if not waiting:
        return handover
    rows_of: dict[int, list[PlanRow]] = defaultdict(list)
    for row in kept_today:
        rows_of[row.worker_id].append(row)
    team: list[tuple[WorkerFacts, list[PlanRow]]] = []
    for worker in crew:
        rows = sorted(rows_of[worker.id], key=lambda r: (r.seq, r.id or 0))
        if _can_extend(worker, rows, homes, now):
            team.append((replace(worker, work_start=max(worker.work_start, now)), rows))
    if not team:
        return handover
    days = [_today_month(worker, rows, [], homes, today, settings) for worker, rows in team]
    months = [month for month, _ in days]
    spare = [_spare(month, prefix) for month, prefix in days]
    # Their route of today is where they are: the nearest of its homes to a visit wins it.
    points = [{today: _located(rows, homes)} for _, rows in team]
    offered = overflow.share_out(
        [(None, o) for o in waiting], months, spare, homes, grid_path, reach_minutes=reach,
        home_load=settings.home_minutes, points=points,
    )  # fmt: skip
    for j, items in sorted(offered.items()):
        worker, rows = team[j]
        month, prefix = _today_month(worker, rows, items, homes, today, settings)
        plan = routing.solve(month.problem, options_of(settings), prefixes=[prefix])
        _take(handover, month, plan, rows, homes, grid_path)
    return handover


def _can_extend(worker: WorkerFacts, rows: list[PlanRow], homes: dict[int, Home], now: time) -> bool:
    """Only a day still open, whose people the run has located."""
    return now < worker.work_end and all(r.elder_id in homes for r in rows)


def _located(rows: list[PlanRow], homes: dict[int, Home]) -> list[Point]:
    located = [homes[r.elder_id] for r in rows if r.kind is VisitKind.HOME]
    return [(h.lon, h.lat) for h in located if h.lon is not None and h.lat is not None]


def _today_month(
    worker: WorkerFacts,
    rows: list[PlanRow],
    offered: list[Owed],
    homes: dict[int, Home],
    today: date,
    settings: PlanningSettings,
) -> tuple[WorkerMonth, routing.Prefix]:
    """The colleague's day with `offered` on top; their route as served is the fixed start of it."""
    stops = [DayStop(r.id, r.elder_id, r.kind, r.rule, r.obligation) for r in rows]
    month, stop_of = day_problem(worker, today, stops, homes, settings, offered=offered)
    route = tuple(vid for vid, stop in stop_of.items() if stop.kind is VisitKind.HOME)
    return month, routing.Prefix(str(worker.id), today, route)


def _spare(month: WorkerMonth, prefix: routing.Prefix) -> int:
    (shift,) = month.problem.shifts
    if routing.overrun(month.problem, [prefix]):
        return 0  # their route as served does not get them home by the day's end: nothing more fits
    used = sum(v.load for v in month.problem.visits if v.id in prefix.visit_ids)
    return max((shift.capacity or 0) - used, 0)


def _take(
    handover: Handover,
    month: WorkerMonth,
    plan: routing.Plan,
    rows: list[PlanRow],
    homes: dict[int, Home],
    grid_path: dict[int, str],
) -> None:
    """The colleague's new rows after their route, and their desk calls of today after those."""
    worker = month.worker
    seq = max((r.seq for r in rows if r.kind is VisitKind.HOME), default=0)
    taken = [(s, route.day) for route in plan.routes for s in route.stops if s.visit_id in month.offered]
    for stop, day in taken:
        owed = month.owed_by_visit[stop.visit_id]
        seq += 1
        moved = grid_path[homes[owed.elder_id].grid_id] not in worker.grid_paths
        handover.rows.append(
            planned_row(owed, worker.id, day, seq, clock_of(stop.arrival), VisitKind.HOME, moved=moved)
        )
        handover.taken[(owed.elder_id, owed.key)] = worker.id
    if taken:
        for kept in rows:
            if kept.kind is VisitKind.PHONE:
                seq += 1
                handover.seq[id(kept)] = seq
