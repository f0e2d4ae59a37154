"""PyVRP on our month problems, with production's objective as far as PyVRP can hold it.

Lateness (`Options.delay_cost` per day after a visit's due day, and its day costs) is priced on the arcs into
a visit, in one routing profile per shift (day), as our OR-Tools model prices it; travel is the same matrix.
A day a visit may not go on (`Visit.allows`) gets a prohibitive arc cost into it in that day's profile:
PyVRP 0.14 has no per-vehicle client restriction. Each visit is a PyVRP location of its own (city elders
share matrix points, and lateness and allowed days are the visit's), mapped onto the matrix.

The even share of `Options.balance_cost` is a hard capacity of visits per day. `soft_balance=False`
(`benchmarks.ruin_rounds`' months): the share itself; those plans pay no imbalance, so the cap takes none
away. `soft_balance=True` (the city, whose allowed days force visits above the share): each day's cap is
what a min-cost assignment of visits to allowed days puts on it (lateness, and `balance_cost` above the
share, travel ignored), so PyVRP pays the least imbalance the days allow, but on the days that assignment
chose. An exact soft share (optional fillers at the home worth `balance_cost`, one for each visit a day can
take above the share) was tried: PyVRP's search stalls on it (60% above our plan's cost on one month).

The answer is priced and checked here, not by PyVRP: a visit left out or put on a day it may not go on is a
failure, counted, never hidden.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any

from routing import (
    Dropped,
    DropReason,
    Options,
    Plan,
    Problem,
    Shift,
    Stats,
    Status,
    ViolationKind,
    Visit,
    check,
)
from routing.schedule import even_share, lateness, price, timed_route

Point = tuple[float, float]
# Larger than anything a plan can save by using the day (a month of lateness is 1,800, a day cost at most
# 16,000, a visit above the share 3,600), small enough not to swamp PyVRP's penalty scaling: on 15 city
# months at 1 s each, 10**7 gave a 0.2% dearer plan than 10**5.
PROHIBITIVE = 10**5


def solve_months(
    problems: Sequence[Problem], points: Sequence[Sequence[Point]], options: Options, seconds: float
) -> dict[str, Any]:
    """Each month given `seconds` of PyVRP (seed 0), the even share a hard cap; sums like `ruin_rounds`."""
    started = time.process_time()
    found = [solve_one(p, options, seconds, where=w) for p, w in zip(problems, points, strict=True)]
    return {
        "pyvrp_seconds_each": seconds,
        "objective": sum(f["travel"] + f["lateness"] for f in found),
        "travel": sum(f["travel"] for f in found),
        "lateness": sum(f["lateness"] for f in found),
        "cpu_seconds": round(time.process_time() - started, 2),
        "checked": all(f["checked"] for f in found),
    }


def solve_one(
    problem: Problem,
    options: Options,
    seconds: float,
    *,
    soft_balance: bool = False,
    where: Sequence[Point] | None = None,
) -> dict[str, Any]:
    """One problem given `seconds` of PyVRP (seed 0), priced by `routing.schedule.price`."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    share = even_share(len(problem.visits), len(problem.shifts))
    caps, floor = _caps(problem, options) if soft_balance else ([share] * len(problem.shifts), None)
    data = _data(problem, options, caps, where)
    best = pyvrp.solve(data, stop=MaxRuntime(seconds), seed=0, display=False).best
    routes: list[tuple[Shift, list[Visit]]] = []
    for route in best.routes():
        indices = [a.idx for a in route.schedule() if a.is_client()]  # client, not location, numbers
        routes.append((problem.shifts[route.vehicle_type()], [problem.visits[i] for i in indices]))
    placed = {v.id for _, visits in routes for v in visits}
    left = tuple(Dropped(v.id, DropReason.CAPACITY) for v in problem.visits if v.id not in placed)
    objective = price(problem, options, routes, left)
    plan = Plan(
        routes=tuple(timed_route(problem, shift, visits) for shift, visits in routes),
        dropped=left,
        objective=objective,
        stats=Stats(seconds, None, Status.FEASIBLE),
    )
    broken = check(problem, plan)  # the project's own proof: days, windows, shift ends, capacity
    return {
        "travel": objective.travel,
        "lateness": objective.lateness,
        "imbalance": objective.imbalance,
        "left_out": len(left),
        "wrong_day": sum(v.kind is ViolationKind.NOT_ALLOWED for v in broken),
        "floor": floor,
        "checked": bool(best.is_feasible()) and not left and not broken,
    }


def _day_room(problem: Problem, shift: Shift) -> int:
    """At most how many visits `shift` can take (an upper bound): those allowed on it, the shortest first
    within its hours, the lightest first within its capacity, whichever count is smaller."""
    allowed = [v for v in problem.visits if v.allows(shift)]

    def fitting(sizes: list[int], room: int) -> int:
        return sum(1 for total in itertools.accumulate(sorted(sizes)) if total <= room)

    by_time = fitting([v.service for v in allowed], shift.end - shift.start)
    return (
        by_time
        if shift.capacity is None
        else min(by_time, fitting([v.load for v in allowed], shift.capacity))
    )


def _caps(problem: Problem, options: Options) -> tuple[list[int], int | None]:
    """Visits per day in the cheapest assignment to allowed days (lateness, `balance_cost` past the share),
    and its cost: travel aside, a floor under any plan's lateness and imbalance (None if nothing fits)."""
    from ortools.graph.python import min_cost_flow

    share = even_share(len(problem.visits), len(problem.shifts))
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink, first_day = 0, 1, 2 + len(problem.visits)
    day_arcs = []
    for i, visit in enumerate(problem.visits):
        flow.add_arc_with_capacity_and_unit_cost(source, 2 + i, 1, 0)
        for k, shift in enumerate(problem.shifts):
            if visit.allows(shift):
                flow.add_arc_with_capacity_and_unit_cost(
                    2 + i, first_day + k, 1, lateness(problem, options, visit, shift)
                )
    for k, shift in enumerate(problem.shifts):
        room = _day_room(problem, shift)
        day_arcs.append(flow.add_arc_with_capacity_and_unit_cost(first_day + k, sink, min(share, room), 0))
        extra = max(0, room - share)
        day_arcs.append(
            flow.add_arc_with_capacity_and_unit_cost(first_day + k, sink, extra, options.balance_cost)
        )
    flow.set_node_supply(source, len(problem.visits))
    flow.set_node_supply(sink, -len(problem.visits))
    if flow.solve() != flow.OPTIMAL:
        return [share] * len(problem.shifts), None  # nothing fits: PyVRP fails, and is counted as failing
    placed = [flow.flow(a) for a in day_arcs]
    caps = [max(share, placed[2 * k] + placed[2 * k + 1]) for k in range(len(problem.shifts))]
    return caps, flow.optimal_cost()


def _data(problem: Problem, options: Options, caps: Sequence[int], where: Sequence[Point] | None) -> Any:
    import numpy as np
    import pyvrp

    homes = sorted({s.location for s in problem.shifts})
    # PyVRP location i is matrix point points[i]: the homes, then each visit.
    points = homes + [v.location for v in problem.visits]
    index = np.array(points)
    distances, durations = [], []
    for shift in problem.shifts:
        matrix = problem.matrix(shift.mode)
        travel = np.array(matrix.seconds, dtype=np.int64).reshape(matrix.size, matrix.size)[
            np.ix_(index, index)
        ]
        priced = travel.copy()
        for i, visit in enumerate(problem.visits):
            extra = lateness(problem, options, visit, shift) if visit.allows(shift) else PROHIBITIVE
            priced[:, len(homes) + i] += extra
        np.fill_diagonal(priced, 0)
        distances.append(priced)
        durations.append(travel)
    clients = [
        pyvrp.Client(
            len(homes) + i,
            delivery=[v.load, 1],
            service_duration=v.service,
            tw_early=v.window.start if v.window else 0,
            tw_late=v.window.end if v.window else 10**9,
            required=v.mandatory,
            prize=0 if v.penalty is None else v.penalty,
        )
        for i, v in enumerate(problem.visits)
    ]
    total_load = sum(v.load for v in problem.visits)
    vehicles = [
        pyvrp.VehicleType(
            1,
            capacity=[total_load if s.capacity is None else s.capacity, caps[k]],
            start_depot=homes.index(s.location),
            end_depot=homes.index(s.location),
            tw_early=s.start,
            tw_late=s.end,
            profile=k,
        )
        for k, s in enumerate(problem.shifts)
    ]
    # PyVRP's neighbourhoods come from the matrices (the cheapest over the vehicle types' profiles); the
    # coordinates are only drawn, so a problem without them gets zeros.
    located = [where[p] for p in points] if where is not None else [(0.0, 0.0)] * len(points)
    return pyvrp.ProblemData(
        locations=[pyvrp.Location(round(x), round(y)) for x, y in located],
        clients=clients,
        depots=[pyvrp.Depot(i) for i in range(len(homes))],
        vehicle_types=vehicles,
        distance_matrices=distances,
        duration_matrices=durations,
    )
