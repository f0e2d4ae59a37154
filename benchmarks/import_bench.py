"""Import the city 台账 (50,000 elders) and time it, then time GET /api/v1/elders?limit=50.

    python -m benchmarks.import_bench [--db sqlite|postgresql|both] [--requests 500] [--json]

Each run uses a fresh database (a temporary SQLite file, or a throwaway PostgreSQL database on
VISITSVC_TEST_PG_URL), so figures are comparable between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from api.app import create_app
from seed.district import DEMO_PASSWORD, generate
from seed.load import load
from visitsvc.config import Settings
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    with db.throwaway_database(os.environ.get("VISITSVC_TEST_PG_URL", PG_URL), "visitsvc_bench") as url:
        yield url


def run(kind: str, requests: int, quiet: bool) -> dict[str, Any]:
    ledger = generate("city", today=date(2026, 11, 25))
    with fresh_database(kind) as url:
        db.upgrade(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        timings: dict[str, float] = {}

        def progress(label: str):  # type: ignore[no-untyped-def]
            started = time.perf_counter()

            def report(done: int, total: int) -> None:
                if done == total:
                    timings[label] = round(time.perf_counter() - started, 2)
                if not quiet:
                    print(f"\r{kind}: {label} {done}/{total}", end="", flush=True)

            return report

        started = time.perf_counter()
        load(lambda: UnitOfWork(sessions), ledger, password=DEMO_PASSWORD, progress=progress)
        total = time.perf_counter() - started
        if not quiet:
            print()
        app = create_app(
            Settings(database_url=url, secret_key="b" * 48, environment="test"), sessions=sessions
        )
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "sup01", "password": DEMO_PASSWORD}).json
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        latencies = []
        cursor = None
        for _ in range(requests):
            query = {"limit": 50, **({"cursor": cursor} if cursor else {})}
            t0 = time.perf_counter()
            response = client.get("/api/v1/elders", query_string=query, headers=headers)
            latencies.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
            cursor = response.json["next_cursor"]
        engine.dispose()
    latencies.sort()
    return {
        "db": kind,
        "elders": len(ledger.elders),
        "import_seconds": round(total, 1),
        "elders_import_seconds": timings.get("elders"),
        "get_elders_p50_ms": round(statistics.median(latencies), 1),
        "get_elders_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run(kind, args.requests, args.json) for kind in kinds]
    if args.json:
        print(json.dumps(results))
        return
    for r in results:
        print(
            f"{r['db']:<10} import {r['elders']} elders (whole district): {r['import_seconds']} s "
            f"(elders file {r['elders_import_seconds']} s); GET /elders?limit=50 "
            f"p50 {r['get_elders_p50_ms']} ms, p95 {r['get_elders_p95_ms']} ms"
        )


if __name__ == "__main__":
    main()
