"""A cluster-first start for the search (`Options.start == "sweep"`): visits grouped into days by angle.

A month's hard choice is which day each visit goes on; a descent from an insertion heuristic's start keeps
most of those choices and only reorders around them. The classic sweep (Gillett and Miller 1974) makes them
all at once: sort the visits by their angle around the worker's home and cut the circle into consecutive
sectors, one per day, each filled while its route still fits. Sectors are petals, which is what good months
look like (few crossings, each day in one direction), and the descent then only has to repair the edges.

The problem gives travel times, not coordinates, so the angles come from an embedding of the travel matrix in
a plane (FastMap): street times are near-Euclidean, which is all a start needs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from routing.prepare import SolverModel

# Cuts of the circle tried (where the last day's sector ends and the first day's begins); the cheapest start
# is kept. Measured (docs/adr/0002, "start and day moves"): 12 and 36 cuts end within noise of each other.
OFFSETS = 12
_NO_WINDOW = (-(2**62), 2**62)


def sweep_routes(model: SolverModel) -> list[list[int]] | None:
    """Per vehicle, the indices of `model.visits` it starts with; None when a sweep does not apply (vehicles
    of several homes or travel modes: no one centre to sweep around). Visits no sector could take are left
    out, for the search to insert."""
    homes = {(v.shift.location, v.shift.mode) for v in model.vehicles}
    if len(homes) != 1 or not model.visits:
        return None
    ((home, mode),) = homes
    days = _Days(model)
    locations = [home, *days.location]
    angles = _angles(model.problem.matrix(mode).rows(locations))
    cap = model.balance_target if model.options.balance_cost else len(model.visits)
    best: tuple[tuple[int, int, int], list[list[int]]] | None = None
    for k in range(OFFSETS):
        cut = -math.pi + 2 * math.pi * k / OFFSETS
        order = sorted(range(len(angles)), key=lambda i: ((angles[i] - cut) % (2 * math.pi), i))
        routes = days.fill(order, cap)
        left_out = len(angles) - sum(len(r) for r in routes)
        score = (left_out, sum(days.cost(v, r) or 0 for v, r in enumerate(routes)), k)
        if best is None or score < best[0]:
            best = (score, routes)
    return None if best is None else best[1]


def _angles(travel: Sequence[Sequence[int]]) -> list[float]:
    """Each visit's angle around the home (row 0) in a plane whose distances are near the travel times.

    FastMap (Faloutsos and Lin 1995): each axis runs through two far-apart points, and a point's coordinate
    on it follows from its distances to both by the law of cosines; the second axis uses the distances left
    after the first. Linear in the visits, and plain arithmetic (an eigensolver took 0.24 s on 120 visits)."""
    n = len(travel)
    dist = [[(travel[a][b] + travel[b][a]) / 2 for b in range(n)] for a in range(n)]
    axes: list[list[float]] = []
    for _ in range(2):

        def squared(a: int, b: int) -> float:
            return max(0.0, dist[a][b] ** 2 - sum((x[a] - x[b]) ** 2 for x in axes))

        far = max(range(n), key=lambda b: (squared(0, b), -b))
        other = max(range(n), key=lambda b: (squared(far, b), -b))
        span = squared(far, other)
        if span <= 0:
            axes.append([0.0] * n)
            continue
        width = math.sqrt(span)
        axes.append([(squared(far, i) + span - squared(other, i)) / (2 * width) for i in range(n)])
    x, y = axes
    return [math.atan2(y[i] - y[0], x[i] - x[0]) for i in range(1, n)]


class _Days:
    """The model's visits and vehicles as plain lists: a sweep prices thousands of candidate routes."""

    def __init__(self, model: SolverModel) -> None:
        self.model = model
        self.location = [v.location for v in model.visits]
        self.service = [v.service for v in model.visits]
        self.window = [(v.window.start, v.window.end) if v.window else _NO_WINDOW for v in model.visits]
        self.load = [v.load for v in model.visits]
        self.allowed = [frozenset(a) for a in model.allowed]

    def fill(self, order: Sequence[int], cap: int) -> list[list[int]]:
        """Vehicles in their order (days in order) take the next visits of the sweep that they may take, each
        at its cheapest feasible place, until one does not fit; the visits skipped wait for a later day."""
        routes: list[list[int]] = [[] for _ in self.model.vehicles]
        waiting = list(order)
        for v in range(len(routes)):
            left: list[int] = []
            full = False
            for i in waiting:
                if full or len(routes[v]) >= cap or v not in self.allowed[i]:
                    left.append(i)
                    continue
                placed = self.inserted(v, routes[v], i)
                if placed is None:
                    full = bool(routes[v])  # the sector ends here; an empty day may still take a later visit
                    left.append(i)
                else:
                    routes[v] = placed
            waiting = left
        return routes

    def inserted(self, v: int, route: list[int], i: int) -> list[int] | None:
        """`route` with visit `i` at its cheapest feasible position, or None if it fits nowhere.

        Lateness is the day's, the same at every position, so the cheapest position is the shortest detour:
        positions are tried by detour and the first whose schedule holds wins (one check in most cases)."""
        vehicle = self.model.vehicles[v]
        matrix = self.model.problem.matrix(vehicle.shift.mode)
        stops = [vehicle.start_location, *(self.location[j] for j in route), vehicle.end_location]
        here = self.location[i]
        detours = sorted(
            (matrix(stops[at], here) + matrix(here, stops[at + 1]) - matrix(stops[at], stops[at + 1]), at)
            for at in range(len(route) + 1)
        )
        for _, at in detours:
            candidate = [*route[:at], i, *route[at:]]
            if self.cost(v, candidate) is not None:
                return candidate
        return None

    def cost(self, v: int, route: Sequence[int]) -> int | None:
        """Travel plus lateness of `route` on vehicle `v`, or None if its earliest schedule breaks a window,
        the shift's end or the load."""
        vehicle = self.model.vehicles[v]
        matrix = self.model.problem.matrix(vehicle.shift.mode)
        here, ready, travel, load = vehicle.start_location, vehicle.start, 0, 0
        for i in route:
            leg = matrix(here, self.location[i])
            start, end = self.window[i]
            arrival = max(ready + leg, start)
            if arrival > end:
                return None
            here, ready = self.location[i], arrival + self.service[i]
            travel, load = travel + leg, load + self.load[i]
        home = matrix(here, vehicle.end_location)
        if ready + home > vehicle.shift.end or load > vehicle.capacity:
            return None
        return travel + home + sum(self.model.delays[i][v] for i in route)
