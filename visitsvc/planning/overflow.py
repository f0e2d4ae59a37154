"""Where a worker's overflow can go: colleagues of the same community first, then of the same street.

Pure: given each worker's month and the plan solved for it, pick for every visit dropped for lack of
capacity the nearby colleague with the most time left, within a travel limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

import routing
from visitsvc.kernel.geo import haversine_m
from visitsvc.planning.policy import Owed
from visitsvc.planning.route_problems import Home, WorkerMonth, visit_id


def parent_path(path: str, levels_up: int) -> str:
    """'/1/4/17/33/' one level up is '/1/4/17/' (the community), two levels up '/1/4/' (the street)."""
    parts = [p for p in path.split("/") if p]
    return "/" + "".join(f"{p}/" for p in parts[: len(parts) - levels_up])


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
    limit_m: float,
    home_load: int,
    reasons: frozenset[routing.DropReason] = frozenset({routing.DropReason.CAPACITY}),
) -> dict[int, list[Owed]]:
    """For each helper (index into `months`), the other grids' visits offered to it: those dropped for one of
    `reasons` (a re-plan adds no_allowed_day: the worker is away on every day left in the visit's window),
    and visits agreed for a day their worker is away (docs/adr/0019): those only to a colleague at work
    that day, who keeps the agreed time, while their worker keeps them elsewhere in case nobody can."""
    spare = [spare_minutes(m, p) for m, p in zip(months, plans, strict=True)]
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
    on_day = {vid: a.day for m in months for vid, a in [*m.agreed.items(), *m.agreed_away.items()]}
    return share_out(
        [*dropped, *away],
        months,
        spare,
        homes,
        grid_path,
        limit_m=limit_m,
        home_load=home_load,
        on_day=on_day,
    )


def share_out(
    items: Sequence[tuple[int | None, Owed]],
    months: Sequence[WorkerMonth],
    spare: list[int],
    homes: dict[int, Home],
    grid_path: dict[int, str],
    *,
    limit_m: float,
    home_load: int,
    on_day: Mapping[str, date] | None = None,
) -> dict[int, list[Owed]]:
    """Each (origin, visit) to the colleague of the person's community, else street, with the most `spare`
    minutes on days of the visit's window and a start within `limit_m`; `spare` is used up as it goes.
    `on_day`: visits agreed for a day (an appointment), which go only to a colleague at work that day."""
    agreed_days = on_day or {}
    result: dict[int, list[Owed]] = defaultdict(list)
    for origin, owed in sorted(items, key=lambda item: (item[1].earliest, item[1].elder_id)):
        home = homes[owed.elder_id]
        path = grid_path[home.grid_id]
        for levels_up in (1, 2):  # the community, then the street
            area = parent_path(path, levels_up)
            candidates = [
                j
                for j, m in enumerate(months)
                if j != origin
                and spare[j] >= home_load
                and any(p.startswith(area) for p in m.worker.grid_paths)
                and _near(m, home, limit_m)
                and _works_for(m, owed, agreed_days.get(visit_id(owed)))
            ]
            if candidates:
                helper = max(candidates, key=lambda j: spare[j])
                result[helper].append(owed)
                spare[helper] -= home_load
                break
    return dict(result)


def _works_for(month: WorkerMonth, owed: Owed, agreed_day: date | None) -> bool:
    if agreed_day is not None:
        return agreed_day in month.days
    return any(owed.earliest <= d <= owed.latest for d in month.days)


def _near(month: WorkerMonth, home: Home, limit_m: float) -> bool:
    start = month.worker.start
    if start is None or home.lon is None or home.lat is None:
        return True  # nothing to measure: the community or street bound still holds
    return haversine_m(start[0], start[1], home.lon, home.lat) <= limit_m


def moved_ids(months: list[WorkerMonth], plans: list[routing.Plan]) -> set[str]:
    """Offered visits that a helper's plan routed: the origin's drop of them is no longer a miss."""
    return {
        s.visit_id
        for m, p in zip(months, plans, strict=True)
        for r in p.routes
        for s in r.stops
        if s.visit_id in m.offered
    }


__all__ = ["moved_ids", "offers", "parent_path", "share_out", "spare_minutes", "visit_id"]
