"""From a `Problem` to what the solver must decide: triage, fixed prefixes, vehicles and allowed vehicles.

Visits nobody may or can do are dropped here with their reason, before any search, so the solver model only
holds real choices and every drop the solver makes afterwards means "no room" (`capacity`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from routing.plan import Dropped, DropReason
from routing.problem import Options, Prefix, Problem, Shift, ShiftKey, Visit
from routing.schedule import even_share, lateness, route_end

UNLIMITED_LOAD = 2**40


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A shift as the solver sees it: after any fixed prefix, free from `start` at `start_location`."""

    shift: Shift
    start_location: int
    start: int
    capacity: int

    @property
    def end_location(self) -> int:
        return self.shift.location


@dataclass(frozen=True, slots=True)
class SolverModel:
    problem: Problem
    options: Options
    visits: tuple[Visit, ...]
    vehicles: tuple[Vehicle, ...]
    allowed: tuple[tuple[int, ...], ...]  # per visit, the vehicles that may and can take it alone
    delays: tuple[tuple[int, ...], ...]  # per visit, per vehicle: its lateness on that vehicle's day
    balance_target: int


@dataclass(frozen=True, slots=True)
class Prepared:
    model: SolverModel
    dropped: tuple[Dropped, ...]
    prefixes: dict[ShiftKey, tuple[Visit, ...]]
    overrun: tuple[ShiftKey, ...] = ()  # open shifts whose prefix alone does not fit: closed


def prepare(problem: Problem, options: Options, prefixes: Sequence[Prefix] = ()) -> Prepared:
    by_id = {v.id: v for v in problem.visits}
    fixed = _fixed_prefixes(problem, prefixes, by_id)
    closed = {p.key for p in prefixes if p.closed}
    fixed_ids = {v.id for visits in fixed.values() for v in visits}
    opened = [_vehicle(problem, s, fixed.get(s.key, ())) for s in problem.shifts if s.key not in closed]
    # A prefix that leaves no room closes its shift too: one that runs to its end, and one after which the
    # worker cannot be home by its end or carries more load than it holds. The model's end of a route has to
    # meet both, even with nothing added: such a vehicle made the whole model infeasible, so every visit of
    # every other day was dropped with it (docs/adr/0024).
    vehicles = tuple(v for v in opened if _room_left(problem, v))
    overrun = tuple(v.shift.key for v in opened if v.shift.key in fixed and not _room_left(problem, v))

    open_visits = [v for v in problem.visits if v.id not in fixed_ids]
    # The seed only reorders the model's visits: insertion heuristics break ties by index.
    if options.seed:
        random.Random(options.seed).shuffle(open_visits)
    dropped: list[Dropped] = []
    kept: list[Visit] = []
    allowed: list[tuple[int, ...]] = []
    for visit in open_visits:
        reason, candidates = _triage(problem, visit, vehicles)
        if reason is not None:
            dropped.append(Dropped(visit.id, reason))
        else:
            kept.append(visit)
            allowed.append(candidates)
    delays = tuple(tuple(lateness(problem, options, v, vehicle.shift) for vehicle in vehicles) for v in kept)
    model = SolverModel(
        problem=problem,
        options=options,
        visits=tuple(kept),
        vehicles=vehicles,
        allowed=tuple(allowed),
        delays=delays,
        balance_target=even_share(len(problem.visits), len(problem.shifts)),
    )
    return Prepared(model, tuple(dropped), fixed, overrun)


def overrun(problem: Problem, prefixes: Sequence[Prefix]) -> tuple[ShiftKey, ...]:
    """The open shifts whose fixed prefix alone leaves no room (see `prepare`): a solve closes them, so a
    caller offering such a shift more work offers it for nothing."""
    fixed = _fixed_prefixes(problem, prefixes, {v.id: v for v in problem.visits})
    closed = {p.key for p in prefixes if p.closed}
    shifts = [s for s in problem.shifts if s.key in fixed and s.key not in closed]
    return tuple(s.key for s in shifts if not _room_left(problem, _vehicle(problem, s, fixed[s.key])))


def _room_left(problem: Problem, vehicle: Vehicle) -> bool:
    home = problem.matrix(vehicle.shift.mode)(vehicle.start_location, vehicle.end_location)
    return vehicle.start + home <= vehicle.shift.end and vehicle.capacity >= 0


def _fixed_prefixes(
    problem: Problem, prefixes: Sequence[Prefix], by_id: dict[str, Visit]
) -> dict[ShiftKey, tuple[Visit, ...]]:
    shift_keys = {s.key for s in problem.shifts}
    fixed: dict[ShiftKey, tuple[Visit, ...]] = {}
    for prefix in prefixes:
        if prefix.key not in shift_keys:
            raise ValueError(f"prefix for {prefix.key}: no such shift")
        unknown = [i for i in prefix.visit_ids if i not in by_id]
        if unknown:
            raise ValueError(f"prefix for {prefix.key}: unknown visits {unknown}")
        fixed[prefix.key] = tuple(by_id[i] for i in prefix.visit_ids)
    ids = [v.id for visits in fixed.values() for v in visits]
    if len(ids) != len(set(ids)):
        raise ValueError("a visit is in two fixed prefixes")
    return fixed


def _vehicle(problem: Problem, shift: Shift, prefix: Sequence[Visit]) -> Vehicle:
    location, start = route_end(problem, shift, prefix)
    capacity = UNLIMITED_LOAD if shift.capacity is None else shift.capacity - sum(v.load for v in prefix)
    return Vehicle(shift, location, start, capacity)


def _triage(
    problem: Problem, visit: Visit, vehicles: Sequence[Vehicle]
) -> tuple[DropReason | None, tuple[int, ...]]:
    allowed = [i for i, vehicle in enumerate(vehicles) if visit.allows(vehicle.shift)]
    if not allowed:
        may = any(visit.allows(s) for s in problem.shifts)  # only closed (past) shifts allow it
        return (DropReason.CAPACITY if may else DropReason.NO_ALLOWED_DAY), ()
    reachable = [i for i in allowed if _reachable_alone(problem, visit, vehicles[i])]
    if not reachable:
        return DropReason.TIME_WINDOW, ()
    fitting = tuple(i for i in reachable if visit.load <= vehicles[i].capacity)
    if not fitting:
        return DropReason.CAPACITY, ()
    return None, fitting


def _reachable_alone(problem: Problem, visit: Visit, vehicle: Vehicle) -> bool:
    matrix = problem.matrix(vehicle.shift.mode)
    begin = vehicle.start + matrix(vehicle.start_location, visit.location)
    if visit.window is not None:
        if begin > visit.window.end:
            return False
        begin = max(begin, visit.window.start)
    return begin + visit.service + matrix(visit.location, vehicle.end_location) <= vehicle.shift.end
