"""How much search a worker's month needs: production's descent against a second of guided local search.

Seeds the `city` district (or uses `--database-url`), builds the worker problems of a first plan of December
2026, and solves a fixed sample of them one by one, three ways:
- `gls-1s`: guided local search for 1 s each (the production budget before ADR 0023; machine-dependent);
- `gls-counted`: guided local search stopped after the solutions `gls-1s` found for that problem (the same
  search, reproducible, so that quality compares without the machine's load);
- `production`: `options_of(PlanningSettings())`, a greedy descent to a local optimum, capped per visit.
Opt-in ways (`--ways`): `sweep` and `sweep-ruins10` (production with `start="sweep"`, and 10 rounds of ruin
and recreate); `--pyvrp S [S ...]` adds PyVRP at S seconds per problem (`benchmarks.months_pyvrp`: allowed
days as prohibitive arcs, each day's visit cap from a min-cost assignment, priced by our objective; a visit
left out or on a day it may not go on is counted as a failure).
Prints, per way, summed over the sample: travel, lateness, imbalance, the whole objective, CPU seconds (this
process), solutions, dropped.

    python -m benchmarks.search_budget [--sample 60] [--database-url URL] [--json]
        [--ways production sweep sweep-ruins10] [--pyvrp 0.25 1]
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import visitsvc.config  # noqa: F401 (installs the keyring the register's sealed columns need)
from benchmarks import REPO, Reporter, parser
from benchmarks.field_server import environment
from routing import Options, Plan, Problem, solve
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.planning.month_plan import month_problems
from visitsvc.planning.plan_versions import options_of
from visitsvc.planning.route_problems import PlanningSettings

DECEMBER = Month(2026, 12)
WAYS = ["gls-1s", "gls-counted", "production", "sweep", "sweep-ruins10"]


def main() -> None:
    p = parser(__doc__, search=False)
    p.add_argument("--sample", type=int, default=60)
    p.add_argument("--database-url", help="a seeded city database (default: seed one into a temporary file)")
    p.add_argument("--ways", nargs="*", choices=WAYS, default=WAYS[:3], help="which of our searches to run")
    p.add_argument("--pyvrp", type=float, nargs="*", default=[], help="also PyVRP, seconds per problem")
    args = p.parse_args()
    out = Reporter(args.json)
    if args.database_url:
        problems = _problems(args.database_url)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'city.db'}"
            out.line("seeding the city district ...")
            subprocess.run(
                [sys.executable, "-m", "seed", "--size", "city", "--json", "--today", str(DECEMBER.first)],
                cwd=REPO, env=environment(url), check=True, capture_output=True,
            )  # fmt: skip
            problems = _problems(url)
    sample = random.Random(7).sample(problems, min(args.sample, len(problems)))
    out.line(f"{len(problems)} worker problems; a sample of {len(sample)}")
    document: dict[str, Any] = {"sample": len(sample), "workers": len(problems)}
    production = options_of(PlanningSettings())
    ran: dict[str, tuple[float, dict[int, Plan]]] = {}
    for way in args.ways:
        if way == "gls-counted":  # stopped after the solutions gls-1s found, so it needs those runs
            timed = ran.get("gls-1s") or _run(sample, lambda _p: _options("gls-1s", production))
            counts = {key: plan.stats.solutions for key, plan in timed[1].items()}
            ran[way] = _run(
                sample, lambda p, counts=counts: Options(time_limit=None, solution_limit=counts[id(p)])
            )
        else:
            ran[way] = _run(sample, lambda _p, way=way: _options(way, production))
    for name, (seconds, plans) in ran.items():
        document[name] = figures = _figures(plans.values(), seconds)
        out.line(f"{name:14} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    for seconds in args.pyvrp:
        document[f"pyvrp-{seconds}s"] = figures = _pyvrp(sample, production, seconds)
        out.line(f"pyvrp {seconds} s  " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    if "production" in document and "gls-counted" in document:
        base = document["gls-counted"]
        document["production_vs_counted"] = {
            k: round(document["production"][k] / base[k] - 1, 5)
            for k in ("travel", "objective", "cpu_seconds")
        }
        out.line(f"production against gls-counted: {document['production_vs_counted']}")
    out.result(document)


def _problems(url: str) -> list[Problem]:
    engine = make_engine(url)
    clock = FixedClock(datetime.combine(DECEMBER.first, clock_time(9), SHANGHAI))
    problems = month_problems(UnitOfWork(session_factory(engine), clock), DECEMBER)
    engine.dispose()
    return problems


def _options(way: str, production: Options) -> Options:
    if way == "gls-1s":
        return Options(time_limit=1.0)
    if way == "sweep":
        return replace(production, start="sweep")
    if way == "sweep-ruins10":
        return replace(production, start="sweep", ruins=10)
    return production


def _figures(plans: Iterable[Plan], seconds: float) -> dict[str, float]:
    objectives = [(plan.objective, plan.stats.solutions, len(plan.dropped)) for plan in plans]
    return {
        "travel": sum(o.travel for o, _, _ in objectives),
        "lateness": sum(o.lateness for o, _, _ in objectives),
        "imbalance": sum(o.imbalance for o, _, _ in objectives),
        "objective": sum(o.total for o, _, _ in objectives),
        "cpu_seconds": round(seconds, 1),
        "solutions": sum(n for _, n, _ in objectives),
        "dropped": sum(d for _, _, d in objectives),
    }


def _pyvrp(sample: list[Problem], options: Options, seconds: float) -> dict[str, float]:
    """PyVRP on each problem; `objective` is ours (travel, lateness, imbalance) on PyVRP's routes."""
    from benchmarks.months_pyvrp import solve_one

    started = time.process_time()
    found = [solve_one(problem, options, seconds, soft_balance=True) for problem in sample]
    keys = ("travel", "lateness", "imbalance")
    figures: dict[str, float] = {k: sum(f[k] for f in found) for k in keys}
    figures["objective"] = sum(figures[k] for k in keys)
    figures["cpu_seconds"] = round(time.process_time() - started, 1)
    figures["left_out"] = sum(f["left_out"] for f in found)
    figures["wrong_day"] = sum(f["wrong_day"] for f in found)
    figures["failed"] = sum(not f["checked"] for f in found)
    # Travel aside, no plan's lateness and imbalance go below this: the part of `objective` search can win.
    figures["floor"] = sum(f["floor"] or 0 for f in found)
    return figures


def _run(sample: list[Problem], options_for: Any) -> tuple[float, dict[int, Plan]]:
    started, plans = time.process_time(), {}
    for problem in sample:
        plans[id(problem)] = solve(problem, replace(options_for(problem), workers=1))
    return time.process_time() - started, plans


if __name__ == "__main__":
    main()
