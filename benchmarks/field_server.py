"""What the field benchmarks share: a fresh demo district, gunicorn serving it, a small HTTP client.

Everything is on 127.0.0.1. The database is new for each run (a temporary SQLite file, or a throwaway
PostgreSQL database on VISITSVC_TEST_PG_URL) and seeded the way the README does it:
`python -m seed --size demo`, then `visitsvc plan --month current`.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from visitsvc.infrastructure import db

REPO = Path(__file__).resolve().parents[1]
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BIN = Path(sys.executable).parent


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'field.db'}"
        return
    with db.throwaway_database(os.environ.get("VISITSVC_TEST_PG_URL", PG_URL), "visitsvc_bench") as url:
        yield url


def environment(url: str) -> dict[str, str]:
    return {**os.environ, "VISITSVC_DATABASE_URL": url, "VISITSVC_SECRET_KEY": "bench-" + "k" * 42}


def seed_demo(url: str, *, plan: bool) -> None:
    env = environment(url)
    subprocess.run(
        [str(BIN / "visitsvc"), "db", "upgrade"], cwd=REPO, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [sys.executable, "-m", "seed", "--size", "demo", "--json"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    if plan:
        subprocess.run(
            [str(BIN / "visitsvc"), "plan", "--month", "current", "--json"],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def gunicorn(url: str, *, workers: int = 2, threads: int = 1, log: Path | None = None) -> Iterator[int]:
    """gunicorn as `make run` starts it (sync workers unless `threads` > 1); yields its port. The server's
    errors go to `log` (VISITSVC_BENCH_LOG), else nowhere."""
    port = free_port()
    log = log or (Path(os.environ["VISITSVC_BENCH_LOG"]) if os.environ.get("VISITSVC_BENCH_LOG") else None)
    command = [str(BIN / "gunicorn"), "-c", "api/gunicorn.conf.py", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}"]
    if threads > 1:
        command += ["--threads", str(threads)]
    process = subprocess.Popen(
        [*command, "api.wsgi:app"],
        cwd=REPO,
        env=environment(url),
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab") if log else subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, "GET", "/api/v1/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("gunicorn did not come up")
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, dict[str, str], Any, int]:
    """(status, headers, parsed JSON or None, bytes on the wire)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        wire = len(raw)
        if answer_headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        parsed = (
            json.loads(raw)
            if raw and answer_headers.get("content-type", "").startswith("application/json")
            else None
        )
        return response.status, answer_headers, parsed, wire
    finally:
        conn.close()


def login(port: int, account: str, password: str) -> dict[str, str]:
    status, _, body, _ = request(
        port, "POST", "/api/v1/auth/token", body={"username": account, "password": password}
    )
    if status != 200:
        raise SystemExit(f"login of {account} failed: {status} {body}")
    return {"Authorization": f"Bearer {body['access_token']}"}


def percentiles(ms: Sequence[float]) -> dict[str, float]:
    if not ms:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 1),
        "p95": round(cuts[94], 1),
        "p99": round(cuts[98], 1),
        "max": round(max(ms), 1),
    }
