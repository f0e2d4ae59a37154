"""Production's descent with rounds of ruin and recreate after it, on synthetic worker months.

Each month: one worker, 23 working days of December 2026 (08:00-17:00, e-bike), 34-190 visits scattered
over 5 x 5 km (seeded), two in five with a morning or an afternoon window, owed from one of the first 15
days; delay and balance costs on, as production prices a month. Solved with `options_of(PlanningSettings())`
and `ruins` = each count given. Prints, summed over the months: objective, travel, CPU seconds (this
process), solutions. No database, no network; costs are deterministic, CPU seconds are not.

    python -m benchmarks.ruin_rounds [--months 12] [--rounds 0 10 30 100] [--start sweep] [--pyvrp 0.5 1]
        [--json]

`--pyvrp S` also solves the same months with PyVRP, S seconds each, on the same objective
(benchmarks.months_pyvrp).
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from benchmarks import Reporter, parser
from routing import Matrix, Problem, Shift, TravelMode, Visit, Window, check, solve
from visitsvc.planning.plan_versions import options_of
from visitsvc.planning.route_problems import PlanningSettings

DECEMBER = date(2026, 12, 1)


def months(count: int, seed: int = 11) -> list[Problem]:
    return [problem for problem, _ in months_with_points(count, seed)]


def months_with_points(count: int, seed: int = 11) -> list[tuple[Problem, list[tuple[float, float]]]]:
    """The months, each with its points (home first) in metres: what PyVRP is given as locations."""
    rng = random.Random(seed)
    workdays = [DECEMBER + timedelta(days=d) for d in range(31)]
    days = [d for d in workdays if d.weekday() < 5][:23]
    windows = [None, None, None, Window(8 * 3600, 12 * 3600), Window(13 * 3600, 17 * 3600)]
    problems: list[tuple[Problem, list[tuple[float, float]]]] = []
    for _ in range(count):
        n = rng.randint(34, 190)
        points = [(2500.0, 2500.0)] + [(rng.uniform(0, 5000), rng.uniform(0, 5000)) for _ in range(n)]
        rows = [[round(math.dist(a, b) / 1.3) for b in points] for a in points]
        visits = tuple(
            Visit(
                f"v{i}",
                i,
                rng.choice([1800, 1800, 600]),
                window=rng.choice(windows),
                due=rng.choice(days[:15]),
            )
            for i in range(1, n + 1)
        )
        shifts = tuple(Shift("w", d, 0, 8 * 3600, 17 * 3600, TravelMode.EBIKE) for d in days)
        problems.append((Problem(visits, shifts, (Matrix.from_rows(TravelMode.EBIKE, rows),)), points))
    return problems


def main() -> None:
    p = parser(__doc__ or "", search=False)
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--rounds", type=int, nargs="+", default=[0, 10, 30, 100])
    p.add_argument("--start", default="solver", choices=["solver", "sweep"], help="routing.Options.start")
    p.add_argument(
        "--pyvrp", type=float, nargs="*", default=[], help="also PyVRP, seconds per month (months_pyvrp)"
    )
    args = p.parse_args()
    out = Reporter(args.json)
    with_points = months_with_points(args.months)
    problems = [problem for problem, _ in with_points]
    out.line(f"visits per month: {[len(m.visits) for m in problems]}")
    production = options_of(PlanningSettings())
    runs: list[dict[str, Any]] = []
    for rounds in args.rounds:
        options = replace(production, ruins=rounds, start=args.start)
        started = time.process_time()
        plans = [solve(problem, options) for problem in problems]
        cpu = time.process_time() - started
        run = {
            "ruins": rounds,
            "start": args.start,
            "objective": sum(plan.objective.total for plan in plans),
            "travel": sum(plan.objective.travel for plan in plans),
            "cpu_seconds": round(cpu, 2),
            "solutions": sum(plan.stats.solutions for plan in plans),
            "checked": all(not check(m, plan) for m, plan in zip(problems, plans, strict=True)),
        }
        runs.append(run)
        out.line("  ".join(f"{k} {v}" for k, v in run.items()))
    for seconds in args.pyvrp:
        from benchmarks.months_pyvrp import solve_months

        run = solve_months(problems, [where for _, where in with_points], production, seconds)
        runs.append(run)
        out.line("  ".join(f"{k} {v}" for k, v in run.items()))
    out.result({"months": [len(m.visits) for m in problems], "runs": runs})


if __name__ == "__main__":
    main()
