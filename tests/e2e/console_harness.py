"""What the console's browser tests stand on: a demo district seeded and planned by the README's own commands
(once per test run, shared by xdist workers under a file lock), the app served by werkzeug on a copy of it,
Debian's Chromium driven by Playwright, and a small API client to check what the pages claim."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import subprocess
import sys
import threading
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from api.app import create_app
from visitsvc.config import Settings
from visitsvc.kernel.month import Month

ROOT = Path(__file__).parents[2]
CHROMIUM = Path(os.environ.get("VISITSVC_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STREET = "330199001"  # sup01's street of the demo district
OTHER_STREET = "330199002"
DEMO_PASSWORD = "demo1234"
SCREENSHOTS = Path(os.environ.get("VISITSVC_E2E_SCREENSHOTS", ROOT / "var" / "e2e" / "screenshots"))


def require_chromium() -> None:
    """Skip, loudly, where the browser is missing: a silent skip would read as a pass."""
    if not CHROMIUM.exists():
        message = f"console browser tests SKIPPED: {CHROMIUM} not found (apt-get install chromium)"
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        message = "console browser tests SKIPPED: playwright is not installed (pip install -e '.[dev]')"
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)


def working_days_left(today: date) -> int:
    import chinese_calendar

    month = Month.of(today)
    days = [today + timedelta(days=n) for n in range((month.last - today).days + 1)]
    return sum(1 for d in days if chinese_calendar.is_workday(d))


def month_to_plan(today: date) -> Month:
    """This month while it has working days left to move visits to; otherwise the next one."""
    return Month.of(today) if working_days_left(today) >= 3 else Month.of(today).next()


def _run(*args: str, url: str) -> None:
    env = {**os.environ, "VISITSVC_DATABASE_URL": url, "VISITSVC_SECRET_KEY": "e2e-" + "k" * 44}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(args)}: {done.stderr[-2000:]}"


def build_demo(path: Path, month: Month) -> None:
    """The README's steps: migrate, seed the demo district, plan a month (one street: a third of the time)."""
    url = f"sqlite:///{path}"
    visitsvc = str(Path(sys.executable).parent / "visitsvc")
    _run(visitsvc, "db", "upgrade", url=url)
    _run(sys.executable, "-m", "seed", "--size", "demo", url=url)
    _run(visitsvc, "plan", "--month", str(month), "--area", STREET, url=url)


def shared_demo(base: Path, month: Month) -> Path:
    """One planned demo database per test run, whichever xdist worker gets here first builds it; one kept
    from an earlier run is migrated to the current schema first."""
    base.mkdir(parents=True, exist_ok=True)
    built = base / f"console-demo-{month}.db"
    with (base / "console-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            partial = base / f"console-demo-{month}.partial.db"
            partial.unlink(missing_ok=True)
            build_demo(partial, month)
            partial.rename(built)
        else:  # kept from an earlier run (a benchmark's var/, VISITSVC_E2E_DEMO_DIR): the schema may be older
            _run(str(Path(sys.executable).parent / "visitsvc"), "db", "upgrade", url=f"sqlite:///{built}")
    return built


def private_copy(source: Path, target: Path) -> Path:
    """Each worker's server writes (moves, imports) to a copy of its own: the SQLite backup API copies a
    consistent database whatever its journal mode."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@dataclass
class Served:
    url: str
    month: Month
    server: BaseWSGIServer
    thread: threading.Thread
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, account: str) -> str:
        if account not in self.tokens:
            body = {"username": account, "password": DEMO_PASSWORD}
            self.tokens[account] = self.call("POST", "/api/v1/auth/token", body=body)["access_token"]
        return self.tokens[account]

    def api(self, account: str, path: str, **query: Any) -> Any:
        return self.call("GET", path, query=query, account=account)

    def call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        account: str | None = None,
    ) -> Any:
        from urllib.parse import urlencode

        url = self.url + path + (f"?{urlencode(query)}" if query else "")
        headers = {"Content-Type": "application/json"}
        if account is not None:
            headers["Authorization"] = f"Bearer {self.token(account)}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own server
            return json.loads(response.read())


def serve(database: Path, month: Month) -> Iterator[Served]:
    settings = Settings(
        database_url=f"sqlite:///{database}", secret_key="e2e-" + "s" * 44, environment="test"
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", month, server, thread)
    finally:
        server.shutdown()
        thread.join(timeout=30)


def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
