"""PyVRP on `benchmarks.ruin_rounds`' months, with production's objective as far as PyVRP can hold it.

Lateness (`Options.delay_cost` per day after a visit's due day) is priced on the arcs into a visit, in one
routing profile per day, as our OR-Tools model prices it; travel is the same matrix. The even share of
`Options.balance_cost` becomes a hard capacity of visits per day: on these months our plans pay no
imbalance, so the cap takes none of them away. The answer is priced and checked here, not by PyVRP.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any

from routing import Options, Problem
from routing.schedule import even_share, lateness, timed_route

Point = tuple[float, float]


def solve_months(
    problems: Sequence[Problem], points: Sequence[Sequence[Point]], options: Options, seconds: float
) -> dict[str, Any]:
    """Each month given `seconds` of PyVRP (seed 0); sums like `ruin_rounds`' runs."""
    started = time.process_time()
    found = [_solve(p, where, options, seconds) for p, where in zip(problems, points, strict=True)]
    return {
        "pyvrp_seconds_each": seconds,
        "objective": sum(f["travel"] + f["lateness"] for f in found),
        "travel": sum(f["travel"] for f in found),
        "lateness": sum(f["lateness"] for f in found),
        "cpu_seconds": round(time.process_time() - started, 2),
        "checked": all(f["checked"] for f in found),
    }


def _solve(problem: Problem, where: Sequence[Point], options: Options, seconds: float) -> dict[str, Any]:
    import numpy as np
    import pyvrp
    from pyvrp.stop import MaxRuntime

    matrix = problem.matrices[0]
    travel = np.array(matrix.seconds, dtype=np.int64).reshape(matrix.size, matrix.size)
    profiles = []
    for shift in problem.shifts:
        priced = travel.copy()
        for visit in problem.visits:
            priced[:, visit.location] += lateness(problem, options, visit, shift)
        np.fill_diagonal(priced, 0)
        profiles.append(priced)
    clients = [
        pyvrp.Client(
            visit.location,
            delivery=[1],
            service_duration=visit.service,
            tw_early=visit.window.start if visit.window else 0,
            tw_late=visit.window.end if visit.window else 10**9,
        )
        for visit in problem.visits
    ]
    share = even_share(len(problem.visits), len(problem.shifts))
    vehicles = [
        pyvrp.VehicleType(1, capacity=[share], tw_early=s.start, tw_late=s.end, profile=k)
        for k, s in enumerate(problem.shifts)
    ]
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(round(x), round(y)) for x, y in where],
        clients=clients,
        depots=[pyvrp.Depot(0)],
        vehicle_types=vehicles,
        distance_matrices=profiles,
        duration_matrices=[travel] * len(problem.shifts),
    )
    best = pyvrp.solve(data, stop=MaxRuntime(seconds), seed=0, display=False).best
    moved = late = routed = 0
    checked = bool(best.is_feasible())
    for route in best.routes():
        shift = problem.shifts[route.vehicle_type()]
        visits = [problem.visits[a.idx] for a in route.schedule() if a.is_client()]
        timed = timed_route(problem, shift, visits)
        checked = checked and timed.end <= shift.end
        stops = zip(visits, timed.stops, strict=True)
        checked = checked and all(v.window is None or stop.arrival <= v.window.end for v, stop in stops)
        path = [shift.location, *(v.location for v in visits), shift.location]
        moved += sum(matrix(a, b) for a, b in itertools.pairwise(path))
        late += sum(lateness(problem, options, v, shift) for v in visits)
        routed += len(visits)
    return {"travel": moved, "lateness": late, "checked": checked and routed == len(problem.visits)}
