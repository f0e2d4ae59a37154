"""`solve` one problem; `solve_many` independent problems on a process pool or a Dask cluster."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import replace
from functools import partial
from typing import Any

from routing._sweep import sweep_routes
from routing.plan import Dropped, DropReason, Plan, Stats, Status
from routing.prepare import Prepared, SolverModel, prepare
from routing.problem import Options, Prefix, Problem, Shift, ShiftKey, Visit
from routing.schedule import price, timed_route

Progress = Callable[[int, int], None]


def solve(
    problem: Problem,
    options: Options | None = None,
    *,
    warm_start: Plan | None = None,
    prefixes: Sequence[Prefix] = (),
) -> Plan:
    """Route `problem`.

    With `warm_start`, the search starts from that plan (what is still allowed of it); `prefixes` fix the
    first visits of shifts (today's started route) or whole shifts (`closed`: past days).
    """
    options = (options if options is not None else Options()).sized_for(len(problem.visits))
    if options.time_limit is None and options.solution_limit is None:
        raise ValueError(
            "set a time_limit, a solution_limit or solutions_per_visit: a search may never stop by itself"
        )
    if options.workers is not None and options.workers > 1:
        return _best_of_restarts(problem, options, warm_start, prefixes)
    started = time.perf_counter()
    prepared = prepare(problem, options, prefixes)
    model = prepared.model
    if not model.visits:
        orders: tuple[tuple[int, ...], ...] = ((),) * len(model.vehicles)
        status, solutions, warm, guard_hit = Status.OPTIMAL, 0, False, False
        first: float | None = 0.0
    else:
        from routing._ortools import solve_model  # kept lazy: checking and pickling plans need no OR-Tools

        initial: list[list[int]] | None = None
        if warm_start is not None:
            initial = _initial_routes(model, warm_start)
        elif options.start == "sweep":
            initial = sweep_routes(model)
        result = solve_model(model, initial)
        orders, status = result.routes, result.status
        first, solutions = result.first_solution_time, result.solutions
        warm = result.warm_started and warm_start is not None  # a sweep start is no previous plan
        guard_hit = result.guard_hit
    stats = Stats(time.perf_counter() - started, first, status, solutions, warm, guard_hit)
    return _assemble(prepared, orders, stats)


def _best_of_restarts(
    problem: Problem, options: Options, warm_start: Plan | None, prefixes: Sequence[Prefix]
) -> Plan:
    """`options.workers` searches from different seeds in parallel processes; the cheapest plan wins.

    Ties go to the lowest seed, so a run limited by solutions stays reproducible.
    """
    started = time.perf_counter()
    seeds = [replace(options, seed=options.seed + k, workers=1) for k in range(options.workers or 1)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(seeds), mp_context=context) as pool:
        futures = [pool.submit(solve, problem, o, warm_start=warm_start, prefixes=prefixes) for o in seeds]
        plans = [f.result() for f in futures]
    best = min(plans, key=lambda plan: plan.objective.total)
    return replace(best, stats=replace(best.stats, wall_time=time.perf_counter() - started))


def _initial_routes(model: SolverModel, plan: Plan) -> list[list[int]]:
    """The previous plan's orders for the open vehicles, keeping the visits the model may place there."""
    index = {v.id: i for i, v in enumerate(model.visits)}
    routes = []
    for v, vehicle in enumerate(model.vehicles):
        route = plan.route(vehicle.shift.worker_id, vehicle.shift.day)
        ids = route.visit_ids if route is not None else ()
        routes.append([index[i] for i in ids if i in index and v in model.allowed[index[i]]])
    return routes


def _assemble(prepared: Prepared, orders: Sequence[Sequence[int]], stats: Stats) -> Plan:
    model, problem = prepared.model, prepared.model.problem
    by_shift: dict[ShiftKey, list[Visit]] = {key: list(visits) for key, visits in prepared.prefixes.items()}
    for vehicle, order in zip(model.vehicles, orders, strict=True):
        by_shift.setdefault(vehicle.shift.key, []).extend(model.visits[i] for i in order)
    routed_shifts: list[tuple[Shift, list[Visit]]] = [
        (s, by_shift[s.key]) for s in problem.shifts if by_shift.get(s.key)
    ]
    routed = {v.id for _, visits in routed_shifts for v in visits}
    solver_dropped = [Dropped(v.id, DropReason.CAPACITY) for v in model.visits if v.id not in routed]
    dropped = _in_problem_order(problem, [*prepared.dropped, *solver_dropped])
    return Plan(
        routes=tuple(timed_route(problem, s, visits) for s, visits in routed_shifts),
        dropped=dropped,
        objective=price(problem, model.options, routed_shifts, dropped),
        stats=stats,
        overrun=prepared.overrun,
    )


def _in_problem_order(problem: Problem, dropped: list[Dropped]) -> tuple[Dropped, ...]:
    position = {v.id: i for i, v in enumerate(problem.visits)}
    return tuple(sorted(dropped, key=lambda d: position[d.visit_id]))


def solve_many(
    problems: Iterable[Problem],
    options: Options | None = None,
    *,
    executor: str | Any = "process",
    max_workers: int | None = None,
    progress: Progress | None = None,
    warm_starts: Sequence[Plan | None] | None = None,
) -> list[Plan]:
    """Solve independent problems in parallel; plans come back in the problems' order.

    `executor`: "process" (a pool of `max_workers`, default one per core, for this call), "serial", a
    `concurrent.futures.Executor` kept open by the caller (`process_pool`), a Dask scheduler address
    ("tcp://host:8786"), or a `distributed.Client` already connected. `warm_starts`, one
    per problem (None: cold), are the plans each search starts from.
    """
    todo = list(problems)
    warm: list[Plan | None] = list(warm_starts) if warm_starts is not None else [None] * len(todo)
    if len(warm) != len(todo):
        raise ValueError("one warm start (or None) per problem")
    # Parallelism is across problems here; restarts inside each would only compete for the same cores.
    options = replace(options if options is not None else Options(), workers=1)
    report = progress if progress is not None else _silent
    if executor == "serial":
        plans = []
        for done, (problem, start) in enumerate(zip(todo, warm, strict=True), 1):
            plans.append(solve(problem, options, warm_start=start))
            report(done, len(todo))
        return plans
    if executor == "process":
        workers = max_workers or os.cpu_count() or 1
        return _on_processes(todo, warm, options, workers, report)
    if isinstance(executor, Executor):
        return _on_pool(executor, todo, warm, options, report)
    if isinstance(executor, str):
        from distributed import Client

        with Client(executor) as client:  # type: ignore[no-untyped-call]
            return _on_dask(client, todo, warm, options, report)
    return _on_dask(executor, todo, warm, options, report)


def _silent(done: int, total: int) -> None:
    return None


def _solve_from(problem: Problem, warm_start: Plan | None, options: Options) -> Plan:
    return solve(problem, options, warm_start=warm_start)


def process_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool to keep open across many `solve_many` calls (a simulated month): starting one costs a fresh
    interpreter importing OR-Tools per process, about as much as a few solves."""
    # spawn, not fork: a parent holding Dask or hypothesis threads must not be forked.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=context)


def _on_processes(
    todo: list[Problem], warm: list[Plan | None], options: Options, workers: int, report: Progress
) -> list[Plan]:
    with process_pool(min(workers, max(1, len(todo)))) as pool:
        return _on_pool(pool, todo, warm, options, report)


def _on_pool(
    pool: Executor, todo: list[Problem], warm: list[Plan | None], options: Options, report: Progress
) -> list[Plan]:
    plans: list[Plan | None] = [None] * len(todo)
    futures = {
        pool.submit(solve, problem, options, warm_start=start): i
        for i, (problem, start) in enumerate(zip(todo, warm, strict=True))
    }
    for done, future in enumerate(as_completed(futures), 1):
        plans[futures[future]] = future.result()
        report(done, len(todo))
    return [p for p in plans if p is not None]


def _on_dask(
    client: Any, todo: list[Problem], warm: list[Plan | None], options: Options, report: Progress
) -> list[Plan]:
    from distributed import as_completed as dask_completed

    futures = client.map(partial(_solve_from, options=options), todo, warm, pure=False)
    position = {f.key: i for i, f in enumerate(futures)}
    plans: list[Plan | None] = [None] * len(todo)
    for done, future in enumerate(dask_completed(futures), 1):  # type: ignore[no-untyped-call]
        plans[position[future.key]] = future.result()
        report(done, len(todo))
    return [p for p in plans if p is not None]
