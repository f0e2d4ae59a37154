"""The one module that imports OR-Tools: a `SolverModel` in, visit orders per vehicle out.

Nodes are the model's visits (0..V-1) followed by one node per distinct start or end location. Every cost and
time table is handed to OR-Tools as a matrix or vector (`RegisterTransitMatrix`, `RegisterUnaryTransitVector`)
so the search never calls back into Python for an arc.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

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
    visit_count, vehicles = len(model.visits), model.vehicles
    depots = sorted({v.start_location for v in vehicles} | {v.end_location for v in vehicles})
    depot_node = {loc: visit_count + i for i, loc in enumerate(depots)}
    locations = [v.location for v in model.visits] + depots
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

    params = _search_parameters(model)
    progress = _Progress(started)
    routing.AddAtSolutionCallback(progress)
    if model.options.time_limit is None and model.options.solution_limit is not None:
        # A problem with fewer distinct solutions than the limit (one visit, one day) never reaches it, and
        # guided local search never stops by itself: a cap on branches stops it, as deterministically.
        limit = BRANCHES_PER_SOLUTION * model.options.solution_limit
        routing.AddSearchMonitor(routing.solver().BranchesLimit(limit))
    routing.CloseModelWithParameters(params)
    warm = None
    if initial_routes is not None:
        routes = [[manager.NodeToIndex(n) for n in route] for route in initial_routes]
        warm = routing.ReadAssignmentFromRoutes(routes, True)
    solution, guard = None, model.options.guard(visit_count)
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
    if solution is None:
        nothing = ((),) * len(vehicles)
        return SolverResult(nothing, Status.NO_SOLUTION, progress.first, progress.count, False, guard_hit)
    routes_out = []
    for v in range(len(vehicles)):
        index, route = solution.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes_out.append(tuple(route))
    status = Status.OPTIMAL if routing.status() == _OPTIMAL_STATUS else Status.FEASIBLE
    return SolverResult(
        tuple(routes_out), status, progress.first, progress.count, warm is not None, guard_hit
    )


def _past(guard: float | None, since: float) -> bool:
    """Whether the wall-clock guard (docs/adr/0024) has run out: a search given a time limit of `guard`
    seconds that ran this long was stopped by it, whatever it had found."""
    return guard is not None and time.perf_counter() - since >= guard


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
