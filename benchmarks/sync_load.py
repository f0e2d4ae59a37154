"""Phones coming back online: records per second through POST /me/sync on PostgreSQL, 20 phones at once, each
sending its offline records in batches, a share of each batch re-sent (a retry after a lost answer).
Afterwards the database is counted: goal >= 500 records/s, 0 lost, 0 duplicated.

    python -m benchmarks.sync_load [--db postgresql|sqlite] [--phones 20] [--records 500] [--batch 100]
                                   [--retry-share 0.1] [--threads 1] [--json]

`--records` is per phone. The demo district is seeded with `python -m seed --size demo` (no plan needed:
the records are unplanned visits of each worker's own people).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from benchmarks.field_server import fresh_database, gunicorn, login, percentiles, request, seed_demo
from seed.district import DEMO_PASSWORD
from visitsvc.infrastructure.uow import make_engine, session_factory
from visitsvc.model import Elder, ElderStatus, Role, VisitRecord, Worker, worker_grids

OUTCOMES = ["visited"] * 16 + ["not_home", "not_home", "refused", "hospitalized"]


def people_of_workers(
    url: str, phones: int
) -> list[tuple[str, list[tuple[int, float | None, float | None]]]]:
    """The first `phones` grid workers, each with the active people of their grids (id, lon, lat)."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            workers = list(
                session.execute(
                    select(Worker.id, Worker.account)
                    .where(Worker.role == Role.GRID_WORKER)
                    .order_by(Worker.account)
                )
            )[:phones]
            result = []
            for worker_id, account in workers:
                grids = select(worker_grids.c.area_id).where(worker_grids.c.worker_id == worker_id)
                rows = session.execute(
                    select(Elder.id, Elder.lon, Elder.lat).where(
                        Elder.grid_id.in_(grids), Elder.status == ElderStatus.ACTIVE
                    )
                ).all()
                result.append((account, [(r[0], r[1], r[2]) for r in rows]))
            return result
    finally:
        engine.dispose()


def records_for(
    people: list[tuple[int, float | None, float | None]], n: int, seed: int
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    made = []
    for _ in range(n):
        elder_id, lon, lat = rng.choice(people)
        start = now - timedelta(minutes=rng.randint(30, 60 * 24 * 2))
        record: dict[str, Any] = {
            "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "elder_id": elder_id,
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=rng.randint(2, 40))).isoformat(),
            "kind": "home",
            "outcome": rng.choice(OUTCOMES),
            "findings": {
                area: {"status": "concern" if rng.random() < 0.05 else "ok"}
                for area in ("daily_care", "emotional", "safety", "rights")
            },
        }
        if lon is not None and lat is not None:
            record["location"] = {
                "lon": lon + rng.uniform(-0.002, 0.002),
                "lat": lat + rng.uniform(-0.002, 0.002),
                "accuracy_m": rng.uniform(5, 80),
            }
        made.append(record)
    return made


def run(
    kind: str, phones: int, per_phone: int, batch: int, retry_share: float, threads: int, quiet: bool
) -> dict[str, Any]:
    def say(text: str, end: str = "\n") -> None:
        if not quiet:
            print(text, end=end, file=sys.stderr, flush=True)

    with fresh_database(kind) as url:
        say(f"{kind}: seeding the demo district ...")
        seed_demo(url, plan=False)
        workers = people_of_workers(url, phones)
        plans = [records_for(people, per_phone, seed) for seed, (_, people) in enumerate(workers)]
        statuses: dict[str, int] = {}
        batch_ms: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        with gunicorn(url, workers=2, threads=threads) as port:
            tokens = [login(port, account, DEMO_PASSWORD) for account, _ in workers]

            def phone(index: int) -> None:
                rng = random.Random(1000 + index)
                mine = plans[index]
                previous: list[dict[str, Any]] = []
                for start in range(0, len(mine), batch):
                    fresh = mine[start : start + batch]
                    resent = rng.sample(previous, min(len(previous), int(batch * retry_share)))
                    sending = fresh + resent
                    rng.shuffle(sending)
                    t0 = time.perf_counter()
                    status, _, body, _ = request(
                        port,
                        "POST",
                        "/api/v1/me/sync",
                        body={"records": sending},
                        headers=tokens[index],
                        timeout=120,
                    )
                    elapsed = (time.perf_counter() - t0) * 1000
                    with lock:
                        batch_ms.append(elapsed)
                        if status != 200:
                            failures.append(f"HTTP {status}")
                            continue
                        for result in body["results"]:
                            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
                    previous = fresh

            threads_ = [threading.Thread(target=phone, args=(i,)) for i in range(len(workers))]
            started = time.perf_counter()
            for t in threads_:
                t.start()
            for t in threads_:
                while t.is_alive():
                    t.join(timeout=2)
                    if sys.stderr.isatty():
                        done = statuses.get("created", 0)
                        say(f"\r  {done} created, {statuses.get('duplicate', 0)} duplicates", end="")
            wall = time.perf_counter() - started
            say("")
        sent_ids = {r["client_id"] for records in plans for r in records}
        engine = make_engine(url)
        try:
            with session_factory(engine)() as session:
                stored = session.scalar(select(func.count()).select_from(VisitRecord)) or 0
                twice = session.scalar(
                    select(func.count()).select_from(
                        select(VisitRecord.client_id)
                        .group_by(VisitRecord.client_id)
                        .having(func.count() > 1)
                        .subquery()
                    )
                )
                stored_ids = set(session.scalars(select(VisitRecord.client_id)))
        finally:
            engine.dispose()
    created = statuses.get("created", 0)
    return {
        "db": kind,
        "server": f"gunicorn --workers 2{f' --threads {threads}' if threads > 1 else ''}",
        "phones": len(workers),
        "records_per_phone": per_phone,
        "batch": batch,
        "retry_share": retry_share,
        "seconds": round(wall, 2),
        "records_per_second": round(created / wall, 1),
        "items_per_second": round(sum(statuses.values()) / wall, 1),
        "statuses": dict(sorted(statuses.items())),
        "http_failures": failures,
        "batch_ms": percentiles(batch_ms),
        "sent_unique": len(sent_ids),
        "stored": stored,
        "lost": len(sent_ids - stored_ids),
        "duplicated": twice or 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--records", type=int, default=500, help="records per phone")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument(
        "--retry-share", type=float, default=0.1, help="share of a batch re-sent with the next"
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread if > 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON document and nothing else")
    args = parser.parse_args()
    result = run(args.db, args.phones, args.records, args.batch, args.retry_share, args.threads, args.json)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(
        f"{result['records_per_second']} records/s ({result['items_per_second']} items/s with retries) over "
        f"{result['seconds']} s; statuses {result['statuses']}; batch p50 {result['batch_ms']['p50']} "
        f"p95 {result['batch_ms']['p95']} ms; sent {result['sent_unique']}, stored {result['stored']}, "
        f"lost {result['lost']}, duplicated {result['duplicated']}"
    )


if __name__ == "__main__":
    main()
