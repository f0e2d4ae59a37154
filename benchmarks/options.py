"""Options on planning day (issue 20) on a seed: the month planned as on its first day, the options of the
whole area (timed), then each applicable option applied to a copy of that database (timed), its shortfall
after against the option's promise.

    python -m benchmarks.options [--size demo] [--squeeze 0.3] [--json]

`--squeeze f` gives every worker of the community of the seed's most loaded grid `f` of their daily minutes
first (the demo's month fits, so without it there is nothing to offer). SQLite: each apply runs on a copy.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from contextlib import closing
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import visitsvc.config  # noqa: F401 (installs the keyring the register's sealed columns need)
from benchmarks import Reporter, parser
from benchmarks.plan_city import seed
from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import Area, Elder, Worker, worker_grids
from visitsvc.planning import month_plan
from visitsvc.planning.option_apply import apply_options
from visitsvc.planning.plan_options import OPTION_SETTINGS, options

MONTH = Month(2026, 12)
# each option alone, then what an office short of hours would take together
CHOICES = (("reach",), ("calls",), ("hours",), ("reach", "calls", "hours"))


def unit_of_work(url: str) -> UnitOfWork:
    clock = FixedClock(datetime.combine(MONTH.first, clock_time(9), SHANGHAI))
    return UnitOfWork(session_factory(make_engine(url)), clock)


def squeeze(uow: UnitOfWork, share: float) -> str:
    """The workers of the most loaded grid's community keep `share` of their daily minutes (its colleagues
    nearby could otherwise take all it cannot fit); the community's code."""
    with uow:
        grid_id = uow.session.execute(
            select(Elder.grid_id, func.count()).group_by(Elder.grid_id).order_by(func.count().desc()).limit(1)
        ).one()[0]
        community = uow.session.get_one(Area, uow.session.get_one(Area, grid_id).parent_id)
        grids = select(Area.id).where(Area.path.startswith(community.path))
        ids = list(
            uow.session.scalars(select(worker_grids.c.worker_id).where(worker_grids.c.area_id.in_(grids)))
        )
        for worker in uow.session.scalars(select(Worker).where(Worker.id.in_(ids))):
            worker.visit_minutes_per_day = max(int(worker.visit_minutes_per_day * share), 30)
        code = community.code
        uow.commit()
        return code


def main() -> None:
    p = parser(__doc__ or "", search=False)
    p.add_argument("--size", default="demo")
    p.add_argument("--squeeze", type=float, default=0.3)
    args = p.parse_args()
    out = Reporter(args.json)
    result: dict[str, Any] = {"size": args.size, "load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "options.db"
        url = f"sqlite:///{path}"
        out.line(f"seeding {args.size} ...")
        seed(url, args.size, MONTH)
        uow = unit_of_work(url)
        if args.squeeze < 1:
            result["squeezed_grid"] = squeeze(uow, args.squeeze)
        started = time.perf_counter()
        planned = month_plan.plan_month(
            uow, caller=Caller.system(), month=MONTH, settings=OPTION_SETTINGS, executor="process"
        )
        result["plan_seconds"] = round(time.perf_counter() - started, 1)
        result["unplanned_capacity"] = sum(1 for u in planned.unplanned if u["reason"] == "capacity")
        out.line(
            f"planned in {result['plan_seconds']} s; {result['unplanned_capacity']} left out for capacity"
        )
        started = time.perf_counter()
        answer = options(uow, caller=Caller.system(), month=MONTH)
        result["options_seconds"] = round(time.perf_counter() - started, 1)
        result["short_grids"] = len(answer["grids"])
        result["total"] = answer["total"]
        out.line(f"options in {result['options_seconds']} s: {answer['total']}")
        applied: dict[str, Any] = {}
        for kinds in CHOICES if answer["grids"] else ():
            kind = "+".join(kinds)
            copy = Path(tmp) / f"{kind}.db"
            with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
                source.backup(target)  # the plan may still be in the write-ahead log
            started = time.perf_counter()
            made = apply_options(
                unit_of_work(f"sqlite:///{copy}"), caller=Caller.system(), month=MONTH, kinds=list(kinds)
            )
            # a combination has no promise of its own: the options are solved one by one
            promised = answer["total"]["options"][kind].get("visits_short_after") if len(kinds) == 1 else None
            applied[kind] = {
                "seconds": round(time.perf_counter() - started, 1),
                "visits_short_after": sum(made["visits_short_after"].values()),
                "promised": promised,
            }
            out.line(f"applied {kind}: {applied[kind]}")
        result["applied"] = applied
    result["load_average_after"] = os.getloadavg()
    out.result(result)


if __name__ == "__main__":
    main()
