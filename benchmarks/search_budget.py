"""How much search a worker's month needs: production's descent against a second of guided local search.

Seeds the `city` district (or uses `--database-url`), builds the worker problems of a first plan of December
2026, and solves a fixed sample of them one by one, three ways:
- `gls-1s`: guided local search for 1 s each (the production budget before ADR 0023; machine-dependent);
- `gls-counted`: guided local search stopped after the solutions `gls-1s` found for that problem (the same
  search, reproducible, so that quality compares without the machine's load);
- `production`: `options_of(PlanningSettings())`, a greedy descent to a local optimum, capped per visit.
Prints, per way, summed over the sample: travel, the whole objective, CPU seconds (this process), solutions.

    python -m benchmarks.search_budget [--sample 60] [--database-url URL] [--json]
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
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


def main() -> None:
    p = parser(__doc__, search=False)
    p.add_argument("--sample", type=int, default=60)
    p.add_argument("--database-url", help="a seeded city database (default: seed one into a temporary file)")
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
    timed = _run(sample, lambda _p: Options(time_limit=1.0))
    counted = _run(sample, lambda p: Options(time_limit=None, solution_limit=timed[1][id(p)].stats.solutions))
    production = _run(sample, lambda _p: options_of(PlanningSettings()))
    document: dict[str, Any] = {"sample": len(sample), "workers": len(problems)}
    for name, (seconds, plans) in (("gls-1s", timed), ("gls-counted", counted), ("production", production)):
        document[name] = figures = {
            "travel": sum(plan.objective.travel for plan in plans.values()),
            "objective": sum(plan.objective.total for plan in plans.values()),
            "cpu_seconds": round(seconds, 1),
            "solutions": sum(plan.stats.solutions for plan in plans.values()),
            "dropped": sum(len(plan.dropped) for plan in plans.values()),
        }
        out.line(f"{name:12} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    base = document["gls-counted"]
    document["production_vs_counted"] = {
        k: round(document["production"][k] / base[k] - 1, 5) for k in ("travel", "objective", "cpu_seconds")
    }
    out.line(f"production against gls-counted: {document['production_vs_counted']}")
    out.result(document)


def _problems(url: str) -> list[Problem]:
    engine = make_engine(url)
    clock = FixedClock(datetime.combine(DECEMBER.first, clock_time(9), SHANGHAI))
    problems = month_problems(UnitOfWork(session_factory(engine), clock), DECEMBER)
    engine.dispose()
    return problems


def _run(sample: list[Problem], options_for: Any) -> tuple[float, dict[int, Plan]]:
    started, plans = time.process_time(), {}
    for problem in sample:
        plans[id(problem)] = solve(problem, replace(options_for(problem), workers=1))
    return time.process_time() - started, plans


if __name__ == "__main__":
    main()
