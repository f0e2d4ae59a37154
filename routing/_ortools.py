"""The one module that imports OR-Tools: a `SolverModel` in, visit orders per vehicle out.

Nodes are the model's visits (0..V-1) followed by one node per distinct start or end location. Every cost and
time table is handed to OR-Tools as a matrix or vector (`RegisterTransitMatrix`, `RegisterUnaryTransitVector`)
so the search never calls back into Python for an arc.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from routing._ruin import Neighbours, ruin
from routing.matrix import TravelMode
from routing.plan import Status
from routing.prepare import SolverModel

_OPTIMAL_STATUS = routing_enums_pb2.RoutingSearchStatus.ROUTING_OPTIMAL
# Measured on the demo month (62 worker problems, 60 solutions each): at most 383 branches per solve; with
# this cap the plans are identical, and a one-visit problem stops in 0.1 s instead of never.
BRANCHES_PER_SOLUTION = 1000
LNS_SECONDS_WITHOUT_TIME_LIMIT = 60  # see _search_parameters


@dataclass(frozen=True, slots=True)
class SolverResult:
    routes: tuple[tuple[int, ...], ...]  # per vehicle, indices into SolverModel.visits
    status: Status
    first_solution_time: float | None
    solutions: int
    warm_started: bool
    guard_hit: bool = False


@dataclass(slots=True)
class _Progress:
    started: float
    first: float | None = None
    count: int = 0

    def __call__(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started
        self.count += 1


def solve_model(model: SolverModel, initial_routes: list[list[int]] | None) -> SolverResult:
    started = time.perf_counter()
    progress = _Progress(started)
    params = _search_parameters(model)
    routing, manager = _built(model, params, progress)
    warm = None
    if initial_routes is not None:
        routes = [[manager.NodeToIndex(n) for n in route] for route in initial_routes]
        warm = routing.ReadAssignmentFromRoutes(routes, True)
    solution, guard = None, model.options.guard(len(model.visits))
    searching = time.perf_counter()
    if warm is not None:
        progress.first = time.perf_counter() - started
        kept = routing.solver().Assignment(warm)  # the search reuses the restored assignment's storage
        solution = routing.SolveFromAssignmentWithParameters(warm, params)
        if solution is None and _past(guard, searching):
            solution = kept  # stopped before any solution: the start is feasible, and the best known
    if solution is None and not _past(guard, searching):
        warm = None  # no warm start, or one the search could not make feasible: start afresh
        solution = routing.SolveWithParameters(params)
    guard_hit = _past(guard, searching)
    vehicles = len(model.vehicles)
    if solution is None:
        nothing = ((),) * vehicles
        return SolverResult(nothing, Status.NO_SOLUTION, progress.first, progress.count, False, guard_hit)
    status = Status.OPTIMAL if routing.status() == _OPTIMAL_STATUS else Status.FEASIBLE
    routes_out = _routes(routing, manager, solution, vehicles)
    if model.options.ruins and not guard_hit:
        # Rounds end at the time limit, or at the wall-clock guard (ADR 0024), a safety net as for the search.
        if model.options.time_limit is not None:
            deadline: float | None = started + model.options.time_limit
        else:
            deadline = None if guard is None else searching + guard
        routes_out = _ruin_and_recreate(
            model, routes_out, solution.ObjectiveValue(), params, progress, deadline
        )
        guard_hit = model.options.time_limit is None and _past(guard, searching)
    return SolverResult(
        tuple(routes_out), status, progress.first, progress.count, warm is not None, guard_hit
    )


def _locations(model: SolverModel) -> tuple[list[int], list[int]]:
    """Every node's location (visits, then one node per start or end location), and the depots'."""
    depots = sorted({v.start_location for v in model.vehicles} | {v.end_location for v in model.vehicles})
    return [v.location for v in model.visits] + depots, depots


def _built(
    model: SolverModel, params: Any, progress: _Progress
) -> tuple[pywrapcp.RoutingModel, pywrapcp.RoutingIndexManager]:
    """The model in OR-Tools, closed with `params`."""
    visit_count, vehicles = len(model.visits), model.vehicles
    locations, depots = _locations(model)
    depot_node = {loc: visit_count + i for i, loc in enumerate(depots)}
    manager = pywrapcp.RoutingIndexManager(
        len(locations),
        len(vehicles),
        [depot_node[v.start_location] for v in vehicles],
        [depot_node[v.end_location] for v in vehicles],
    )
    routing = pywrapcp.RoutingModel(manager)
    _add_travel_and_time(model, routing, manager, locations)
    _add_load(model, routing, len(depots))
    _add_balance(model, routing, len(depots))
    for node, (visit, allowed) in enumerate(zip(model.visits, model.allowed, strict=True)):
        index = manager.NodeToIndex(node)
        routing.AddDisjunction([index], visit.drop_penalty)
        if len(allowed) < len(vehicles):
            # What SetAllowedVehiclesForIndex does; its absl::Span argument takes no Python list in 9.15.
            # -1 keeps "unperformed" possible, so the disjunction can still drop the visit.
            routing.VehicleVar(index).SetValues([-1, *allowed])
    routing.AddAtSolutionCallback(progress)
    if model.options.time_limit is None and model.options.solution_limit is not None:
        # A problem with fewer distinct solutions than the limit (one visit, one day) never reaches it, and
        # guided local search never stops by itself: a cap on branches stops it, as deterministically.
        limit = BRANCHES_PER_SOLUTION * model.options.solution_limit
        routing.AddSearchMonitor(routing.solver().BranchesLimit(limit))
    routing.CloseModelWithParameters(params)
    return routing, manager


def _routes(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    solution: pywrapcp.Assignment,
    vehicles: int,
) -> list[tuple[int, ...]]:
    routes_out = []
    for v in range(vehicles):
        index, route = solution.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes_out.append(tuple(route))
    return routes_out


def _ruin_and_recreate(
    model: SolverModel,
    routes: list[tuple[int, ...]],
    cost: int,
    params: Any,
    progress: _Progress,
    deadline: float | None,
) -> list[tuple[int, ...]]:
    """`model.options.ruins` rounds: take strings of neighbouring visits out of the best routes, descend again
    on the routes that lost visits (the model's insertion moves put them back, first improvement), keep the
    result if no worse.

    The objective is a sum over vehicles (travel, lateness and balance per day, plus drop penalties), so a
    round solves only the days it ruined, as a model of their own: a descent over all of a month's days cost
    as much as the first one did. Each round's model is new: on a model that has searched once, a start with
    unperformed visits and both delay and balance costs could not be restored (200,000 failed branches).
    """
    options = model.options
    visit_count = len(model.visits)
    locations, _ = _locations(model)
    travel = model.problem.matrix(model.vehicles[0].shift.mode).rows(locations[:visit_count])
    neighbours = Neighbours(travel, visit_count)
    rng = random.Random(options.seed)
    recreate = pywrapcp.DefaultRoutingSearchParameters()
    recreate.CopyFrom(params)
    recreate.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    recreate.solution_limit = 2**63 - 1
    best = [list(route) for route in routes]
    for _ in range(options.ruins):
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            recreate.time_limit.FromMilliseconds(max(1, round(left * 1000)))
        ruined = ruin(best, neighbours, rng)
        touched = [v for v, route in enumerate(best) if route != ruined[v]]
        if not touched:  # nothing routed to ruin
            break
        sub, visits = _days(model, best, touched)
        before = _cost(sub, [[visits.index(i) for i in best[v]] for v in touched], recreate, progress)
        routing, manager = _built(sub, recreate, progress)
        start = routing.ReadAssignmentFromRoutes(
            [[manager.NodeToIndex(visits.index(i)) for i in ruined[v]] for v in touched], True
        )
        found = routing.SolveFromAssignmentWithParameters(start, recreate) if start is not None else None
        # No worse, not only better: an equal plan elsewhere lets the next ruin start from new ground.
        if found is not None and before is not None and found.ObjectiveValue() <= before:
            for v, route in zip(touched, _routes(routing, manager, found, len(touched)), strict=True):
                best[v] = [visits[i] for i in route]
    return [tuple(route) for route in best]


def _days(model: SolverModel, routes: list[list[int]], touched: list[int]) -> tuple[SolverModel, list[int]]:
    """The model of the `touched` vehicles alone: their visits, and those nobody does that they may do."""
    position = {v: k for k, v in enumerate(touched)}
    routed = {i for route in routes for i in route}
    visits = sorted(
        {i for v in touched for i in routes[v]}
        | {i for i in range(len(model.visits)) if i not in routed and position.keys() & set(model.allowed[i])}
    )
    sub = replace(
        model,
        visits=tuple(model.visits[i] for i in visits),
        vehicles=tuple(model.vehicles[v] for v in touched),
        allowed=tuple(tuple(position[v] for v in model.allowed[i] if v in position) for i in visits),
        delays=tuple(tuple(model.delays[i][v] for v in touched) for i in visits),
    )
    return sub, visits


def _cost(sub: SolverModel, routes: list[list[int]], params: Any, progress: _Progress) -> int | None:
    routing, manager = _built(sub, params, progress)
    read = routing.ReadAssignmentFromRoutes([[manager.NodeToIndex(i) for i in r] for r in routes], True)
    return None if read is None else int(read.ObjectiveValue())


# OR-Tools' own clock for a time limit starts a little before ours and stops the search when it reads the
# limit: on a loaded machine a search stopped by a 0.3-s guard measured 0.2996 s here, and went unreported.
GUARD_SLACK = 0.02


def _past(guard: float | None, since: float) -> bool:
    """Whether the wall-clock guard (docs/adr/0024) has run out: a search given a time limit of `guard`
    seconds that ran this long (within `GUARD_SLACK` of it) was stopped by it, whatever it had found."""
    return guard is not None and time.perf_counter() - since >= guard * (1 - GUARD_SLACK)


def _add_travel_and_time(
    model: SolverModel,
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    locations: list[int],
) -> None:
    problem, vehicles = model.problem, model.vehicles
    service = [v.service for v in model.visits] + [0] * (len(locations) - len(model.visits))
    travel_of: dict[TravelMode, list[list[int]]] = {}
    cost_index: dict[TravelMode, int] = {}
    time_index: dict[TravelMode, int] = {}
    for mode in sorted({v.shift.mode for v in vehicles}):
        travel = travel_of[mode] = problem.matrix(mode).rows(locations)
        cost_index[mode] = routing.RegisterTransitMatrix(travel)
        with_service = [[t + s for t in row] for row, s in zip(travel, service, strict=True)]
        time_index[mode] = routing.RegisterTransitMatrix(with_service)
    # Lateness is priced on the arc into a visit, per vehicle (= day): a dimension of vehicle-dependent unary
    # transits priced the same but made every warm start with an unrouted visit unreadable (ADR 0021).
    by_costs: dict[tuple[TravelMode, tuple[int, ...]], int] = {}
    for v, vehicle in enumerate(vehicles):
        delays = tuple(row[v] for row in model.delays) + (0,) * (len(locations) - len(model.visits))
        if not any(delays):
            routing.SetArcCostEvaluatorOfVehicle(cost_index[vehicle.shift.mode], v)
            continue
        key = (vehicle.shift.mode, delays)
        if key not in by_costs:
            by_costs[key] = routing.RegisterTransitMatrix(
                [[t + delays[j] for j, t in enumerate(row)] for row in travel_of[vehicle.shift.mode]]
            )
        routing.SetArcCostEvaluatorOfVehicle(by_costs[key], v)
    horizon = max(v.shift.end for v in vehicles)
    routing.AddDimensionWithVehicleTransits(
        [time_index[v.shift.mode] for v in vehicles], horizon, horizon, False, "time"
    )
    dimension = routing.GetDimensionOrDie("time")
    for v, vehicle in enumerate(vehicles):
        dimension.CumulVar(routing.Start(v)).SetRange(vehicle.start, vehicle.shift.end)
        dimension.CumulVar(routing.End(v)).SetRange(vehicle.start, vehicle.shift.end)
    for node, visit in enumerate(model.visits):
        if visit.window is not None:
            dimension.CumulVar(manager.NodeToIndex(node)).SetRange(visit.window.start, visit.window.end)


def _add_load(model: SolverModel, routing: pywrapcp.RoutingModel, depot_count: int) -> None:
    if not any(v.load for v in model.visits):
        return
    demand = routing.RegisterUnaryTransitVector([v.load for v in model.visits] + [0] * depot_count)
    capacities = [v.capacity for v in model.vehicles]
    routing.AddDimensionWithVehicleCapacity(demand, 0, capacities, True, "load")


def _add_balance(model: SolverModel, routing: pywrapcp.RoutingModel, depot_count: int) -> None:
    """Visits beyond an even share cost `balance_cost` each: a soft cap on a count dimension."""
    cost = model.options.balance_cost
    if not cost or not model.visits:
        return
    visit_count = len(model.visits)
    one = routing.RegisterUnaryTransitVector([1] * visit_count + [0] * depot_count)
    routing.AddDimension(one, 0, visit_count, True, "count")
    dimension = routing.GetDimensionOrDie("count")
    for v in range(len(model.vehicles)):
        dimension.SetCumulVarSoftUpperBound(routing.End(v), model.balance_target, cost)


def _search_parameters(model: SolverModel) -> pywrapcp.DefaultRoutingSearchParameters:
    options = model.options
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, options.first_solution)
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, options.metaheuristic
    )
    guard = options.guard(len(model.visits))
    if options.time_limit is not None:
        params.time_limit.FromMilliseconds(max(1, round(options.time_limit * 1000)))
    elif guard is not None:
        # The wall-clock guard of a search stopped by solutions or branches (docs/adr/0024): far beyond what
        # those limits need, so it only ends a search that would not end (the same plan when not reached).
        params.time_limit.FromMilliseconds(max(1, round(guard * 1000)))
    if options.solution_limit is not None:
        params.solution_limit = options.solution_limit
    if options.time_limit is None:
        # When the first-solution heuristic finds nothing, OR-Tools hands small models to CP-SAT, which a
        # time limit bounds and a solution or branch limit does not: a month-end night of the simulation
        # searched on for 42 minutes (ADR 0018). Without it the solve answers "no solution" and the caller's
        # fallbacks (a fresh start, the loosened solve of ADR 0009) take over.
        params.fallback_to_cp_sat_size_threshold = 0
        # Each large-neighbourhood completion is cut at 100 ms of wall time by default: on a loaded machine
        # the cut fell elsewhere and the same seed planned another month (ADR 0018). A completion stops at
        # its first solution anyway; the generous bound only keeps a pathological one finite.
        params.lns_time_limit.FromSeconds(LNS_SECONDS_WITHOUT_TIME_LIMIT)
    params.log_search = options.log_search
    if options.metaheuristic == "GUIDED_LOCAL_SEARCH":
        # Measured together (ADR 0002): Solomon R1 at 30 s 2.87% -> 1.99% mean gap, the one-worker month at
        # 120 s 1.027 -> 1.012 of PyVRP's cost. Overrides below may switch them off.
        params.guided_local_search_reset_penalties_on_new_best_solution = True
        params.guided_local_search_penalize_with_vehicle_classes = True
        params.use_guided_local_search_penalties_in_local_search_operators = True
    for path, value in options.search_overrides:
        *parents, name = path.split(".")
        target = params
        for parent in parents:
            target = getattr(target, parent)
        field = target.DESCRIPTOR.fields_by_name.get(name)
        if isinstance(value, bool) and field is not None and field.enum_type is not None:
            # operator switches are OptionalBoolean; a plain bool field (use_iterated_local_search) takes
            # the bool itself: BOOL_FALSE is a non-zero enum and would have switched it on
            value = optional_boolean_pb2.BOOL_TRUE if value else optional_boolean_pb2.BOOL_FALSE
        setattr(target, name, value)
    return params
