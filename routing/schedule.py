"""Turn visit orders into timed routes and price them; the solver's own times are not trusted or needed.

The earliest-start schedule (leave at the shift start, wait only for windows) is feasible whenever any
schedule of the same order is, so recomputing it here gives stable, explainable arrival times.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

from routing.plan import Dropped, Objective, Route, Stop
from routing.problem import Options, Problem, Shift, Visit


def timed_route(problem: Problem, shift: Shift, visits: Sequence[Visit]) -> Route:
    matrix = problem.matrix(shift.mode)
    here, ready = shift.location, shift.start
    stops = []
    for visit in visits:
        arrival = ready + matrix(here, visit.location)
        if visit.window is not None:
            arrival = max(arrival, visit.window.start)
        stops.append(Stop(visit.id, arrival))
        here, ready = visit.location, arrival + visit.service
    return Route(shift.worker_id, shift.day, tuple(stops), ready + matrix(here, shift.location))


def route_end(problem: Problem, shift: Shift, visits: Sequence[Visit]) -> tuple[int, int]:
    """Where and when a worker is free again after `visits` (a fixed prefix)."""
    route = timed_route(problem, shift, visits)
    if not visits:
        return shift.location, shift.start
    return visits[-1].location, route.stops[-1].arrival + visits[-1].service


def even_share(visit_count: int, shift_count: int) -> int:
    """Visits a shift may take before `Options.balance_cost` applies."""
    return math.ceil(visit_count / shift_count) if shift_count else 0


def delay_days(problem: Problem, visit: Visit, shift: Shift) -> int:
    due = problem.due(visit)
    return max(0, (shift.day - due).days) if due is not None else 0


def lateness(problem: Problem, options: Options, visit: Visit, shift: Shift) -> int:
    """What placing `visit` on `shift`'s day costs: the days after it was due, and that day's own cost."""
    own = next((cost for day, cost in visit.day_costs if day == shift.day), 0)
    return options.delay_cost * delay_days(problem, visit, shift) + own


def price(
    problem: Problem,
    options: Options,
    routes: Iterable[tuple[Shift, Sequence[Visit]]],
    dropped: Iterable[Dropped],
) -> Objective:
    by_id = {v.id: v for v in problem.visits}
    share = even_share(len(problem.visits), len(problem.shifts))
    travel = late = imbalance = 0
    for shift, visits in routes:
        matrix = problem.matrix(shift.mode)
        path = [shift.location, *(v.location for v in visits), shift.location]
        travel += sum(matrix(a, b) for a, b in itertools.pairwise(path))
        late += sum(lateness(problem, options, v, shift) for v in visits)
        imbalance += options.balance_cost * max(0, len(visits) - share)
    penalty = sum(by_id[d.visit_id].drop_penalty for d in dropped)
    return Objective(travel=travel, dropped_penalty=penalty, lateness=late, imbalance=imbalance)
