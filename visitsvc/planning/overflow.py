"""Where a worker's overflow can go: a colleague whose travel mode reaches the person's home from their start
within `reach_minutes` one way, of the person's community first, then of the street, then anyone the run
plans (the district, or whatever area the caller plans).

Pure: given each worker's month and the plan solved for it, pick for every visit dropped for lack of
capacity the eligible colleague with time left whose way there is shortest (docs/adr/0025).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date

import numpy as np

import routing
from visitsvc.planning.policy import DEFAULT_RULES, Owed
from visitsvc.planning.reach import Colleagues, Point, Points
from visitsvc.planning.route_problems import Home, WorkerMonth, visit_id

# Minutes one way: one for the run, or per grid path (the reach of the person's area's policy, ADR 0026).
Reach = float | Mapping[str, float]

# The person's community, their street, then anyone the run plans: levels up from the grid's path.
LEVELS: tuple[int | None, ...] = (1, 2, None)


def parent_path(path: str, levels_up: int) -> str:
    """'/1/4/17/33/' one level up is '/1/4/17/' (the community), two levels up '/1/4/' (the street)."""
    parts = [p for p in path.split("/") if p]
    return "/" + "".join(f"{p}/" for p in parts[: len(parts) - levels_up])


def planned_points(
    month: WorkerMonth, plan: routing.Plan, homes: Mapping[int, Home]
) -> dict[date, list[Point]]:
    """The located homes of a worker's routes, by day."""
    points: dict[date, list[Point]] = defaultdict(list)
    for route in plan.routes:
        for stop in route.stops:
            home = homes[month.owed_by_visit[stop.visit_id].elder_id]
            if home.lon is not None and home.lat is not None:
                points[route.day].append((home.lon, home.lat))
    return dict(points)


def spare_minutes(month: WorkerMonth, plan: routing.Plan) -> int:
    load = {v.id: v.load for v in month.problem.visits}
    used: dict[object, int] = defaultdict(int)
    for route in plan.routes:
        used[route.day] += sum(load[s.visit_id] for s in route.stops)
    return sum(max((s.capacity or 0) - used[s.day], 0) for s in month.problem.shifts)


def offers(
    months: list[WorkerMonth],
    plans: list[routing.Plan],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    *,
    reach_minutes: Reach,
    home_load: int,
    reasons: frozenset[routing.DropReason] = frozenset({routing.DropReason.CAPACITY}),
) -> dict[int, list[Owed]]:
    """For each helper (index into `months`), the other grids' visits offered to it: those dropped for one of
    `reasons` (a re-plan adds no_allowed_day: the worker is away on every day left in the visit's window),
    and visits agreed for a day their worker is away (docs/adr/0019): those only to a colleague at work
    that day, who keeps the agreed time, while their worker keeps them elsewhere in case nobody can."""
    dropped = [
        (i, m.owed_by_visit[d.visit_id])
        for i, (m, p) in enumerate(zip(months, plans, strict=True))
        for d in p.dropped
        if d.reason in reasons and d.visit_id not in m.offered
    ]
    offered_already = {visit_id(o) for _, o in dropped}
    away = [
        (i, m.owed_by_visit[vid])
        for i, m in enumerate(months)
        for vid in m.agreed_away
        if vid not in m.offered and vid not in offered_already
    ]
    if not dropped and not away:
        return {}
    return _share_solved([*dropped, *away], months, plans, homes, grid_path, reach_minutes, home_load)


def offers_again(
    months: list[WorkerMonth],
    plans: list[routing.Plan],
    helpers: Collection[int],
    refused: dict[str, set[int]],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    *,
    reach_minutes: Reach,
    home_load: int,
) -> dict[int, list[Owed]]:
    """What `helpers` were offered and their solve still dropped, while nobody routes it, to the next nearest
    colleague not offered it yet. `refused` (visit -> helpers who dropped it) grows by these drops."""
    routed = moved_ids(months, plans)
    again: dict[str, Owed] = {}
    for j in sorted(helpers):
        for d in plans[j].dropped:
            if d.visit_id in months[j].offered and d.visit_id not in routed:
                refused.setdefault(d.visit_id, set()).add(j)
                again.setdefault(d.visit_id, months[j].owed_by_visit[d.visit_id])
    if not again:
        return {}
    origin = {v: i for i, m in enumerate(months) for v in again.keys() & m.owed_by_visit.keys() - m.offered}
    items = [(origin.get(vid), owed) for vid, owed in again.items()]
    return _share_solved(items, months, plans, homes, grid_path, reach_minutes, home_load, refused)


def _share_solved(
    items: Sequence[tuple[int | None, Owed]],
    months: list[WorkerMonth],
    plans: list[routing.Plan],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    reach_minutes: Reach,
    home_load: int,
    refused: Mapping[str, Collection[int]] | None = None,
) -> dict[int, list[Owed]]:
    """`share_out` among colleagues whose months are solved: their spare minutes and planned stops from
    their plans, appointments from their months."""
    return share_out(
        items,
        months,
        [spare_minutes(m, p) for m, p in zip(months, plans, strict=True)],
        homes,
        grid_path,
        reach_minutes=reach_minutes,
        home_load=home_load,
        on_day=agreed_days(months),
        points=[planned_points(m, p, homes) for m, p in zip(months, plans, strict=True)],
        refused=refused,
    )


def agreed_days(months: Sequence[WorkerMonth]) -> dict[str, date]:
    """Visits agreed for a day (an appointment), wherever they are pinned or waiting."""
    return {vid: a.day for m in months for vid, a in [*m.agreed.items(), *m.agreed_away.items()]}


def reach_at(reach: Reach, grid_path: str) -> float:
    """The reach for a person of the grid at `grid_path`: their area's policy (docs/adr/0026), which every
    planning run reads for each grid it plans; a grid it did not read has the code's default."""
    if isinstance(reach, Mapping):
        return reach.get(grid_path, DEFAULT_RULES.reach_minutes)
    return reach


def share_out(
    items: Sequence[tuple[int | None, Owed]],
    months: Sequence[WorkerMonth],
    spare: list[int],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    *,
    reach_minutes: Reach,
    home_load: int,
    on_day: Mapping[str, date] | None = None,
    points: Sequence[Points] | None = None,
    refused: Mapping[str, Collection[int]] | None = None,
) -> dict[int, list[Owed]]:
    """Each (origin, visit) to a colleague with `spare` minutes on days of the visit's window whose mode
    reaches the home from their start within `reach_minutes`: of the person's community, else street, else
    any of `months`; among them the one whose way there is shortest (from their start or the nearest of
    their `points` on a day of the window), then the one with the most spare minutes. Unmeasurable ways (no
    coordinates) come after measured ones. `spare` is used up as it goes.
    `on_day`: visits agreed for a day (an appointment), which go only to a colleague at work that day.
    `refused`: visit -> colleagues whose solve dropped it already, who are not asked again."""
    agreed = on_day or {}
    where = Colleagues(
        [m.worker.mode for m in months],
        [m.worker.start for m in months],
        [m.worker.grid_paths for m in months],
        points if points is not None else [{} for _ in months],
    )
    not_again = refused or {}
    result: dict[int, list[Owed]] = defaultdict(list)
    for origin, owed in sorted(items, key=lambda item: (item[1].earliest, item[1].elder_id, item[1].key)):
        home = homes[owed.elder_id]
        path = grid_path[home.grid_id]
        vid = visit_id(owed)
        day = agreed.get(vid)
        first, last = (day, day) if day is not None else (owed.earliest, owed.latest)
        for levels_up in LEVELS:
            area = parent_path(path, levels_up) if levels_up is not None else "/"
            free = [
                j
                for j in where.within(area)
                if j != origin
                and spare[j] >= home_load
                and j not in not_again.get(vid, ())
                and _works_for(months[j], first, last)
            ]
            helper = _nearest(where, free, home, first, last, reach_at(reach_minutes, path), spare)
            if helper is not None:
                result[helper].append(owed)
                spare[helper] -= home_load
                break
    return dict(result)


def _nearest(
    where: Colleagues,
    free: list[int],
    home: Home,
    first: date,
    last: date,
    reach_minutes: float,
    spare: list[int],
) -> int | None:
    """Of the `free` colleagues, those whose start is within reach of the home (or unknown), the one whose way
    there is shortest, from their start or their nearest stop between `first` and `last`; then the one with
    the most spare minutes. A way that cannot be measured comes after every measured one."""
    if not free:
        return None
    if home.lon is None or home.lat is None:
        return min(free, key=lambda j: (-spare[j], j))  # nothing to measure: the area bound alone holds
    target = (home.lon, home.lat)
    ranked = []
    for j, from_start in zip(free, where.from_start(target, free), strict=True):
        if from_start > reach_minutes * 60:
            continue  # NaN (no start) is never beyond: the area bound alone holds, as it did
        way = np.fmin(from_start, where.nearest_stop(target, j, first, last))
        ranked.append((bool(np.isnan(way)), 0.0 if np.isnan(way) else float(way), -spare[j], j))
    return min(ranked)[-1] if ranked else None


def _works_for(month: WorkerMonth, first: date, last: date) -> bool:
    return any(first <= d <= last for d in month.days)


def moved_ids(months: list[WorkerMonth], plans: list[routing.Plan]) -> set[str]:
    """Offered visits that a helper's plan routed: the origin's drop of them is no longer a miss."""
    return {
        s.visit_id
        for m, p in zip(months, plans, strict=True)
        for r in p.routes
        for s in r.stops
        if s.visit_id in m.offered
    }


__all__ = [
    "moved_ids",
    "offers",
    "offers_again",
    "parent_path",
    "share_out",
    "spare_minutes",
    "visit_id",
]
