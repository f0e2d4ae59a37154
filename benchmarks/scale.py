"""How cost grows: a district's month planned, and one night re-planned, at 3,000, 12,500 and 50,000 people,
on SQLite and PostgreSQL; and the per-problem cost a province's Dask cluster would pay (docs/scale.md).

    python -m benchmarks.scale [--db sqlite|postgresql|both] [--sizes demo,district,city] [--json]
                               [--province [--province-problems 200] [--province-from district]]

For each size (seed/district.py's profiles) and database, in a fresh database:
1. seed (timed apart, in its own process);
2. plan the month as on its first day through `plan_month`, at the production budget (`PlanningSettings()`),
   on a process pool (benchmarks.plan_city's `seed` and `plan`);
3. one working day in the field through the services, as the simulation plays it (every phone fetches its
   route and records each visit with the simulation's rates: about 15% not at home, a few in hospital or
   refusing), and two absences announced for the next working day;
4. that night's re-plan, as the scheduler runs it (`scheduler.run_once` of `replan-nightly`).

Printed for the plan and the night: wall seconds, CPU seconds of the whole process tree (pool workers
included), peak memory of the tree, rows written per table and bytes the database grew; for the plan, travel
hours per 100 home visits (along each day's stops, as a worker's phone shows them); and per database the slope
of a log-log fit of seconds against people (1 = linear).

`--province`: a sample of real worker problems (recorded from `plan_month` on the `--province-from` seed)
solved at the production budget on a Dask `LocalCluster` of 1 and then 2 worker processes (one thread each):
CPU seconds per problem, per-task overhead, bytes shipped per task, memory per worker process.

Run it under `flock /tmp/m-bench.lock` on a shared machine. Progress goes to the terminal; `--json` prints
one JSON document and nothing else.
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import random
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from itertools import pairwise
from typing import Any

import psutil
from sqlalchemy import Engine, func, inspect, select, table, text

import routing
import visitsvc.config  # noqa: F401 - installs the data keys before the register is read (README)
from benchmarks import Reporter
from benchmarks.city import PeakMemory
from benchmarks.field_server import fresh_database
from benchmarks.plan_city import plan, seed
from seed.district import PROFILES
from visitsvc import scheduler
from visitsvc.access.scoping import Caller
from visitsvc.accounts import auth
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import AbsenceKind, Elder, Role, VisitKind, Worker
from visitsvc.planning import month_plan
from visitsvc.planning.plan_versions import options_of
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import absences
from visitsvc.simulation import desk
from visitsvc.simulation.draws import Draws, Rates
from visitsvc.simulation.field import FieldLog, FieldWorker, play_day

SYSTEM = Caller.system()
ABSENCES = 2  # announced during the day for the next working day
DRAWS_SEED = 1


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    p.add_argument(
        "--sizes", default="demo,district,city", help="seed profiles, comma-separated; '' for none"
    )
    p.add_argument("--month", default="2026-12")
    p.add_argument("--province", action="store_true", help="also the Dask LocalCluster figures")
    p.add_argument("--province-problems", type=int, default=200, help="worker problems in the fixed work")
    p.add_argument("--province-from", default="district", help="the seed profile the problems come from")
    p.add_argument("--json", action="store_true", help="print one JSON document and nothing else")
    args = p.parse_args()
    sizes = [s for s in args.sizes.split(",") if s]
    unknown = [s for s in [*sizes, args.province_from] if s not in PROFILES]
    if unknown:
        p.error(f"unknown size {', '.join(unknown)}: one of {', '.join(PROFILES)}")
    out = Reporter(args.json)
    month = Month.parse(args.month)
    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    out.line(f"load average before: {_load()}")
    document: dict[str, Any] = {
        "month": str(month),
        "cores": os.cpu_count(),
        "load_before": _load(),
        "runs": [],
    }
    for db in databases:
        for size in sizes:
            document["runs"].append(measure_size(db, size, month, out))
    document["slopes"] = slopes(document["runs"])
    for db, fits in document["slopes"].items():
        out.line(f"{db} slope (log seconds / log people): plan {fits['plan']}, night {fits['night']}")
    if args.province:
        document["province"] = province(args.province_problems, args.province_from, month, out)
    document["extrapolation"] = extrapolate(document["runs"], document.get("province"))
    for line in extrapolation_lines(document["extrapolation"]):
        out.line(line)
    document["load_after"] = _load()
    out.line(f"load average after: {_load()}")
    out.result(document)


# --- one size on one database -------------------------------------------------------------------------------


def measure_size(db: str, size: str, month: Month, out: Reporter) -> dict[str, Any]:
    people = PROFILES[size].elders
    load = _load()
    out.line(f"\n{db} / {size} ({people:,} people), load average {load}: seeding ...")
    with fresh_database(db) as url:
        seed_seconds = seed(url, size, month)
        out.line(f"  seeded in {seed_seconds:.1f} s; planning {month} as on {month.first} ...")
        engine = make_engine(url)
        try:
            before = Footprint.of(engine)
            with ProcessTreeCpu() as cpu:
                planned = plan(url, month, PlanningSettings(), "process", out)
            after_plan = Footprint.of(engine)
            travel = travel_of(engine, planned["version_id"])
            plan_figures = {
                **planned,
                "cpu_s": cpu.seconds,
                "cpu_main_s": cpu.main_seconds,
                "solver_s": solver_seconds(engine, month),
                **after_plan.minus(before),
                **travel,
            }
            out.line(_phase_line("plan", plan_figures))
            out.line(f"  travel {travel['travel_h_per_100_visits']} h per 100 home visits")
            day = first_workday(engine, month)
            field_figures = field_day(engine, day, out)
            after_day = Footprint.of(engine)
            field_figures.update(after_day.minus(after_plan))
            recorded, took = field_figures["recorded"], field_figures["seconds"]
            out.line(
                f"  field day {day}: {recorded} visits recorded in {took} s ({field_figures['outcomes']}); "
                f"{field_figures['absences']} absences announced"
            )
            night_figures = night(engine, day, out)
            night_figures.update(Footprint.of(engine).minus(after_day))
            out.line(_phase_line("night", night_figures))
        finally:
            engine.dispose()
    return {
        "db": db,
        "size": size,
        "people": people,
        "load_before": load,
        "seed_s": round(seed_seconds, 1),
        "plan": plan_figures,
        "field_day": field_figures,
        "night": night_figures,
    }


def _phase_line(name: str, figures: dict[str, Any]) -> str:
    return (
        f"  {name}: {figures['seconds']} s wall, {figures['cpu_s']} s CPU "
        f"({figures['cpu_main_s']} s of it in this process, solver {figures['solver_s']} s), "
        f"peak {figures['peak_gib']} GiB, "
        f"{figures['rows_written']:,} rows written, database +{figures['bytes_grown'] / 2**20:.1f} MiB "
        f"({figures['bytes_per_row']} bytes/row)"
    )


def first_workday(engine: Engine, month: Month) -> date:
    with _uow(engine, datetime.combine(month.first, clock_time(9), SHANGHAI)) as uow:
        return WorkCalendar(uow.calendar.days()).workdays(month)[0]


def field_day(engine: Engine, day: date, out: Reporter) -> dict[str, Any]:
    """`day` in the field as the simulation plays it (every phone through the route and visits services), and
    `ABSENCES` workers' leave for the next working day announced by their supervisors in the evening."""
    uow = _uow(engine, datetime.combine(day, clock_time(7, 30), SHANGHAI))
    clock = uow.clock
    assert isinstance(clock, FixedClock)
    cast = desk.read_cast(uow)
    crew = [
        FieldWorker(w.id, auth.act_as(uow, caller=SYSTEM, worker_id=w.id), w.work_start)
        for w in cast.field_workers
    ]
    log = FieldLog()
    started = time.perf_counter()
    play_day(uow, clock, Draws(DRAWS_SEED, Rates()), crew, day, log)
    seconds = time.perf_counter() - started
    with uow:
        workdays = WorkCalendar(uow.calendar.days()).workdays(Month.of(day))
    tomorrow = next((d for d in workdays if d > day), None)
    away = random.Random(DRAWS_SEED).sample(cast.field_workers, ABSENCES) if tomorrow else []
    clock.set(max(clock.now(), datetime.combine(day, clock_time(19), SHANGHAI)))
    for worker in away:
        assert tomorrow is not None
        supervisor = cast.supervisor_for(worker.grid_codes[0]) if worker.grid_codes else SYSTEM
        absences.add_absence(
            uow, caller=supervisor, worker_id=worker.id, first_day=tomorrow, last_day=tomorrow,
            kind=AbsenceKind.LEAVE, note="请假（基准测试）",
        )  # fmt: skip
    outcomes = log.outcomes
    return {
        "day": day.isoformat(),
        "seconds": round(seconds, 1),
        "recorded": sum(outcomes.values()),
        "outcomes": dict(sorted(outcomes.items())),
        "absences": len(away),
    }


def night(engine: Engine, day: date, out: Reporter) -> dict[str, Any]:
    """The night after `day`: the scheduler's `replan-nightly` at 01:00, on this machine's process pool."""
    run_day = day + timedelta(days=1)
    uow = _uow(engine, datetime.combine(run_day, clock_time(1), SHANGHAI))
    out.line(f"  night of {run_day}: re-planning as the scheduler does ...")
    started = time.perf_counter()
    with ProcessTreeCpu() as cpu, PeakMemory() as memory:
        run = scheduler.run_once(uow, scheduler.JOBS["replan-nightly"], run_day.isoformat())
    seconds = time.perf_counter() - started
    if run is None or run.outcome != "succeeded":
        raise SystemExit(f"the night's re-plan did not succeed: {None if run is None else run.summary}")
    summary = run.summary
    return {
        "seconds": round(seconds, 1),
        "cpu_s": cpu.seconds,
        "cpu_main_s": cpu.main_seconds,
        "solver_s": solver_seconds(engine, Month.of(day)),
        "peak_gib": round(memory.peak / 2**30, 2),
        **{k: summary[k] for k in ("version", "created", "workers", "moved", "added", "removed", "changed")},
        "unplanned": len(summary["unplanned"]),
        "replan_seconds": summary["seconds"],
    }


def solver_seconds(engine: Engine, month: Month) -> float:
    """The newest version's solver seconds: the sum of its plans' search times (`plan_month`, `replan`)."""
    with _uow(engine, datetime.now(SHANGHAI)) as uow:
        latest = uow.plans.latest(month)
        return 0.0 if latest is None else float(latest.solver_seconds)


def _uow(engine: Engine, now: datetime) -> UnitOfWork:
    return UnitOfWork(session_factory(engine), FixedClock(now))


# --- what a phase cost --------------------------------------------------------------------------------------


class ProcessTreeCpu:
    """CPU seconds (user + system) of this process and every descendant over the block: children that ended
    inside it (a process pool's workers) through getrusage, those still running through psutil."""

    def __enter__(self) -> ProcessTreeCpu:
        self._start, self._main_start = self._now(), self._main()
        self.seconds = self.main_seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = round(self._now() - self._start, 1)
        # This process alone: reading, building the problems, storing (the solves run in the children).
        self.main_seconds = round(self._main() - self._main_start, 1)

    @staticmethod
    def _main() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    @staticmethod
    def _now() -> float:
        ended = sum(
            usage.ru_utime + usage.ru_stime
            for usage in (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
        )
        running = 0.0
        for child in psutil.Process().children(recursive=True):
            try:
                times = child.cpu_times()
            except psutil.Error:
                continue  # it ended meanwhile: counted by getrusage once reaped
            running += times.user + times.system
        return ended + running


@dataclass(frozen=True, slots=True)
class Footprint:
    """Rows per table and the bytes the database takes (SQLite: used pages; PostgreSQL: the tables, their
    indexes and TOAST, by pg_total_relation_size)."""

    rows: dict[str, int]
    size: int

    @classmethod
    def of(cls, engine: Engine) -> Footprint:
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        with engine.connect() as connection:
            rows = {
                t: int(connection.scalar(select(func.count()).select_from(table(t))) or 0) for t in tables
            }
            if engine.dialect.name == "sqlite":
                page = int(connection.scalar(text("PRAGMA page_size")) or 0)
                used = int(connection.scalar(text("PRAGMA page_count")) or 0)
                used -= int(connection.scalar(text("PRAGMA freelist_count")) or 0)
                size = page * used
            else:
                size = int(
                    connection.scalar(
                        text(
                            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                            "JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                        )
                    )
                    or 0
                )
        return cls(rows, size)

    def minus(self, before: Footprint) -> dict[str, Any]:
        grown = {t: n - before.rows.get(t, 0) for t, n in self.rows.items() if n != before.rows.get(t, 0)}
        written = sum(n for n in grown.values() if n > 0)
        return {
            "rows_by_table": dict(sorted(grown.items(), key=lambda kv: -kv[1])),
            "rows_written": written,
            "bytes_grown": self.size - before.size,
            "bytes_per_row": round((self.size - before.size) / written) if written else None,
        }


def travel_of(engine: Engine, version_id: int) -> dict[str, Any]:
    """Travel of a stored version along each worker's day, from the start and back, measured as the phone's
    route totals are (`todays_route._totals`: haversine, the matrices' detour, the mode's speed)."""
    with _uow(engine, datetime.now(SHANGHAI)) as uow:
        rows = [v for v in uow.plans.visits(version_id) if v.kind is VisitKind.HOME]
        where = {
            e: routing.Location(lon, lat)
            for e, lon, lat in uow.session.execute(select(Elder.id, Elder.lon, Elder.lat)).all()
            if lon is not None and lat is not None
        }
        workers = {
            w.id: (w.start_lon, w.start_lat, w.travel_mode)
            for w in uow.session.scalars(select(Worker).where(Worker.id.in_({r.worker_id for r in rows})))
        }
    days: dict[tuple[int, date], list[Any]] = {}
    for row in sorted(rows, key=lambda r: (r.worker_id, r.day, r.seq)):
        days.setdefault((row.worker_id, row.day), []).append(row)
    seconds = 0.0
    for (worker_id, _), stops in days.items():
        lon, lat, mode = workers[worker_id]
        points = [where[s.elder_id] for s in stops if s.elder_id in where]
        if lon is not None and lat is not None and points:
            points = [routing.Location(lon, lat), *points, routing.Location(lon, lat)]
        metres = sum(routing.matrix.haversine_m(a, b) for a, b in pairwise(points)) * routing.DEFAULT_DETOUR
        seconds += metres / (routing.SPEED_KMH[routing.TravelMode(mode.value)] / 3.6)
    hours = seconds / 3600
    return {
        "home_visits": len(rows),
        "travel_h": round(hours, 1),
        "travel_h_per_100_visits": round(100 * hours / len(rows), 2) if rows else None,
    }


def slopes(runs: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Per database, the least-squares slope of log(wall seconds) against log(people): 1 is linear."""
    fits: dict[str, dict[str, float | None]] = {}
    for db in sorted({r["db"] for r in runs}):
        mine = [r for r in runs if r["db"] == db]
        fits[db] = {
            phase: _slope([(r["people"], r[phase]["seconds"]) for r in mine]) for phase in ("plan", "night")
        }
    return fits


def _slope(points: list[tuple[float, float]]) -> float | None:
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len({x for x, _ in usable}) < 2:
        return None
    mx, my = statistics.fmean(x for x, _ in usable), statistics.fmean(y for _, y in usable)
    return round(sum((x - mx) * (y - my) for x, y in usable) / sum((x - mx) ** 2 for x, _ in usable), 2)


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- a province from what was measured (docs/scale.md) ----------------------------------------------------

PROVINCE_PEOPLE, PROVINCE_WORKERS = 1_000_000, 20_000
PLAN_WINDOW_S, NIGHT_WINDOW_S = 6 * 3600, 15 * 60  # a month planned overnight; a night re-planned
CORES_PER_MACHINE = 2  # a worker machine like this one: two cores, one Dask worker process on each
NIGHTS_PER_YEAR, PLANS_PER_YEAR, WORKDAYS_PER_YEAR = 365, 12, 250


def grid_workers(size: str) -> int:
    shape = PROFILES[size].shape
    return shape.streets * shape.communities_per_street * shape.grids_per_community


def extrapolate(runs: list[dict[str, Any]], cluster: dict[str, Any] | None) -> dict[str, Any]:
    """A province scaled linearly from the largest size measured on each database (the slopes say how far
    that holds): the solving (the solver's seconds) spread over 2-core worker machines in the window; the
    central part (this process: reading, building problems, storing) as one process, which does not spread;
    the database's rows and bytes per night and per year."""
    result: dict[str, Any] = {"assumptions": {
        "people": PROVINCE_PEOPLE, "workers": PROVINCE_WORKERS, "plan_window_s": PLAN_WINDOW_S,
        "night_window_s": NIGHT_WINDOW_S, "cores_per_machine": CORES_PER_MACHINE,
        "nights_per_year": NIGHTS_PER_YEAR, "plans_per_year": PLANS_PER_YEAR,
        "workdays_per_year": WORKDAYS_PER_YEAR,
    }}  # fmt: skip
    for db in sorted({r["db"] for r in runs}):
        largest = max((r for r in runs if r["db"] == db), key=lambda r: r["people"])
        k = PROVINCE_PEOPLE / largest["people"]
        phases = {}
        for phase, window in (("plan", PLAN_WINDOW_S), ("night", NIGHT_WINDOW_S)):
            measured = largest[phase]
            # A search stopped by a time limit holds its core for its whole budget, however much CPU a loaded
            # machine gave it: the solver's seconds, not the pool's CPU, are what a cluster must provide.
            solving = max(measured["solver_s"], measured["cpu_s"] - measured["cpu_main_s"]) * k
            central = measured["cpu_main_s"] * k
            phases[phase] = {
                "solving_s": round(solving),
                "machines": math.ceil(solving / (window * CORES_PER_MACHINE)),
                "central_cpu_s": round(central),
                "central_fits_window": central < window,
                "rows_written": round(measured["rows_written"] * k),
                "bytes_grown": round(measured["bytes_grown"] * k),
            }
        night, plan_phase, fieldwork = largest["night"], largest["plan"], largest["field_day"]
        resolved_share = night["workers"] / grid_workers(largest["size"])
        phases["database"] = {
            "rows_per_night": phases["night"]["rows_written"],
            "rows_per_s_in_night_window": round(phases["night"]["rows_written"] / NIGHT_WINDOW_S),
            "gib_per_year": round(
                k
                * (night["bytes_grown"] * NIGHTS_PER_YEAR + plan_phase["bytes_grown"] * PLANS_PER_YEAR)
                / 2**30,
                1,
            ),
            # What the phones write in a working day (visit records, audit entries, follow-ups), for scale.
            "field_rows_per_day": round(fieldwork["rows_written"] * k),
            "field_gib_per_year": round(k * fieldwork["bytes_grown"] * WORKDAYS_PER_YEAR / 2**30, 1),
        }
        phases["night"]["workers_resolved_share"] = round(resolved_share, 3)
        result[db] = {"from": largest["size"], "scale": round(k, 1), **phases}
    if cluster is not None:
        # The share of workers a night solves again, as the largest night measured found it; every worker
        # when no night was measured (what the demo's and the district's nights did).
        nights = [r for r in runs if r["people"] == max(x["people"] for x in runs)]
        share = max((r["night"]["workers"] / grid_workers(r["size"]) for r in nights), default=1.0)
        per_problem = _worker_seconds_per_problem(cluster)
        resolved = share * PROVINCE_WORKERS
        result["cluster"] = {
            "worker_s_per_problem": round(per_problem, 3),
            "plan_machines": math.ceil(PROVINCE_WORKERS * per_problem / (PLAN_WINDOW_S * CORES_PER_MACHINE)),
            "night_problems": round(resolved),
            "night_machines": math.ceil(resolved * per_problem / (NIGHT_WINDOW_S * CORES_PER_MACHINE)),
            "bytes_shipped_per_night": round(resolved * cluster["bytes_per_task"]["mean"]),
            "overhead_ms_per_task": max(c["overhead_ms_per_task"] for c in cluster["clusters"]),
        }
    return result


def _worker_seconds_per_problem(cluster: dict[str, Any]) -> float:
    """Worker-process seconds per problem on the largest cluster measured, overhead included."""
    biggest = max(cluster["clusters"], key=lambda c: c["workers"])
    return float(biggest["wall_s"] * biggest["workers"] / cluster["problems"])


def extrapolation_lines(figures: dict[str, Any]) -> Iterator[str]:
    yield f"\nprovince ({PROVINCE_PEOPLE:,} people, {PROVINCE_WORKERS:,} workers), scaled linearly:"
    for db, f in figures.items():
        if db in ("assumptions", "cluster"):
            continue
        plan_phase, night, data = f["plan"], f["night"], f["database"]
        plan_fits = "fits" if plan_phase["central_fits_window"] else "does NOT fit"
        night_fits = "fits" if night["central_fits_window"] else "does NOT fit"
        yield (
            f"  {db} from {f['from']} (x{f['scale']}): plan {plan_phase['machines']} machine(s) of "
            f"{CORES_PER_MACHINE} cores in {PLAN_WINDOW_S // 3600} h, central part "
            f"{plan_phase['central_cpu_s']:,} CPU s ({plan_fits}); night {night['machines']} machine(s) in "
            f"{NIGHT_WINDOW_S // 60} min, central part {night['central_cpu_s']:,} CPU s ({night_fits})"
        )
        yield (
            f"    database: {data['rows_per_night']:,} rows per night "
            f"({data['rows_per_s_in_night_window']:,}/s in the window), {data['gib_per_year']} GiB per year "
            f"of plans; the field {data['field_rows_per_day']:,} rows per working day, "
            f"{data['field_gib_per_year']} GiB per year"
        )
    if "cluster" in figures:
        c = figures["cluster"]
        yield (
            f"  on the Dask figures ({c['worker_s_per_problem']} worker-s per problem): plan "
            f"{c['plan_machines']} machine(s) of {CORES_PER_MACHINE} cores, night ({c['night_problems']:,} "
            f"problems) {c['night_machines']}; {c['bytes_shipped_per_night'] / 1e6:.0f} MB shipped a night"
        )


# --- the province's cluster ---------------------------------------------------------------------------------


class Recording(Executor):
    """An executor for `routing.solve_many` that solves here, in turn, and keeps every problem it was given
    (the month's first solve of each worker comes first)."""

    def __init__(self) -> None:
        self.problems: list[routing.Problem] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        problem = args[0]
        if not isinstance(problem, routing.Problem):
            raise TypeError("solve_many submits (solve, problem, options, warm_start=...)")
        self.problems.append(problem)
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def sample_problems(size: str, count: int, month: Month, out: Reporter) -> list[routing.Problem]:
    """`count` worker problems of the `size` seed's month, as `plan_month` builds them (a quick plan with one
    solution each records them), drawn at random with a fixed seed."""
    out.line(f"\nprovince: recording the worker problems of the {size} seed's month ...")
    with fresh_database("sqlite") as url:
        seed(url, size, month)
        engine = make_engine(url)
        recording = Recording()
        try:
            month_plan.plan_month(
                _uow(engine, datetime.combine(month.first, clock_time(9), SHANGHAI)), caller=SYSTEM,
                month=month, executor=recording, settings=PlanningSettings(solution_limit=1),
            )  # fmt: skip
            with engine.connect() as connection:
                grid_workers = select(func.count()).select_from(Worker).where(Worker.role == Role.GRID_WORKER)
                workers = int(connection.scalar(grid_workers) or 0)
        finally:
            engine.dispose()
    first_solve = recording.problems[: min(workers, len(recording.problems))]
    if count > len(first_solve):
        out.line(f"  only {len(first_solve)} worker problems in {size}: using them all")
        count = len(first_solve)
    return random.Random(DRAWS_SEED).sample(first_solve, count)


def province(count: int, size: str, month: Month, out: Reporter) -> dict[str, Any]:
    problems = sample_problems(size, count, month, out)
    load = _load()
    out.line(f"  load average {load}")
    settings = PlanningSettings()
    options = options_of(settings)
    problem_bytes = [len(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL)) for p in problems]
    visits = [len(p.visits) for p in problems]
    out.line(
        f"  {len(problems)} problems, {statistics.fmean(visits):.0f} visits each on average "
        f"(max {max(visits)}), time limit {options.time_limit} s, solution limit {options.solution_limit}"
    )
    clusters = [solve_on_cluster(problems, options, workers, out) for workers in (1, 2)]
    plan_bytes = clusters[-1].pop("plan_bytes")
    clusters[0].pop("plan_bytes")
    shipped = [a + b for a, b in zip(problem_bytes, plan_bytes, strict=True)]
    per_task = {
        "problem_mean": round(statistics.fmean(problem_bytes)),
        "plan_mean": round(statistics.fmean(plan_bytes)),
        "mean": round(statistics.fmean(shipped)),
        "max": max(shipped),
    }
    figures = {
        "load_before": load,
        "from": size,
        "problems": len(problems),
        "visits_per_problem": round(statistics.fmean(visits), 1),
        "options": {"time_limit": options.time_limit, "solution_limit": options.solution_limit},
        "bytes_per_task": per_task,
        "clusters": clusters,
    }
    out.line(
        f"  bytes shipped per task: {per_task['mean']:,} mean (problem {per_task['problem_mean']:,}, "
        f"plan {per_task['plan_mean']:,}), max {per_task['max']:,}"
    )
    return figures


def _nothing(x: int) -> int:
    return x


def _cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def _memory() -> dict[str, int]:
    # ru_maxrss is in KiB on Linux: the worker process's peak since it started.
    return {
        "rss": psutil.Process().memory_info().rss,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def solve_on_cluster(
    problems: list[routing.Problem], options: routing.Options, workers: int, out: Reporter
) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    out.line(f"  LocalCluster of {workers} worker process(es), one thread each ...")
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(workers)
        client.gather(client.map(_nothing, range(workers * 4), pure=False))  # warm: connections, imports
        started = time.perf_counter()
        client.gather(client.map(_nothing, range(len(problems)), pure=False))
        trivial = time.perf_counter() - started
        cpu_before = client.run(_cpu_seconds)
        started = time.perf_counter()
        plans = routing.solve_many(problems, options, executor=client, progress=out.progress)
        wall = time.perf_counter() - started
        cpu = sum(client.run(_cpu_seconds).values()) - sum(cpu_before.values())
        memory = list(client.run(_memory).values())
    solving = sum(p.stats.wall_time for p in plans)
    figures = {
        "workers": workers,
        "wall_s": round(wall, 1),
        "problems_per_s": round(len(problems) / wall, 2),
        "cpu_s_per_problem": round(cpu / len(problems), 3),
        "solve_s_per_problem": round(solving / len(problems), 3),
        # Worker-seconds per task that are not search: a trivial task's round trip, and the solving wall
        # time left over once the solver's own seconds are taken out.
        "trivial_task_ms": round(1000 * trivial * workers / len(problems), 2),
        "overhead_ms_per_task": round(1000 * (wall * workers - solving) / len(problems), 1),
        "worker_rss_mib": [round(m["rss"] / 2**20) for m in memory],
        "worker_peak_mib": [round(m["peak"] / 2**20) for m in memory],
        "dropped": sum(len(p.dropped) for p in plans),
        "plan_bytes": [len(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL)) for p in plans],
    }
    out.line(
        f"    {figures['wall_s']} s wall, {figures['problems_per_s']} problems/s, "
        f"{figures['cpu_s_per_problem']} CPU s per problem (solver {figures['solve_s_per_problem']} s), "
        f"overhead {figures['overhead_ms_per_task']} ms per task "
        f"(trivial task {figures['trivial_task_ms']} ms), "
        f"worker memory {figures['worker_rss_mib']} MiB (peak {figures['worker_peak_mib']})"
    )
    return figures


if __name__ == "__main__":
    main()
