"""One worker's month (120 visits, 22 days) and a team's (1,000 visits, 220 worker-days) against PyVRP.

Same instance, same time limit, one process each; the figure is our travel seconds / PyVRP's. `--restarts k`
runs k seeds of ours in parallel processes (a parallel variant: report it separately).

    python -m benchmarks.month --times 5 30 120 [--instances worker team] [--concurrent] [--json]
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
from routing import Matrix, Options, Problem, Shift, TravelMode, Visit, check, solve

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


def run_ours(problem: Problem, seconds: float, options: dict[str, Any]) -> dict[str, Any]:
    opts = Options(time_limit=seconds, delay_cost=0, balance_cost=0, **options)
    plan = solve(problem, opts)
    return {
        "cost": plan.objective.travel,
        "feasible": not plan.dropped and not check(problem, plan),
        "routes": len(plan.routes),
        "first_solution_s": plan.stats.first_solution_time,
        "wall_s": plan.stats.wall_time,
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


def main() -> None:
    args_parser = parser(__doc__ or "")
    args_parser.add_argument("--times", type=float, nargs="+", default=[5.0, 30.0])
    args_parser.add_argument("--instances", nargs="+", default=["worker", "team"], choices=sorted(INSTANCES))
    args_parser.add_argument(
        "--no-pyvrp", action="store_true", help="only our solver (ratios need --pyvrp-json)"
    )
    args_parser.add_argument(
        "--concurrent", action="store_true", help="run ours and PyVRP side by side, 1 core each"
    )
    args_parser.add_argument("--restarts", type=int, default=1, help="our seeds in parallel processes")
    args_parser.add_argument("--first-solution", default="PARALLEL_CHEAPEST_INSERTION")
    args_parser.add_argument("--metaheuristic", default="GUIDED_LOCAL_SEARCH")
    args = args_parser.parse_args()
    out = Reporter(args.json)
    folder = data_dir(args.data) / "synthetic"
    ours_options = {
        "first_solution": args.first_solution,
        "metaheuristic": args.metaheuristic,
        "workers": args.restarts,
    }
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
                ours = run_ours(problem, seconds, ours_options)
                pyvrp_result = theirs.result() if theirs is not None else None
                ratio = ours["cost"] / pyvrp_result["cost"] if pyvrp_result else None
                rows.append(
                    {
                        "instance": name,
                        "seconds": seconds,
                        "ours": ours,
                        "pyvrp": pyvrp_result,
                        "ratio": ratio,
                    }
                )
                shown = f"ratio {ratio:.3f}" if ratio is not None else ""
                theirs_cost = pyvrp_result["cost"] if pyvrp_result else "-"
                out.line(
                    f"{name:6} {seconds:5.0f}s  ours {ours['cost']:8} (feasible {ours['feasible']}, "
                    f"routes {ours['routes']})  pyvrp {theirs_cost}  {shown}"
                )
    out.result(
        {"options": ours_options, "concurrent": args.concurrent, "runs": rows, "defaults": asdict(Options())}
    )


if __name__ == "__main__":
    main()
