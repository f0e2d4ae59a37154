"""Where a worker's overflow can go: a colleague whose travel mode reaches the person's home from their start
within `reach_minutes` one way, of the person's community first, then of the street, then anyone the run
plans (the district, or whatever area the caller plans).

Pure: given each worker's month and the plan solved for it, pick for every visit dropped for lack of
capacity the eligible colleague with time left whose way there is shortest (docs/adr/0024).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date

import routing
from visitsvc.kernel.geo import haversine_m
from visitsvc.model.enums import TravelMode
from visitsvc.planning.policy import Owed
from visitsvc.planning.route_problems import Home, WorkerFacts, WorkerMonth, visit_id

Point = tuple[float, float]  # (lon, lat)
Points = Mapping[date, Sequence[Point]]  # a colleague's planned stops, by day

# The person's community, their street, then anyone the run plans: levels up from the grid's path.
LEVELS: tuple[int | None, ...] = (1, 2, None)


def parent_path(path: str, levels_up: int) -> str:
    """'/1/4/17/33/' one level up is '/1/4/17/' (the community), two levels up '/1/4/' (the street)."""
    parts = [p for p in path.split("/") if p]
    return "/" + "".join(f"{p}/" for p in parts[: len(parts) - levels_up])


def travel_seconds(mode: TravelMode, a: Point, b: Point) -> int:
    """One way from `a` to `b` in `mode`, as the planner's matrix has it (routing's default provider: the
    straight line times the detour at the mode's speed), so that what the reach allows the routes can do."""
    speed = routing.SPEED_KMH[routing.TravelMode(mode.value)] / 3.6
    return round(haversine_m(a[0], a[1], b[0], b[1]) * routing.DEFAULT_DETOUR / speed)


def reaches(worker: WorkerFacts, home: Home, reach_minutes: float) -> bool:
    """Whether the worker's mode gets from their start to the home within `reach_minutes`. A worker without a
    start or a home without coordinates leaves nothing to measure: the area bound alone holds, as it did."""
    if worker.start is None or home.lon is None or home.lat is None:
        return True
    return travel_seconds(worker.mode, worker.start, (home.lon, home.lat)) <= reach_minutes * 60


def way_there(worker: WorkerFacts, home: Home, points: Points, first: date, last: date) -> int | None:
    """Seconds to the home from the nearest of the worker's start and their stops planned between `first`
    and `last`: what taking the visit adds to a route, about. None when there is nothing to measure."""
    if home.lon is None or home.lat is None:
        return None
    near = [worker.start] if worker.start is not None else []
    near += [p for day, stops in points.items() if first <= day <= last for p in stops]
    if not near:
        return None
    return min(travel_seconds(worker.mode, p, (home.lon, home.lat)) for p in near)


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
    reach_minutes: float,
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
    return share_out(
        [*dropped, *away],
        months,
        [spare_minutes(m, p) for m, p in zip(months, plans, strict=True)],
        homes,
        grid_path,
        reach_minutes=reach_minutes,
        home_load=home_load,
        on_day=agreed_days(months),
        points=[planned_points(m, p, homes) for m, p in zip(months, plans, strict=True)],
    )


def offers_again(
    months: list[WorkerMonth],
    plans: list[routing.Plan],
    helpers: Collection[int],
    refused: dict[str, set[int]],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    *,
    reach_minutes: float,
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
    return share_out(
        [(origin.get(vid), owed) for vid, owed in again.items()],
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


def share_out(
    items: Sequence[tuple[int | None, Owed]],
    months: Sequence[WorkerMonth],
    spare: list[int],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    *,
    reach_minutes: float,
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
    stops = points if points is not None else [{} for _ in months]
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
            ranked = []
            for j, m in enumerate(months):
                if (
                    j == origin
                    or spare[j] < home_load
                    or j in not_again.get(vid, ())
                    or not any(p.startswith(area) for p in m.worker.grid_paths)
                    or not _works_for(m, first, last)
                    or not reaches(m.worker, home, reach_minutes)
                ):
                    continue
                way = way_there(m.worker, home, stops[j], first, last)
                ranked.append((way is None, way or 0, -spare[j], j))
            if ranked:
                helper = min(ranked)[-1]
                result[helper].append(owed)
                spare[helper] -= home_load
                break
    return dict(result)


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
    "reaches",
    "share_out",
    "spare_minutes",
    "travel_seconds",
    "visit_id",
]
