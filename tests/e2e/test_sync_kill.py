"""The server is killed with SIGKILL in the middle of a phone's sync and started again: every record it had
acknowledged is there, no record is half written, the phone's retry completes the rest, and SQLite's
integrity check passes."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest

from tests.factories import PASSWORD, make_district
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory

pytestmark = pytest.mark.slow
BATCH = 60
IN_FLIGHT = 200  # the largest batch: the longest window to be killed in
ACKED_BEFORE_KILL = 3
# As `make run` starts it: the one config (an access log that names no query string), the log written.
CONFIG = ("-c", "api/gunicorn.conf.py", "--access-logfile", "-")


class Server:
    """gunicorn serving the app on a SQLite file, in its own process group so SIGKILL takes every worker."""

    def __init__(self, url: str, port: int) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        env = {
            **os.environ,
            "VISITSVC_DATABASE_URL": url,
            "VISITSVC_SECRET_KEY": "e2e-" + "k" * 44,
            "VISITSVC_ENV": "test",
        }
        self.port = port
        self.process = subprocess.Popen(
            [str(gunicorn), *CONFIG, "--workers", "1", "--bind", f"127.0.0.1:{port}", "api.wsgi:app"],
            cwd=Path(__file__).parents[2],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert self.process.stderr is not None
        _wait_for_line(self.process.stderr, "Booting worker")  # the socket is bound: requests queue from here
        threading.Thread(target=self.process.stderr.read, daemon=True).start()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def post(self, path: str, body: dict[str, Any], token: str | None = None) -> Any:
        conn = self.send(path, body, token)
        return json.loads(conn.getresponse().read())

    def send(self, path: str, body: dict[str, Any], token: str | None = None) -> http.client.HTTPConnection:
        """Sends a request and leaves its answer to be read."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request("POST", path, body=json.dumps(body), headers=headers)
        return conn


def _wait_for_line(stream: IO[str], marker: str) -> None:
    for line in stream:
        if marker in line:
            return
    raise AssertionError(f"the server exited before printing {marker!r}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, Path, int]:
    path = tmp_path / "field.db"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    engine = make_engine(url)
    district = make_district(UnitOfWork(session_factory(engine)))
    engine.dispose()
    return url, path, district.elders["elder_a1"]


def _until_one_is_stored(path: Path, batch: list[dict[str, Any]]) -> None:
    """Watches the database (not the clock) for the server to be partway through the batch."""
    wanted = [r["client_id"] for r in batch]
    marks = ",".join("?" * len(wanted))
    with sqlite3.connect(path, timeout=30) as watch:
        for _ in range(1_000_000):
            query = f"SELECT count(*) FROM visit_records WHERE client_id IN ({marks})"  # noqa: S608
            if watch.execute(query, wanted).fetchone()[0]:
                return
    raise AssertionError("the server stored nothing of the batch")


def _batch(elder_id: int, size: int = BATCH) -> list[dict[str, Any]]:
    start = datetime.now(UTC) - timedelta(minutes=40)
    concern = {"safety": {"status": "concern", "note": "楼道堆物"}}
    return [
        {
            "client_id": str(uuid.uuid4()),
            "elder_id": elder_id,
            "started_at": (start + timedelta(seconds=i)).isoformat(),
            "ended_at": (start + timedelta(minutes=15, seconds=i)).isoformat(),
            "kind": "home",
            "outcome": "visited",
            "findings": concern,
        }
        for i in range(size)
    ]


def test_a_killed_server_keeps_every_acknowledged_record(database: tuple[str, Path, int]) -> None:
    url, path, elder_id = database
    port = _free_port()
    server = Server(url, port)
    try:
        token = server.post("/api/v1/auth/token", {"username": "w_a1", "password": PASSWORD})["access_token"]
        acknowledged: set[str] = set()
        for _ in range(ACKED_BEFORE_KILL):
            results = server.post("/api/v1/me/sync", {"records": _batch(elder_id)}, token)["results"]
            assert {r["status"] for r in results} == {"created"}
            acknowledged.update(r["client_id"] for r in results)
        in_flight = _batch(elder_id, IN_FLIGHT)
        conn = server.send("/api/v1/me/sync", {"records": in_flight}, token)
        _until_one_is_stored(path, in_flight)
        server.kill()  # while the server works through the batch
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            conn.getresponse().read()
    finally:
        server.stop()

    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in check.execute("SELECT client_id FROM visit_records")}
        assert acknowledged <= stored, "every acknowledged record survived"
        assert 0 < len(stored & {r["client_id"] for r in in_flight}) < IN_FLIGHT, "killed partway through"
        half_written = check.execute(
            "SELECT count(*) FROM visit_records r WHERE NOT EXISTS "
            "(SELECT 1 FROM follow_ups f WHERE f.visit_id = r.id)"
        ).fetchone()
        assert half_written == (0,), "a record and its follow-up are written together or not at all"

    server = Server(url, port)
    try:
        token = server.post("/api/v1/auth/token", {"username": "w_a1", "password": PASSWORD})["access_token"]
        retry = server.post("/api/v1/me/sync", {"records": in_flight}, token)["results"]
        assert {r["status"] for r in retry} <= {"created", "duplicate"}
    finally:
        server.stop()
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = check.execute("SELECT client_id, count(*) FROM visit_records GROUP BY client_id").fetchall()
    everything = acknowledged | {r["client_id"] for r in in_flight}
    assert dict(rows) == dict.fromkeys(everything, 1)
