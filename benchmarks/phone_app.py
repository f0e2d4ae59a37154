"""The grid worker's phone app (/m/, issue 16) on Debian's Chromium dressed as an Android phone:

- the app shell: every file the service worker precaches, raw and gzip (goal < 150 KB gzip);
- opening the app offline (server stopped, context offline) until the day list is drawn
  (performance.mark 'day-list-drawn', from navigation start), CPU slowed 4x through the DevTools protocol,
  a day of 25 stops (goal < 1 s, median of --runs);
- sending 200 outbox records on a slow link (DevTools network emulation, 400 kbit/s both ways, 400 ms
  latency): from the link coming up until the pending count reads 0 (median of --sync-runs).

    python -m benchmarks.phone_app [--runs 5] [--records 200] [--sync-runs 3] [--json]

The demo district (seeded and planned as the README says, ~30 s) is kept in var/benchmarks/ between runs; one
worker's day is filled to 25 stops by moving in visits of the same plan version from the worker's other days.
"""

from __future__ import annotations

import gzip
import logging
import sqlite3
import statistics
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import REPO, Reporter, parser
from tests.e2e.console_harness import month_to_plan, private_copy, shared_demo
from tests.e2e.phone_harness import Phone, PhoneServer, day_with_stops, launch, phone_context
from visitsvc.kernel.clock import SystemClock

ACCOUNT = "w001"
STOPS = 25
CPU_SLOWDOWN = 4
SLOW_LINK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
SHELL_GOAL_GZIP = 150 * 1024
DRAW_GOAL_MS = 1000.0


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def fill_day(database: Path, visit_ids: list[int], day: str, stops: int) -> None:
    """The worker's `day` made `stops` long with visits of the same plan version from their other days."""
    with sqlite3.connect(database) as db:
        month, worker = db.execute(
            "SELECT month, worker_id FROM planned_visits WHERE id = ?", (visit_ids[0],)
        ).fetchone()
        on_the_day = f"FROM planned_visits WHERE id IN ({_marks(visit_ids)})"
        there = {row[0] for row in db.execute(f"SELECT elder_id {on_the_day}", visit_ids)}
        last = db.execute(f"SELECT max(seq) {on_the_day}", visit_ids).fetchone()[0]
        # The current version's rows: the month's rows no version retired (docs/adr/0022).
        others = db.execute(
            "SELECT id, elder_id FROM planned_visits WHERE month = ? AND retired_in IS NULL "
            "AND worker_id = ? AND day != ? ORDER BY day DESC, seq",
            (month, worker, day),
        ).fetchall()
        moving: list[int] = []
        for visit_id, elder in others:
            if len(visit_ids) + len(moving) >= stops:
                break
            if elder not in there:
                there.add(elder)
                moving.append(visit_id)
        for n, visit_id in enumerate(moving, start=1):
            arrival = f"{8 + (n * 15) // 60:02d}:{(n * 15) % 60:02d}:00.000000"
            db.execute(
                "UPDATE planned_visits SET day = ?, seq = ?, arrival = ? WHERE id = ?",
                (day, last + n, arrival, visit_id),
            )
    assert len(visit_ids) + len(moving) == stops, f"{ACCOUNT} has too few people to fill a day of {stops}"


def shell_bytes(phone: Phone, base_url: str) -> dict[str, Any]:
    """Every file in the service worker's cache, fetched again from the server: raw and gzip sizes."""
    urls: list[str] = phone.page.evaluate(
        """async () => {
          await navigator.serviceWorker.ready;
          const urls = [];
          for (const key of await caches.keys()) {
            for (const request of await (await caches.open(key)).keys()) urls.push(request.url);
          }
          return urls;
        }"""
    )
    files = []
    for url in sorted(set(urls)):
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - our own server
            body = answer.read()
        files.append(
            {
                "path": url.removeprefix(base_url),
                "raw": len(body),
                "gzip": len(gzip.compress(body, compresslevel=6, mtime=0)),
            }
        )
    return {
        "files": files,
        "raw_bytes": sum(f["raw"] for f in files),
        "gzip_bytes": sum(f["gzip"] for f in files),
        "goal_gzip_bytes": SHELL_GOAL_GZIP,
    }


def open_offline(context: Any, day: str) -> dict[str, float]:
    """One opening of the app with the server stopped: the mark's time from navigation start, and the wall
    time from goto() to the day list drawn as this script sees it."""
    page = context.new_page()
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        started = time.perf_counter()
        response = page.goto(f"/m/?date={day}", wait_until="commit")
        assert response is not None
        assert response.from_service_worker, "answered by the service worker"
        page.wait_for_function("() => window.__visitsvc && window.__visitsvc.ready")
        page.evaluate("() => window.__visitsvc.ready")
        wall = (time.perf_counter() - started) * 1000
        mark, shell = page.evaluate(
            """() => [(performance.getEntriesByName('day-list-drawn')[0] || {startTime: null}).startTime,
                      performance.getEntriesByType('navigation')[0].responseEnd]"""
        )
        drawn = page.locator("[data-visit-id]").count()
        assert drawn == STOPS, f"{drawn} stops drawn offline, {STOPS} expected"
        assert mark is not None, "performance.mark('day-list-drawn')"
        return {
            "mark_ms": round(float(mark), 1),
            "shell_ms": round(float(shell), 1),
            "wall_ms": round(wall, 1),
        }
    finally:
        page.close()


_ADD_RECORDS = """async ([records, me]) => {
  const outbox = await import('/m/js/outbox.js');
  for (const record of records) {
    await outbox.add({client_id: record.client_id, account: me.worker_id || me.username,
                      username: me.username, record, photos: [], name: '', phone: null,
                      created_at: Date.now()});
  }
}"""


def records(stops: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """`n` unplanned records of the worker's own people, minutes apart this morning and before."""
    now = datetime.now(UTC)
    made = []
    for k in range(n):
        stop = stops[k % len(stops)]
        start = now - timedelta(minutes=2 * (k + 1))
        record: dict[str, Any] = {
            "client_id": str(uuid.uuid4()),
            "planned_visit_id": None,
            "elder_id": stop["elder"]["id"],
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=1)).isoformat(),
            "kind": "phone",
            "outcome": "visited",
            "findings": {
                area: {"status": "ok", "note": None, "urgent": False}
                for area in ("daily_care", "emotional", "safety", "rights")
            },
            "follow_up": None,
            "location": None,
            "photos": [],
        }
        made.append(record)
    return made


def sync_on_a_slow_link(
    phone: Phone, server: PhoneServer, stops: list[dict[str, Any]], n: int
) -> dict[str, Any]:
    page = phone.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {**SLOW_LINK, "offline": True})
    batch = records(stops, n)
    me = phone.session()
    page.evaluate(_ADD_RECORDS, [batch, me])
    phone.wait_pending(n)
    sent: list[int] = []
    page.on("request", lambda r: sent.append(len(r.post_data_buffer or b"")) if "/me/sync" in r.url else None)
    started = time.perf_counter()
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
    page.evaluate("() => { window.__visitsvc.syncNow(); }")  # the 'online' event may come later than the link
    phone.wait_pending(0, timeout=600_000)
    seconds = time.perf_counter() - started
    cdp.send(
        "Network.emulateNetworkConditions",
        {**SLOW_LINK, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    cdp.detach()
    with sqlite3.connect(server.database) as db:
        ids = [r["client_id"] for r in batch]
        counted = f"SELECT count(*) FROM visit_records WHERE client_id IN ({_marks(ids)})"  # noqa: S608
        stored = db.execute(counted, ids).fetchone()[0]
    return {"seconds": round(seconds, 2), "stored": stored, "requests": len(sent), "bytes_up": sum(sent)}


def run(runs: int, n_records: int, sync_runs: int, say: Reporter) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would bury the figures
    month = month_to_plan(SystemClock().today())
    say.line(f"demo district, plan {month} (var/benchmarks, built once) ...")
    demo = shared_demo(REPO / "var" / "benchmarks", month)
    with tempfile.TemporaryDirectory() as scratch:
        server = PhoneServer(private_copy(demo, Path(scratch) / "phone.db"), month)
        try:
            day, route = day_with_stops(server.served, ACCOUNT, 3, SystemClock().today())
            fill_day(server.database, [s["visit_id"] for s in route["stops"]], day, STOPS)
            route = server.served.api(ACCOUNT, "/api/v1/me/route", date=day)
            assert len(route["stops"]) == STOPS
            located = [s["location"] for s in route["stops"] if s["location"]]
            with sync_playwright() as playwright:
                browser = launch(playwright)
                context = phone_context(browser, server.url, (located[0]["lon"], located[0]["lat"]))
                phone = Phone.open(context)
                phone.goto(f"/m/?date={day}")
                phone.login(ACCOUNT)
                phone.wait_day(day)
                phone.wait_offline_ready()
                assert phone.page.locator("[data-visit-id]").count() == STOPS
                shell = shell_bytes(phone, server.url)
                size = f"{shell['raw_bytes']} B, gzip {shell['gzip_bytes']} B"
                say.line(f"app shell: {len(shell['files'])} files, {size}")

                server.stop()
                context.set_offline(True)
                openings = []
                for n in range(runs):
                    openings.append(open_offline(context, day))
                    opened = openings[-1]
                    say.line(
                        f"  offline opening {n + 1}/{runs}: drawn at {opened['mark_ms']} ms"
                        f" (shell from the service worker at {opened['shell_ms']} ms)"
                    )
                server.start()
                context.set_offline(False)

                phone.goto(f"/m/?date={day}")
                syncs = []
                for n in range(sync_runs):
                    syncs.append(sync_on_a_slow_link(phone, server, route["stops"], n_records))
                    synced = syncs[-1]
                    say.line(
                        f"  sync of {n_records} records {n + 1}/{sync_runs}: {synced['seconds']} s,"
                        f" {synced['requests']} request(s), {synced['bytes_up']} B up"
                    )
                problems = list(phone.problems)
                browser.close()
        finally:
            server.stop()
    marks = [o["mark_ms"] for o in openings]
    return {
        "chromium": "Debian /usr/bin/chromium, 360x640 Android profile",
        "shell": shell,
        "offline_open": {
            "stops": STOPS,
            "cpu_slowdown": CPU_SLOWDOWN,
            "runs": openings,
            "median_ms": round(statistics.median(marks), 1),
            "min_ms": round(min(marks), 1),
            "median_wall_ms": round(statistics.median(o["wall_ms"] for o in openings), 1),
            "median_shell_ms": round(statistics.median(o["shell_ms"] for o in openings), 1),
            "goal_ms": DRAW_GOAL_MS,
        },
        "sync": {
            "records": n_records,
            "link": {"kbit_s": 400, "latency_ms": SLOW_LINK["latency"]},
            "runs": syncs,
            "median_seconds": round(statistics.median(s["seconds"] for s in syncs), 2),
            "all_stored": all(s["stored"] == n_records for s in syncs),
        },
        "page_problems": problems,
    }


def table(result: dict[str, Any]) -> str:
    shell, opening, sync = result["shell"], result["offline_open"], result["sync"]
    rows = [
        ("figure", "measured", "goal"),
        ("app shell, raw", f"{shell['raw_bytes'] / 1024:.1f} KB ({len(shell['files'])} files)", ""),
        ("app shell, gzip", f"{shell['gzip_bytes'] / 1024:.1f} KB", "< 150 KB"),
        (
            f"offline open to day list ({opening['stops']} stops, CPU {opening['cpu_slowdown']}x)",
            f"{opening['median_ms']:.0f} ms median of {len(opening['runs'])}"
            f" (shell {opening['median_shell_ms']:.0f} ms, wall {opening['median_wall_ms']:.0f} ms)",
            "< 1000 ms",
        ),
        (
            f"sync {sync['records']} records, {sync['link']['kbit_s']} kbit/s"
            f" {sync['link']['latency_ms']} ms",
            f"{sync['median_seconds']:.2f} s median of {len(sync['runs'])}, all stored: {sync['all_stored']}",
            "",
        ),
    ]
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(width[i]) for i, cell in enumerate(r)).rstrip() for r in rows)


def main() -> None:
    p = parser(__doc__ or "", search=False)
    p.add_argument("--runs", type=int, default=5, help="offline openings timed")
    p.add_argument("--records", type=int, default=200, help="outbox records per sync")
    p.add_argument("--sync-runs", type=int, default=3)
    args = p.parse_args()
    say = Reporter(args.json)
    result = run(args.runs, args.records, args.sync_runs, say)
    say.line("")
    say.line(table(result))
    say.result(result)


if __name__ == "__main__":
    main()
