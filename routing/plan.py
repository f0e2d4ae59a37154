"""What the solver answers: ordered daily routes, dropped visits with a reason, the cost, how it was found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DropReason(StrEnum):
    NO_ALLOWED_DAY = "no_allowed_day"  # no shift of the problem is on an allowed day with an allowed worker
    TIME_WINDOW = "time_window"  # no allowed shift can reach it inside its window and get home in time
    CAPACITY = "capacity"  # reachable, but the allowed shifts had no room left (time or load)


class Status(StrEnum):
    OPTIMAL = "optimal"  # nothing to route: the empty plan is trivially best
    FEASIBLE = "feasible"  # a solution was found; the search stopped on its limit
    NO_SOLUTION = "no_solution"  # the solver found nothing; every solver-side visit is dropped


@dataclass(frozen=True, slots=True)
class Stop:
    """A visit in a route; `arrival` is when the visit starts (the worker waits there if early)."""

    visit_id: str
    arrival: int


@dataclass(frozen=True, slots=True)
class Route:
    worker_id: str
    day: date
    stops: tuple[Stop, ...]
    end: int  # back at the shift's location

    @property
    def visit_ids(self) -> tuple[str, ...]:
        return tuple(s.visit_id for s in self.stops)


@dataclass(frozen=True, slots=True)
class Dropped:
    visit_id: str
    reason: DropReason


@dataclass(frozen=True, slots=True)
class Objective:
    """The cost, term by term, in the units of the matrix (seconds)."""

    travel: int
    dropped_penalty: int
    lateness: int  # delay_cost x days after due, plus day costs, summed over routed visits
    imbalance: int = 0  # balance_cost x visits above a shift's even share

    @property
    def total(self) -> int:
        return self.travel + self.dropped_penalty + self.lateness + self.imbalance


@dataclass(frozen=True, slots=True)
class Stats:
    wall_time: float
    first_solution_time: float | None
    status: Status
    solutions: int = 0
    warm_started: bool = False
    # The search was stopped by its wall-clock guard (`Options.guard_seconds`), not by its own limits: the
    # plan is the best found by then (or the warm start), and no longer the same on every machine.
    guard_hit: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    routes: tuple[Route, ...]
    dropped: tuple[Dropped, ...]
    objective: Objective
    stats: Stats
    # Shifts whose fixed prefix alone overran the day (no way home by its end, or more load than it holds):
    # kept as served, closed to anything more, so that the rest of the problem can still be solved.
    overrun: tuple[tuple[str, date], ...] = ()

    @property
    def guard_hit(self) -> bool:
        return self.stats.guard_hit

    def route(self, worker_id: str, day: date) -> Route | None:
        return next((r for r in self.routes if r.worker_id == worker_id and r.day == day), None)

    @property
    def routed_ids(self) -> frozenset[str]:
        return frozenset(s.visit_id for r in self.routes for s in r.stops)
