"""Planning the `city` seed's month end to end: 50,000 people, 1,000 grid workers, through `plan_month`
(database read, one routing problem per worker on a process pool, overflow to colleagues, the version
written). Goal: under 5 minutes on 2 cores and under 4 GiB for the whole process tree (issue 18).

    python -m benchmarks.plan_city [--db sqlite|postgresql] [--month 2026-12] [--time-per-worker SECONDS]
                                   [--ruin-rounds N] [--executor process|serial] [--json]

Seeding is timed apart. The plan is made as on the month's first day, so every working day is open. Printed:
wall seconds, CPU seconds of the process tree, peak memory, travel hours of the stored plan (as
`benchmarks.scale` measures it), and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime
from datetime import time as clock_time
from typing import Any

from sqlalchemy import func, select

import visitsvc.config  # noqa: F401 (installs the keyring the register's sealed columns need)
from benchmarks import Reporter
from benchmarks.city import PeakMemory
from benchmarks.field_server import REPO, environment, fresh_database
from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import Role, Worker
from visitsvc.planning import month_plan
from visitsvc.planning.route_problems import PlanningSettings


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--month", default="2026-12")
    p.add_argument("--time-per-worker", type=float, help="GLS seconds (default: production's)")
    p.add_argument("--ruin-rounds", type=int, help="rounds after each descent (default: production's)")
    p.add_argument("--executor", choices=["process", "serial"], default="process")
    p.add_argument("--json", action="store_true", help="print one JSON document and nothing else")
    args = p.parse_args()
    out = Reporter(args.json)
    month = Month.parse(args.month)
    # benchmarks.scale builds on this module's `seed` and `plan`: imported here, not at the top.
    from benchmarks.scale import ProcessTreeCpu, travel_of

    settings = PlanningSettings(time_per_worker=args.time_per_worker)
    if args.ruin_rounds is not None:
        settings = replace(settings, ruin_rounds=args.ruin_rounds)
    with fresh_database(args.db) as url:
        out.line(f"{args.db}: seeding the city district ...")
        seed_seconds = seed(url, "city", month)
        load_before = os.getloadavg()
        out.line(f"  seeded in {seed_seconds:.0f} s; planning {month}, load average {load_before} ...")
        with ProcessTreeCpu() as cpu:
            result = plan(url, month, settings, args.executor, out)
        load_after = os.getloadavg()
        engine = make_engine(url)
        travel = travel_of(engine, result["version_id"])
        engine.dispose()
    document = {
        "db": args.db,
        "month": str(month),
        "ruin_rounds": settings.ruin_rounds,
        "seed_seconds": round(seed_seconds, 1),
        **result,
        "cpu_s": cpu.seconds,
        **travel,
        "load_before": load_before,
        "load_after": load_after,
    }
    out.line(
        f"planned {result['planned_visits']} visits for {result['workers']} workers in {result['seconds']} s "
        f"(goal < 300 s), {cpu.seconds} CPU s; peak memory {result['peak_gib']} GiB (goal < 4 GiB); "
        f"unplanned {result['unplanned']}, substituted {result['substituted']}; "
        f"travel {travel['travel_h']} h ({travel['travel_h_per_100_visits']} h per 100 home visits); "
        f"load {load_before} -> {load_after}"
    )
    out.result(document)


def seed(url: str, size: str, month: Month) -> float:
    """Seed the `size` profile (seed/district.py) into the empty database at `url` as on the month's first
    day, in its own process as an operator would; its seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "seed", "--size", size, "--json", "--today", str(month.first)],
        cwd=REPO,
        env=environment(url),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def plan(
    url: str, month: Month, settings: PlanningSettings, executor: str | Any, out: Reporter
) -> dict[str, Any]:
    """`plan_month` as on the month's first day, timed, with the peak memory of the whole process tree."""
    engine = make_engine(url)
    clock = FixedClock(datetime.combine(month.first, clock_time(9), SHANGHAI))
    uow = UnitOfWork(session_factory(engine), clock)
    started = time.perf_counter()
    with PeakMemory() as memory:
        outcome = month_plan.plan_month(
            uow,
            caller=Caller.system(),
            month=month,
            executor=executor,
            settings=settings,
            progress=out.progress,
        )
    seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": round(seconds, 1),
        "peak_gib": round(memory.peak / 2**30, 2),
        "planned_visits": outcome.planned_visits,
        "grids": len(outcome.grids),
        "workers": _workers(url),
        "moved_to_other_workers": outcome.moved_to_other_workers,
        "substituted": sum(outcome.substituted_phone.values()),
        "unplanned": len(outcome.unplanned),
        "version_id": outcome.version_id,
    }


def _workers(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count()).select_from(Worker).where(Worker.role == Role.GRID_WORKER)
        )
    engine.dispose()
    return int(count or 0)


if __name__ == "__main__":
    main()
