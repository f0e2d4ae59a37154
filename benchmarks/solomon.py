"""The 56 Solomon VRPTW instances against the DIMACS best-known distances.

DIMACS convention: Euclidean distances truncated to one decimal, objective = distance only (vehicles free). We
work in tenths so that truncation is exact in integers: distance d becomes floor(10 d), times are x10.

    python -m benchmarks.solomon --time 5 [--jobs 2] [--instances C101 R201 ...] [--json]
"""

from __future__ import annotations

import csv
import math
from dataclasses import asdict
from datetime import date
from pathlib import Path

from benchmarks import Reporter, data_dir, parser, percent_summary
from routing import Matrix, Options, Problem, Shift, TravelMode, Visit, Window, check, solve_many

SCALE = 10
DAY = date(2000, 1, 1)  # Solomon has one day; any date will do


def load(path: Path) -> Problem:
    lines = [line.split() for line in path.read_text().splitlines()]
    numeric = [fields for fields in lines if fields and all(f.replace(".", "").isdigit() for f in fields)]
    vehicles, capacity = (int(x) for x in numeric[0])
    rows = [[int(float(x)) for x in fields] for fields in numeric[1:]]
    xy = [(r[1], r[2]) for r in rows]
    seconds = tuple(math.floor(SCALE * math.hypot(ax - bx, ay - by) + 1e-9) for ax, ay in xy for bx, by in xy)
    matrix = Matrix(TravelMode.CAR, len(xy), seconds)
    depot = rows[0]
    shifts = tuple(
        Shift(f"v{k:02d}", DAY, 0, depot[4] * SCALE, depot[5] * SCALE, TravelMode.CAR, capacity)
        for k in range(vehicles)
    )
    visits = tuple(
        Visit(str(r[0]), r[0], r[6] * SCALE, window=Window(r[4] * SCALE, r[5] * SCALE), load=r[3])
        for r in rows[1:]
    )
    return Problem(visits, shifts, (matrix,))


def best_known(folder: Path) -> dict[str, float]:
    with (folder / "bks.csv").open() as f:
        return {row["instance"]: float(row["dimacs_distance"]) for row in csv.DictReader(f)}


def main() -> None:
    args_parser = parser(__doc__ or "")
    args_parser.add_argument("--time", type=float, default=5.0, help="seconds per instance")
    args_parser.add_argument("--solutions", type=int, help="solution limit instead of time (reproducible)")
    args_parser.add_argument("--jobs", type=int, default=1, help="instances solved at once, one process each")
    args_parser.add_argument("--only", default="", help="instance name prefix, e.g. RC2")
    args_parser.add_argument("--instances", nargs="+", help="these instances only, e.g. C101 R201")
    args = args_parser.parse_args()
    out = Reporter(args.json)
    folder = data_dir(args.data) / "solomon"
    bks = best_known(folder)
    paths = sorted(
        p
        for p in (folder / "txt").glob("*.txt")
        if p.stem.startswith(args.only) and (not args.instances or p.stem in args.instances)
    )
    problems = [load(p) for p in paths]
    options = Options(
        time_limit=None if args.solutions else args.time,
        solution_limit=args.solutions,
        delay_cost=0,
        balance_cost=0,
        first_solution=args.first_solution,
        metaheuristic=args.metaheuristic,
        search_overrides=tuple(args.override),
        ruins=args.ruins,
    )
    executor = "serial" if args.jobs == 1 else "process"
    plans = solve_many(problems, options, executor=executor, max_workers=args.jobs, progress=out.progress)
    rows, gaps = [], []
    for path, problem, plan in zip(paths, problems, plans, strict=True):
        feasible = not plan.dropped and not check(problem, plan)
        distance = plan.objective.travel / SCALE
        gap = 100 * (distance - bks[path.stem]) / bks[path.stem]
        if feasible:
            gaps.append(gap)
        rows.append(
            {
                "instance": path.stem,
                "distance": distance,
                "bks": bks[path.stem],
                "gap": gap if feasible else None,
                "vehicles": len(plan.routes),
                "dropped": len(plan.dropped),
                "feasible": feasible,
                "first_solution_s": plan.stats.first_solution_time,
            }
        )
        shown = f"{gap:6.2f}%" if feasible else "infeasible"
        out.line(
            f"{path.stem:6} {distance:9.1f} bks {bks[path.stem]:9.1f}  gap {shown}  routes {len(plan.routes)}"
        )
    summary = percent_summary(gaps)
    feasible_count = sum(r["feasible"] is True for r in rows)
    out.line(
        f"mean gap {summary['mean']:.2f}%  median {summary['median']:.2f}%  max {summary['max']:.2f}%  "
        f"feasible {feasible_count}/{len(rows)}"
    )
    out.result(
        {
            "options": asdict(options),
            "jobs": args.jobs,
            "instances": rows,
            **summary,
            "feasible": feasible_count,
        }
    )


if __name__ == "__main__":
    main()
