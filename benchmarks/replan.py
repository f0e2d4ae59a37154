"""Re-planning one worker after a miss, on the demo district: the goal is under 5 s.

Seeds the demo district (`python -m seed --size demo`) into a temporary SQLite file, plans December 2026 as on
25 November, then on 1 December records "not at home" for one of a worker's visits of that day through the
visits service and times `replan(worker_id=...)`, as a supervisor's request would run it (serial, the
production search time per worker). `--repeat` records another not-at-home each round. Each round also reports
what storing the version cost: the seconds of `store_version` and the plan rows it wrote (rows inserted with
the new version's id, and rows whose `retired_in` it set where the table has that column, docs/adr/0022).

    python -m benchmarks.replan [--repeat 3] [--plan-solutions 100] [--json]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

import visitsvc.config  # noqa: F401 - installs the register's keyring (the seeded people are sealed)
from benchmarks import REPO, Reporter, parser
from visitsvc.access.scoping import Caller, caller_for
from visitsvc.field import visits
from visitsvc.field.visit_input import VisitInput
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import PlannedVisit, VisitKind, VisitOutcome
from visitsvc.planning import replan_writing
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings

PLANNED_ON = date(2026, 11, 25)
DAY = date(2026, 12, 1)
DECEMBER = Month(2026, 12)


def seed(url: str, out: Reporter) -> None:
    env = {**os.environ, "VISITSVC_DATABASE_URL": url, "VISITSVC_SECRET_KEY": "b" * 48}
    command = [sys.executable, "-m", "seed", "--size", "demo", "--today", PLANNED_ON.isoformat(), "--json"]
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    out.line(f"seeded the demo district in {time.perf_counter() - started:.1f} s")


def todays_rows(uow: UnitOfWork) -> list[PlannedVisit]:
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        return [r for r in uow.plans.visits(latest.id) if r.day == DAY and r.kind is VisitKind.HOME]


def not_home(uow: UnitOfWork, row: PlannedVisit, minute: int) -> None:
    with uow:
        worker = uow.workers.find_by_account_id(row.worker_id)
        assert worker is not None
        caller: Caller = caller_for(worker)
    start = datetime.combine(DAY, clock_time(9, 0), SHANGHAI) + timedelta(minutes=minute)
    visit = VisitInput(str(uuid.uuid4()), VisitKind.HOME, VisitOutcome.NOT_HOME, start, start, row.id)
    visits.record_visit(uow, caller=caller, visit=visit)


class StoreTimer:
    """The seconds of each `store_version` call the re-plan makes (wrapped where replan_writing calls it)."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._store = replan_writing.store_version

        def timed(*args: Any, **kwargs: Any) -> int:
            started = time.perf_counter()
            try:
                return self._store(*args, **kwargs)
            finally:
                self.seconds.append(time.perf_counter() - started)

        replan_writing.store_version = timed  # type: ignore[assignment]


def rows_written(engine: Engine, version_id: int) -> dict[str, int]:
    """Plan rows the version wrote: inserted with its id, and retired by it where rows carry `retired_in`."""
    written: dict[str, int] = {}
    with engine.connect() as conn:
        for table in ("planned_visits", "unplanned_visits"):
            columns = {c["name"] for c in inspect(conn).get_columns(table)}
            query = f"SELECT count(*) FROM {table} WHERE version_id = :v"  # noqa: S608 - fixed names
            written[f"{table}_inserted"] = conn.execute(text(query), {"v": version_id}).scalar_one()
            if "retired_in" in columns:
                query = f"SELECT count(*) FROM {table} WHERE retired_in = :v"  # noqa: S608 - fixed names
                written[f"{table}_retired"] = conn.execute(text(query), {"v": version_id}).scalar_one()
    return written


def main() -> None:
    args_parser = parser(__doc__ or "", search=False)
    args_parser.add_argument("--repeat", type=int, default=3, help="misses recorded and re-planned in turn")
    args_parser.add_argument("--plan-solutions", type=int, default=100, help="search of the month's plan")
    args = args_parser.parse_args()
    out = Reporter(args.json)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'replan.db'}"
        seed(url, out)
        engine = make_engine(url)
        clock = FixedClock(datetime.combine(PLANNED_ON, clock_time(9, 0), SHANGHAI))
        uow = UnitOfWork(session_factory(engine), clock)
        started = time.perf_counter()
        planned = plan_month(
            uow,
            caller=Caller.system(),
            month=DECEMBER,
            settings=PlanningSettings(solution_limit=args.plan_solutions),
            progress=out.progress,
        )
        plan_seconds = time.perf_counter() - started
        out.line(f"planned {planned.planned_visits} visits of {DECEMBER} in {plan_seconds:.1f} s")
        clock.set(datetime.combine(DAY, clock_time(17, 0), SHANGHAI))
        rows = todays_rows(uow)
        worker_id = max({r.worker_id for r in rows}, key=lambda w: sum(r.worker_id == w for r in rows))
        mine = [r for r in rows if r.worker_id == worker_id]
        runs: list[dict[str, Any]] = []
        timer = StoreTimer()
        for n, row in enumerate(mine[: args.repeat]):
            not_home(uow, row, 30 * n)
            timer.seconds.clear()
            started = time.perf_counter()
            outcome = replan(uow, caller=Caller.system(), today=DAY, worker_id=worker_id, executor="serial")
            seconds = time.perf_counter() - started
            with uow:
                solver = uow.plans.get(outcome.version_id).solver_seconds
            store = round(sum(timer.seconds), 3)
            written = rows_written(engine, outcome.version_id) if outcome.created else {}
            runs.append(
                {"seconds": round(seconds, 3), "solver_seconds": solver, "store_seconds": store,
                 "rows_written": written, **outcome.as_json()}
            )  # fmt: skip
            out.line(
                f"miss {n + 1}: re-planned worker {worker_id} in {seconds:.2f} s (solver {solver:.2f} s), "
                f"v{outcome.version}, moved {outcome.moved}, added {outcome.added}, workers {outcome.workers}"
                f"; stored in {store:.3f} s, rows written {written}"
            )
        engine.dispose()
    times = [r["seconds"] for r in runs]
    figures = {
        "median_s": statistics.median(times) if times else None,
        "max_s": max(times, default=None),
        "goal_s": 5.0,
    }
    out.line(f"replan one worker: median {figures['median_s']} s, max {figures['max_s']} s (goal < 5 s)")
    out.result(
        {
            "plan": {"visits": planned.planned_visits, "seconds": round(plan_seconds, 1)},
            "worker_id": worker_id,
            "runs": runs,
            **figures,
        }
    )


if __name__ == "__main__":
    main()
