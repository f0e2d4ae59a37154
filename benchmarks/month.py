"""One worker's month (120 visits, 22 days) and a team's (1,000 visits, 220 worker-days) against PyVRP.

Same instance, same time limit, one process each; the figure is our travel seconds / PyVRP's. `--restarts k`
runs k seeds of ours in parallel processes (a parallel variant: report it separately). `--solutions N` runs
ours with a solution limit instead (production's kind of budget, reproducible), PyVRP as long as ours took.

    python -m benchmarks.month --times 5 30 120 [--solutions 120 240] [--instances worker team] [--json]
"""

from __future__ import annotations

import csv
import math
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks import Reporter, data_dir, parser
from routing import Matrix, Options, Problem, Shift, TravelMode, Visit, check, solve, solve_many

FIRST_DAY = date(2026, 12, 1)


@dataclass(frozen=True)
class Instance:
    name: str
    kmh: float
    workers: int
    days: int = 22
    shift_end: int = 28_800


INSTANCES = {"worker": Instance("worker", 4.0, 1), "team": Instance("team", 12.0, 10)}


def read_nodes(path: Path) -> list[dict[str, float]]:
    with path.open() as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def travel_seconds(nodes: list[dict[str, float]], kmh: float) -> list[list[int]]:
    """The generator's formula (see the data's README): round(euclid_m * 1.3 / speed_m_s)."""
    speed = kmh / 3.6
    return [
        [round(math.hypot(a["x_m"] - b["x_m"], a["y_m"] - b["y_m"]) * 1.3 / speed) for b in nodes]
        for a in nodes
    ]


def our_problem(instance: Instance, nodes: list[dict[str, float]], travel: list[list[int]]) -> Problem:
    days = [FIRST_DAY + timedelta(days=d) for d in range(instance.days)]
    shifts = tuple(
        Shift(f"w{w:02d}", day, 0, 0, instance.shift_end, TravelMode.EBIKE)
        for w in range(instance.workers)
        for day in days
    )
    visits = tuple(Visit(str(int(n["node"])), int(n["node"]), int(n["service_s"])) for n in nodes[1:])
    return Problem(visits, shifts, (Matrix.from_rows(TravelMode.EBIKE, travel),))


def run_ours(
    problem: Problem, seconds: float | None, options: dict[str, Any], solutions: int | None = None
) -> dict[str, Any]:
    opts = Options(time_limit=seconds, solution_limit=solutions, delay_cost=0, balance_cost=0, **options)
    cpu = time.process_time()
    plan = solve(problem, opts)
    cpu = time.process_time() - cpu
    return {
        "cost": plan.objective.travel,
        "feasible": not plan.dropped and not check(problem, plan),
        "routes": len(plan.routes),
        "first_solution_s": plan.stats.first_solution_time,
        "wall_s": plan.stats.wall_time,
        "cpu_s": cpu,
        "solutions": plan.stats.solutions,
    }


def sectors(nodes: list[dict[str, float]], count: int) -> list[list[int]]:
    """Visit nodes split into `count` slices of equal size by their angle around the depot (a sweep)."""
    x0, y0 = nodes[0]["x_m"], nodes[0]["y_m"]
    order = sorted(range(1, len(nodes)), key=lambda i: math.atan2(nodes[i]["y_m"] - y0, nodes[i]["x_m"] - x0))
    size = math.ceil(len(order) / count)
    return [order[k : k + size] for k in range(0, len(order), size)]


def run_decomposed(
    problem: Problem,
    nodes: list[dict[str, float]],
    seconds: float,
    count: int,
    jobs: int,
    options: dict[str, Any],
) -> dict[str, Any]:
    """Each sweep sector gets an equal share of the vehicles and of the CPU time (x jobs in parallel)."""
    matrix = problem.matrices[0]
    per_sector = len(problem.shifts) // count
    parts = []
    for k, members in enumerate(sectors(nodes, count)):
        keep = [0, *members]
        visits = tuple(Visit(str(node), i, int(nodes[node]["service_s"])) for i, node in enumerate(keep) if i)
        shifts = problem.shifts[k * per_sector : (k + 1) * per_sector]
        parts.append(Problem(visits, shifts, (Matrix.from_rows(matrix.mode, matrix.rows(keep)),)))
    opts = Options(time_limit=seconds * jobs / count, delay_cost=0, balance_cost=0, **options)
    started = time.perf_counter()
    plans = solve_many(parts, opts, executor="serial" if jobs == 1 else "process", max_workers=jobs)
    return {
        "cost": sum(p.objective.travel for p in plans),
        "feasible": all(not p.dropped and not check(part, p) for part, p in zip(parts, plans, strict=True)),
        "routes": sum(len(p.routes) for p in plans),
        "wall_s": time.perf_counter() - started,
    }


def run_pyvrp(
    instance: Instance, nodes: list[dict[str, float]], travel: list[list[int]], seconds: float
) -> dict[str, Any]:
    import numpy as np
    import pyvrp
    from pyvrp.stop import MaxRuntime

    matrix = np.array(travel, dtype=np.int64)
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(n["x_m"], n["y_m"]) for n in nodes],
        clients=[
            pyvrp.Client(
                i,
                service_duration=int(n["service_s"]),
                tw_early=int(n["tw_start_s"]),
                tw_late=int(n["tw_end_s"]),
            )
            for i, n in enumerate(nodes[1:], start=1)
        ],
        depots=[pyvrp.Depot(0, tw_early=0, tw_late=instance.shift_end)],
        vehicle_types=[
            pyvrp.VehicleType(
                num_available=instance.workers * instance.days, tw_early=0, tw_late=instance.shift_end
            )
        ],
        distance_matrices=[matrix],
        duration_matrices=[matrix],
    )
    started = time.perf_counter()
    result = pyvrp.solve(data, stop=MaxRuntime(seconds), seed=0, display=False)
    return {
        "cost": int(result.best.distance()),
        "feasible": bool(result.is_feasible()),
        "routes": result.best.num_routes(),
        "wall_s": time.perf_counter() - started,
    }


def _compared(
    name: str, budget: dict[str, Any], ours: dict[str, Any], pyvrp_result: dict[str, Any] | None
) -> tuple[dict[str, Any], str]:
    """One result row (a time or a solution budget) and its "pyvrp COST  ratio R" text for the terminal."""
    ratio = ours["cost"] / pyvrp_result["cost"] if pyvrp_result else None
    row = {"instance": name, **budget, "ours": ours, "pyvrp": pyvrp_result, "ratio": ratio}
    shown = f"ratio {ratio:.3f}" if ratio is not None else ""
    theirs_cost = pyvrp_result["cost"] if pyvrp_result else "-"
    return row, f"pyvrp {theirs_cost}  {shown}"


def main() -> None:
    args_parser = parser(__doc__ or "")
    args_parser.add_argument("--times", type=float, nargs="*", default=[5.0, 30.0])
    args_parser.add_argument(
        "--solutions", type=int, nargs="*", default=[], help="solution limits; PyVRP gets ours' wall time"
    )
    args_parser.add_argument("--instances", nargs="+", default=["worker", "team"], choices=sorted(INSTANCES))
    args_parser.add_argument(
        "--no-pyvrp", action="store_true", help="only our solver (ratios need --pyvrp-json)"
    )
    args_parser.add_argument(
        "--concurrent", action="store_true", help="run ours and PyVRP side by side, 1 core each"
    )
    args_parser.add_argument("--restarts", type=int, default=1, help="our seeds in parallel processes")
    args_parser.add_argument(
        "--decompose", type=int, default=1, help="solve K sweep sectors, time split K ways"
    )
    args_parser.add_argument("--jobs", type=int, default=1, help="with --decompose: sectors solved at once")
    args = args_parser.parse_args()
    out = Reporter(args.json)
    folder = data_dir(args.data) / "synthetic"
    ours_options = {
        "first_solution": args.first_solution,
        "metaheuristic": args.metaheuristic,
        "workers": args.restarts,
        "search_overrides": tuple(args.override),
        "ruins": args.ruins,
        "start": args.start,
    }
    variant = {"decompose": args.decompose, "jobs": args.jobs, "restarts": args.restarts}
    rows = []
    with ProcessPoolExecutor(max_workers=2 if args.concurrent else 1) as pool:
        for name in args.instances:
            instance = INSTANCES[name]
            nodes = read_nodes(folder / f"{name}.csv")
            travel = travel_seconds(nodes, instance.kmh)
            problem = our_problem(instance, nodes, travel)
            for seconds in args.times:
                theirs: Future[dict[str, Any]] | None = None
                if not args.no_pyvrp:
                    theirs = pool.submit(run_pyvrp, instance, nodes, travel, seconds)
                    if not args.concurrent:
                        theirs.result()
                if args.decompose > 1:
                    ours = run_decomposed(problem, nodes, seconds, args.decompose, args.jobs, ours_options)
                else:
                    ours = run_ours(problem, seconds, ours_options)
                pyvrp_result = theirs.result() if theirs is not None else None
                row, against = _compared(name, {"seconds": seconds}, ours, pyvrp_result)
                rows.append(row)
                out.line(
                    f"{name:6} {seconds:5.0f}s  ours {ours['cost']:8} (feasible {ours['feasible']}, "
                    f"routes {ours['routes']})  {against}"
                )
            for limit in args.solutions:
                ours = run_ours(problem, None, ours_options, limit)
                pyvrp_result = None
                if not args.no_pyvrp:
                    pyvrp_result = pool.submit(run_pyvrp, instance, nodes, travel, ours["wall_s"]).result()
                row, against = _compared(name, {"solutions": limit}, ours, pyvrp_result)
                rows.append(row)
                out.line(
                    f"{name:6} {limit:5} solutions ({ours['wall_s']:.1f} s, cpu {ours['cpu_s']:.1f} s)  "
                    f"ours {ours['cost']:8} "
                    f"(feasible {ours['feasible']}, routes {ours['routes']})  {against}"
                )
    out.result(
        {
            "variant": variant,
            "options": ours_options,
            "concurrent": args.concurrent,
            "runs": rows,
            "defaults": asdict(Options()),
        }
    )


if __name__ == "__main__":
    main()
