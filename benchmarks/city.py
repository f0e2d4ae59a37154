"""A city's month: 50,000 visits, 1,000 workers, 22 working days, people in villages and communities.

One problem per worker (disjoint grids), solved with `solve_many` on a process pool or a Dask LocalCluster,
at a fixed amount of search per problem (`--solutions`), so that throughput compares executors, not clocks.
Reports wall time, problems per second and the peak memory of the whole process tree.

    python -m benchmarks.city --executor process|dask [--jobs 2] [--solutions 100] [--json]
"""

from __future__ import annotations

import math
import random
import threading
import time
from datetime import date, timedelta
from typing import Any

import psutil

from benchmarks import Reporter, parser
from routing import (
    Location,
    Options,
    Problem,
    Shift,
    TravelMode,
    Visit,
    Window,
    build_matrices,
    check,
    solve_many,
)

MONTH_START = date(2026, 12, 1)
DAY_START, DAY_END = 8 * 3600, 17 * 3600
METRES_PER_DEGREE = 111_195.0


def working_days(count: int) -> list[date]:
    days, day = [], MONTH_START
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def worker_problem(rng: random.Random, worker: int, visit_count: int, days: list[date]) -> Problem:
    """A community (dense, on foot) or a village (spread out, by e-bike) somewhere in a 60 km province."""
    village = rng.random() < 0.5
    spread_m, mode = (1500.0, TravelMode.EBIKE) if village else (400.0, TravelMode.WALK)
    lon0, lat0 = 116.0 + rng.uniform(0, 0.7), 39.6 + rng.uniform(0, 0.55)
    hamlets = [(rng.gauss(0, spread_m), rng.gauss(0, spread_m)) for _ in range(3 if village else 1)]

    def near(x: float, y: float, sigma: float) -> Location:
        dx, dy = x + rng.gauss(0, sigma), y + rng.gauss(0, sigma)
        return Location(
            lon0 + dx / (METRES_PER_DEGREE * math.cos(math.radians(lat0))), lat0 + dy / METRES_PER_DEGREE
        )

    locations = [near(0, 0, 100)]  # the worker's office
    visits = []
    for i in range(visit_count):
        locations.append(near(*rng.choice(hamlets), sigma=spread_m / 5))
        window = Window(DAY_START, 12 * 3600) if rng.random() < 0.2 else None  # home in the mornings only
        allowed = frozenset(days[rng.randrange(2) :: 2]) if rng.random() < 0.1 else None  # alternate days
        visits.append(Visit(f"w{worker}-e{i}", i + 1, 1800, days=allowed, window=window))
    shifts = tuple(Shift(f"w{worker}", day, 0, DAY_START, DAY_END, mode) for day in days)
    return Problem(tuple(visits), shifts, build_matrices(locations, [mode]))


class PeakMemory:
    """Samples the resident memory of this process and all its descendants (pool or Dask workers)."""

    def __init__(self, every: float = 0.2) -> None:
        self.peak, self.every, self._stop = 0, every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    continue  # a child that just exited
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)


def main() -> None:
    args_parser = parser(__doc__ or "", search=False)
    args_parser.add_argument("--executor", choices=["process", "dask", "serial"], default="process")
    args_parser.add_argument("--jobs", type=int, default=2, help="pool processes or Dask workers")
    args_parser.add_argument("--visits", type=int, default=50_000)
    args_parser.add_argument("--workers", type=int, default=1_000, help="field workers = problems")
    args_parser.add_argument("--days", type=int, default=22)
    args_parser.add_argument("--solutions", type=int, default=100, help="search per problem (reproducible)")
    args_parser.add_argument("--seed", type=int, default=1)
    args = args_parser.parse_args()
    out = Reporter(args.json)

    rng = random.Random(args.seed)
    days = working_days(args.days)
    per_worker = [args.visits // args.workers + (w < args.visits % args.workers) for w in range(args.workers)]
    generated = time.perf_counter()
    problems = [worker_problem(rng, w, n, days) for w, n in enumerate(per_worker)]
    generated = time.perf_counter() - generated
    out.line(f"generated {len(problems)} problems, {args.visits} visits in {generated:.1f}s")
    options = Options(time_limit=None, solution_limit=args.solutions)

    with PeakMemory() as memory:
        started = time.perf_counter()
        plans, solving = run(problems, options, args.executor, args.jobs, out)
        wall = time.perf_counter() - started
    violations = sum(len(check(p, plan)) for p, plan in zip(problems, plans, strict=True))
    document: dict[str, Any] = {
        "executor": args.executor,
        "jobs": args.jobs,
        "problems": len(problems),
        "visits": args.visits,
        "solutions_per_problem": args.solutions,
        "generate_s": generated,
        "wall_s": wall,  # with pool or cluster start-up and shut-down
        "solve_s": solving,  # from the first submission to the last plan
        "problems_per_s": len(problems) / solving,
        "peak_rss_gib": memory.peak / 2**30,
        "routed": sum(len(r.stops) for plan in plans for r in plan.routes),
        "dropped": sum(len(plan.dropped) for plan in plans),
        "travel_h": sum(plan.objective.travel for plan in plans) / 3600,
        "violations": violations,
    }
    out.line(
        f"{args.executor} x{args.jobs}: {wall:.1f}s wall, {solving:.1f}s solving, "
        f"{document['problems_per_s']:.2f} problems/s, "
        f"peak {document['peak_rss_gib']:.2f} GiB, routed {document['routed']}, "
        f"dropped {document['dropped']}, violations {violations}"
    )
    out.result(document)


def run(
    problems: list[Problem], options: Options, executor: str, jobs: int, out: Reporter
) -> tuple[list[Any], float]:
    """The plans and the seconds spent solving them (without starting the pool or cluster, for Dask)."""
    if executor != "dask":
        started = time.perf_counter()
        plans = solve_many(problems, options, executor=executor, max_workers=jobs, progress=out.progress)
        return plans, time.perf_counter() - started
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(jobs)
        started = time.perf_counter()
        plans = solve_many(problems, options, executor=client, progress=out.progress)
        return plans, time.perf_counter() - started


if __name__ == "__main__":
    main()
