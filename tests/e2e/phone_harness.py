"""What the phone app's browser tests (and benchmarks/phone_app.py) stand on: the demo district of
console_harness served by a werkzeug server that can be stopped and started again on the same port (the
service worker and IndexedDB belong to the origin, so the phone must come back to the same one), and Debian's
Chromium dressed as an Android phone: 360x640, touch, a phone's user agent, geolocation granted.

"Offline" is the server stopped and the context offline: Playwright's set_offline does not cut a service
worker's own fetches, so only a stopped server proves the service worker answered from its cache."""

from __future__ import annotations

import io
import re
import socket
import sqlite3
import threading
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from api.app import create_app
from tests.e2e.console_harness import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, Served
from visitsvc.config import Settings
from visitsvc.kernel.clock import SHANGHAI, Clock, SystemClock
from visitsvc.kernel.month import Month

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

ANDROID_UA = (
    "Mozilla/5.0 (Linux; Android 13; M2102J2SC) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.144 Mobile Safari/537.36"
)
PHONE_WIDTH, PHONE_HEIGHT = 360, 640
DB_NAME = "visitsvc-m"
WAIT_MS = 30_000


class _OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: every connection closes after its answer, so no kept-alive socket outlives stop() and
    serves a 'stopped' server's pages from a handler thread."""

    protocol_version = "HTTP/1.0"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PhoneServer:
    """The app on one SQLite file and one fixed port, stopped and started at will; `served` is the API client
    (console_harness.Served) whose URL stays valid across restarts."""

    def __init__(
        self, database: Path, month: Month, port: int | None = None, clock: Clock | None = None
    ) -> None:
        self.database = database
        self.port = port or free_port()
        settings = Settings(
            database_url=f"sqlite:///{database}", secret_key="e2e-" + "s" * 44, environment="test"
        )
        self.app = create_app(settings, clock=clock)  # a FixedClock: a day of the month played now
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._client: Served | None = None
        self.start()
        assert self._server is not None
        assert self._thread is not None
        self._client = Served(self.url, month, self._server, self._thread)

    @property
    def served(self) -> Served:
        assert self._client is not None
        return self._client

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self._server is not None:
            return
        server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=_OneRequestPerConnection
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self._server, self._thread = server, thread
        if self._client is not None:
            self._client.server, self._client.thread = server, thread

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()  # the port refuses connections from here on
        self._thread.join(timeout=30)
        self._server = self._thread = None


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def phone_context(browser: Browser, base_url: str, near: tuple[float, float] | None = None) -> BrowserContext:
    """An Android phone in a village: `near` is (lon, lat) of a stop, where the worker stands."""
    lon, lat = near or (120.15, 30.28)
    return browser.new_context(
        base_url=base_url,
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
        screen={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=ANDROID_UA,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        permissions=["geolocation"],
        geolocation={"longitude": lon + 0.0001, "latitude": lat + 0.0001, "accuracy": 12},
        service_workers="allow",
    )


@dataclass
class Phone:
    """One page of the app, with what went wrong in it (script errors, policy violations)."""

    page: Page
    problems: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, context: BrowserContext) -> Phone:
        phone = cls(context.new_page())

        def listen(message: Any) -> None:
            text = message.text
            if message.type == "error" and not text.startswith("Failed to load resource"):
                phone.problems.append(text)

        phone.page.on("console", listen)
        phone.page.on("pageerror", lambda error: phone.problems.append(str(error)))
        phone.page.on("dialog", phone.accept_dialog)
        return phone

    @staticmethod
    def accept_dialog(dialog: Any) -> None:
        dialog.accept()

    def goto(self, path: str) -> Any:
        response = self.page.goto(path)
        self.wait_ready()
        return response

    def wait_ready(self) -> None:
        self.page.wait_for_function("() => window.__visitsvc && window.__visitsvc.ready", timeout=WAIT_MS)
        self.page.evaluate("() => window.__visitsvc.ready")

    def login(self, account: str, password: str = DEMO_PASSWORD) -> None:
        form = self.page.locator("form[data-login]")
        form.wait_for(state="visible", timeout=WAIT_MS)
        form.locator("input[name=username]").fill(account)
        form.locator("input[name=password]").fill(password)
        form.locator("button[type=submit], input[type=submit]").first.click()
        form.wait_for(state="hidden", timeout=WAIT_MS)
        self.wait_day(None)

    def wait_day(self, day: str | None) -> None:
        """The day list drawn (`ready` may have resolved earlier, for the login form)."""
        heading = '[data-screen="today"] h1[data-day]' + (f'[data-day="{day}"]' if day else "")
        self.page.locator(heading).wait_for(timeout=WAIT_MS)

    def wait_offline_ready(self) -> None:
        """The service worker is active, so it holds the shell: the next navigation goes through it."""
        self.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")

    def pending(self) -> str:
        return self.page.locator("[data-pending]").first.inner_text().strip()

    def wait_pending(self, count: int, timeout: int = WAIT_MS) -> None:
        self.page.wait_for_function(
            "n => (document.querySelector('[data-pending]') || {textContent: ''}).textContent.trim() === n",
            arg=str(count),
            timeout=timeout,
        )

    def wait_photos_sent(self, timeout: int = WAIT_MS) -> None:
        self.page.wait_for_function(
            """() => { const e = document.querySelector('[data-pending-photos]');
                       return !e || ['', '0'].includes(e.textContent.trim()) }""",
            timeout=timeout,
        )

    def stored(self, store: str) -> list[dict[str, Any]]:
        """Every value of one IndexedDB store of the app (photos come back as their byte counts)."""
        return list(self.page.evaluate(_READ_STORE, [DB_NAME, store]))

    def outbox(self) -> list[dict[str, Any]]:
        return self.stored("outbox")

    def session(self) -> dict[str, Any]:
        sessions = self.stored("session")
        assert len(sessions) == 1, sessions
        return sessions[0]

    def record(self, visit_id: int, *, outcome: str = "visited", photo: Path | None = None) -> None:
        """Record one stop through the form, as a worker does, and wait until it is back on the list."""
        stop = self.page.locator(f'[data-visit-id="{visit_id}"]')
        stop.locator('[data-action="record"]').click()
        form = self.page.locator("form[data-record]")
        form.wait_for(state="visible")
        choose(form, "outcome", outcome)
        if photo is not None:
            form.locator("input[type=file][name=photo]").set_input_files(str(photo))
            # the photo is shrunk before it is held: its count goes up when it is ready
            form.locator("[data-photo-count]").filter(has_text=re.compile(r"^\s*1\D")).wait_for()
        form.locator("button[type=submit], input[type=submit]").first.click()
        form.wait_for(state="hidden", timeout=WAIT_MS)

    def shot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)


def choose(form: Any, name: str, value: str) -> None:
    """A field named `name` set to `value`, whether the app drew it as a select or as radios."""
    select = form.locator(f"select[name={name}]")
    if select.count():
        select.select_option(value)
    else:
        form.locator(f'input[name={name}][value="{value}"]').check()


_READ_STORE = """async ([name, store]) => {
  const db = await new Promise((ok, fail) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => ok(open.result);
    open.onerror = () => fail(open.error);
  });
  try {
    if (!db.objectStoreNames.contains(store)) return [];
    const values = await new Promise((ok, fail) => {
      const all = db.transaction(store).objectStore(store).getAll();
      all.onsuccess = () => ok(all.result);
      all.onerror = () => fail(all.error);
    });
    const plain = v => v instanceof Blob ? v.size : Array.isArray(v) ? v.map(plain)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
    return values.map(plain);
  } finally { db.close(); }
}"""

# What the browser holds for the origin: the app's database (and its stores' sizes) and the caches' URLs.
LEFT_BEHIND = """async name => {
  const dbs = (await indexedDB.databases()).map(d => d.name);
  const caches_ = {};
  for (const key of await caches.keys()) {
    caches_[key] = (await (await caches.open(key)).keys()).map(r => r.url);
  }
  return {databases: dbs, caches: caches_};
}"""


def rows_by_client_id(
    database: Path, client_ids: Iterable[str], table: str = "visit_records"
) -> dict[str, int]:
    """How many visit records (or `appointments`) the server holds under each client_id (read from its
    SQLite file)."""
    assert table in ("visit_records", "appointments")
    ids = list(client_ids)
    with sqlite3.connect(database) as db:
        marks = ",".join("?" * len(ids))
        rows = db.execute(
            f"SELECT client_id, count(*) FROM {table} WHERE client_id IN ({marks}) GROUP BY client_id",  # noqa: S608
            ids,
        ).fetchall()
    found = dict.fromkeys(ids, 0)
    found.update({str(k): int(n) for k, n in rows})
    return found


def photos_of(database: Path, client_id: str) -> int:
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT count(*) FROM visit_photos p JOIN visit_records v ON v.id = p.visit_id"
            " WHERE v.client_id = ?",
            (client_id,),
        ).fetchone()
    return int(row[0])


def day_with_stops(served: Served, account: str, at_least: int, today: date) -> tuple[str, dict[str, Any]]:
    """Today if it has enough stops, else the next working day (the phone holds both): its date and route."""
    route = served.api(account, "/api/v1/me/route", date=today.isoformat())
    if len(route["stops"]) < at_least and route.get("next_day"):
        day = route["next_day"]
        day = day["date"] if isinstance(day, dict) else day
        route = served.api(account, "/api/v1/me/route", date=day)
    assert len(route["stops"]) >= at_least, f"{account} has no day with {at_least} stops near {today}"
    return str(route["date"]), route


def jpeg(path: Path, size: tuple[int, int] = (2000, 1500)) -> Path:
    """A camera-sized photo (the app shrinks it to ~1,600 px before it queues)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (90, 140, 70))
    draw = ImageDraw.Draw(image)
    for n in range(0, size[0], 100):
        draw.line([(n, 0), (size[0] - n, size[1])], fill=(200, 180, 60), width=9)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


class Worker:
    """A grid worker's phone, logged in on a day of theirs with at least three stops (`at_least`)."""

    def __init__(
        self,
        browser: Browser,
        server: PhoneServer,
        account: str,
        now: datetime | None = None,
        at_least: int = 3,
    ) -> None:
        """`now`: the phone's clock stands still at this instant (as the server's FixedClock does)."""
        self.account = account
        self.server = server
        today = now.astimezone(SHANGHAI).date() if now else SystemClock().today()
        self.day, self.route = day_with_stops(server.served, account, at_least, today)
        located = [s["location"] for s in self.route["stops"] if s["location"]]
        near = (located[0]["lon"], located[0]["lat"]) if located else None
        self.context: BrowserContext = phone_context(browser, server.url, near)
        self.phone = Phone.open(self.context)
        if now is not None:
            self.phone.page.clock.set_fixed_time(now)
        self.phone.goto(f"/m/?date={self.day}")
        self.phone.login(account)
        self.phone.wait_day(self.day)
        self.phone.wait_offline_ready()

    @property
    def stop_ids(self) -> list[int]:
        return [int(s["visit_id"]) for s in self.route["stops"]]

    def drawn(self) -> list[int]:
        found = self.phone.page.locator("[data-visit-id]").evaluate_all(
            "stops => stops.map(s => Number(s.dataset.visitId))"
        )
        return list(found)

    def client_ids(self) -> list[str]:
        return [str(item["client_id"]) for item in self.phone.outbox()]

    def held(self, client_ids: list[str]) -> dict[str, int]:
        return rows_by_client_id(self.server.database, client_ids)

    def clean(self) -> None:
        assert self.phone.problems == [], "no script errors or Content-Security-Policy violations"

    def close(self) -> None:
        self.context.close()


def revoke(url: str, access_token: str) -> None:
    """POST /auth/logout with the phone's own token: its session (access and refresh) is over."""
    request = urllib.request.Request(  # noqa: S310 - our own server
        url + "/api/v1/auth/logout", method="POST", headers={"Authorization": f"Bearer {access_token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        assert answer.status in (200, 204)


def access_token(session: dict[str, Any]) -> str:
    for key in ("access_token", "access", "token"):
        if isinstance(session.get(key), str):
            return str(session[key])
    nested = [v for v in session.values() if isinstance(v, dict)]
    for value in nested:
        if isinstance(value.get("access_token"), str):
            return str(value["access_token"])
    raise AssertionError(f"no access token in the session store: {sorted(session)}")
