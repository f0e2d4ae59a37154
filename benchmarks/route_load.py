"""Phones pulling their day's route: the demo district served by gunicorn (2 workers), 100 phones each asking
about once a second, some revalidating with If-None-Match; then the same phones against /api/v1/health as
the floor. Goal: p95 < 50 ms on 2 cores, no errors.

    python -m benchmarks.route_load [--db sqlite|postgresql] [--phones 100] [--seconds 30]
                                    [--revalidate 0.3] [--threads 1] [--json]

The first poll of each phone (which also writes the day's phone-number audit) is reported apart from the
steady state. Phones ask for gzip, as real ones do.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from benchmarks.field_server import fresh_database, gunicorn, login, percentiles, request, seed_demo
from seed.district import DEMO_PASSWORD
from visitsvc.infrastructure.repositories.plan_membership import in_version
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SystemClock
from visitsvc.kernel.month import Month
from visitsvc.model import PlannedVisit, Role, Worker


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    wire_bytes: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, status: int, wire: int, *, first: bool) -> None:
        with self.lock:
            (self.first if first else self.latencies).append(ms)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 400:
                self.errors += 1
            if status == 200:
                self.wire_bytes.append(wire)

    def summary(self, seconds: float) -> dict[str, Any]:
        return {
            "requests": len(self.latencies) + len(self.first),
            "per_second": round((len(self.latencies) + len(self.first)) / seconds, 1),
            "statuses": dict(sorted(self.statuses.items())),
            "errors": self.errors,
            "steady_ms": percentiles(self.latencies),
            "first_poll_ms": percentiles(self.first),
            "mean_bytes_200": round(sum(self.wire_bytes) / len(self.wire_bytes)) if self.wire_bytes else 0,
        }


def busiest_day(url: str) -> tuple[date, list[str], float]:
    """The first day from today with stops in the current plan; the demo workers; stops per worker then."""
    engine = make_engine(url)
    try:
        with UnitOfWork(session_factory(engine), SystemClock()) as uow:
            today = uow.clock.today()
            latest = uow.plans.latest(Month.of(today))
            if latest is None:
                raise SystemExit("no plan for the current month")
            day = uow.session.scalar(
                select(func.min(PlannedVisit.day)).where(
                    in_version(PlannedVisit, latest.id, latest.month), PlannedVisit.day >= today
                )
            )
            if day is None:
                raise SystemExit("no planned day left this month")
            stops = uow.session.scalar(
                select(func.count()).where(
                    in_version(PlannedVisit, latest.id, latest.month), PlannedVisit.day == day
                )
            )
            accounts = list(
                uow.session.scalars(
                    select(Worker.account).where(Worker.role == Role.GRID_WORKER).order_by(Worker.account)
                )
            )
            return day, accounts, round((stops or 0) / max(len(accounts), 1), 1)
    finally:
        engine.dispose()


def hammer(
    port: int,
    path: str,
    headers: list[dict[str, str]],
    *,
    seconds: float,
    revalidate: float,
    quiet: bool,
    label: str,
) -> dict[str, Any]:
    tally = Tally()
    stop_at = time.monotonic() + seconds
    rng = random.Random(7)
    revalidating = {i for i in range(len(headers)) if rng.random() < revalidate}

    def phone(index: int) -> None:
        etag: str | None = None
        first = True
        nxt = time.monotonic() + random.Random(index).uniform(0, 1)  # phones do not wake in step
        while nxt < stop_at:
            time.sleep(max(0.0, nxt - time.monotonic()))
            sent = {**headers[index], "Accept-Encoding": "gzip"}
            if etag and index in revalidating:
                sent["If-None-Match"] = etag
            t0 = time.perf_counter()
            try:
                status, answer, _, wire = request(port, "GET", path, headers=sent, timeout=30)
            except OSError:
                with tally.lock:
                    tally.errors += 1
                nxt += 1.0
                continue
            tally.add((time.perf_counter() - t0) * 1000, status, wire, first=first)
            first = False
            etag = answer.get("etag", etag)
            nxt += random.Random().uniform(0.8, 1.2)

    threads = [threading.Thread(target=phone, args=(i,), daemon=True) for i in range(len(headers))]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(timeout=5)
            if not quiet and sys.stderr.isatty():
                done = len(tally.latencies) + len(tally.first)
                print(
                    f"\r{label}: {done} requests, {tally.errors} errors", end="", file=sys.stderr, flush=True
                )
    if not quiet and sys.stderr.isatty():
        print(file=sys.stderr)
    return tally.summary(time.monotonic() - started)


def run(
    kind: str, phones: int, seconds: float, revalidate: float, threads: int, quiet: bool
) -> dict[str, Any]:
    def say(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr, flush=True)

    with fresh_database(kind) as url:
        say(f"{kind}: seeding the demo district and planning the current month ...")
        t0 = time.perf_counter()
        seed_demo(url, plan=True)
        say(f"  ready in {time.perf_counter() - t0:.0f} s")
        day, accounts, stops = busiest_day(url)
        with gunicorn(url, workers=2, threads=threads) as port:
            tokens = {a: login(port, a, DEMO_PASSWORD) for a in accounts}
            headers = [tokens[accounts[i % len(accounts)]] for i in range(phones)]
            say(f"  {phones} phones on {len(accounts)} accounts, route of {day} ({stops} stops per worker)")
            route = hammer(
                port, f"/api/v1/me/route?date={day}", headers, seconds=seconds, revalidate=revalidate,
                quiet=quiet, label="route",
            )  # fmt: skip
            health = hammer(
                port, "/api/v1/health", headers, seconds=seconds, revalidate=0.0, quiet=quiet, label="health"
            )
    return {
        "db": kind,
        "server": f"gunicorn --workers 2{f' --threads {threads}' if threads > 1 else ''}",
        "phones": phones,
        "seconds": seconds,
        "revalidating_share": revalidate,
        "date": str(day),
        "stops_per_worker": stops,
        "route": route,
        "health": health,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--revalidate", type=float, default=0.3, help="share of phones sending If-None-Match")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread if > 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON document and nothing else")
    args = parser.parse_args()
    result = run(args.db, args.phones, args.seconds, args.revalidate, args.threads, args.json)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for name in ("route", "health"):
        part = result[name]
        steady = part["steady_ms"]
        print(
            f"{name:6} {part['requests']} requests ({part['per_second']}/s), statuses {part['statuses']}, "
            f"errors {part['errors']}; steady p50 {steady['p50']} p95 {steady['p95']} "
            f"p99 {steady['p99']} ms; "
            f"first poll p95 {part['first_poll_ms']['p95']} ms; mean 200 body {part['mean_bytes_200']} B"
        )


if __name__ == "__main__":
    main()
