"""The grid worker's phone app (/m/) where the network fails: the day's route and three records with a
photo made with the server stopped and sent once when it is back; a sync (and a photo) whose answer is
lost and a page closed mid-sync; a login that expires with records waiting, and logout leaving nothing; a
record the server holds with another body (conflict) and one it refuses (rejected); a new version that
waits while a record is written; an outbox never sent under another login. Debian's Chromium as an Android
phone (tests/e2e/phone_harness.py); the server's SQLite file is the witness of "exactly once"."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from api import mobile
from tests.e2e.console_harness import (
    month_to_plan,
    private_copy,
    require_chromium,
    screenshots_dir,
    shared_demo,
)
from tests.e2e.phone_harness import (
    DB_NAME,
    LEFT_BEHIND,
    Phone,
    PhoneServer,
    Worker,
    access_token,
    choose,
    jpeg,
    launch,
    photos_of,
    revoke,
)
from visitsvc.kernel.clock import SHANGHAI, SystemClock

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow
NEXT_VERSION = "e2e0next0001"
# wait_for_function does not await a promise: each poll starts a read and looks at the previous one's answer
CACHES_ARE = """names => { caches.keys().then(k => { window.__caches = k.join() });
  return window.__caches === names }"""
NEW_VERSION_WAITING = """() => {
  navigator.serviceWorker.getRegistration('/m/').then(r => { window.__waiting = Boolean(r.waiting) });
  return window.__waiting === true }"""


@pytest.fixture(scope="module")
def phone_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PhoneServer]:
    require_chromium()
    month = month_to_plan(SystemClock().today())
    base = tmp_path_factory.getbasetemp()
    base = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    # VISITSVC_E2E_DEMO_DIR keeps the seeded demo between runs (while writing tests: saves ~30 s a run)
    demo = shared_demo(Path(os.environ.get("VISITSVC_E2E_DEMO_DIR") or base), month)
    server = PhoneServer(private_copy(demo, tmp_path_factory.mktemp("phone") / "demo.db"), month)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(phone_server: PhoneServer) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def server(phone_server: PhoneServer) -> Iterator[PhoneServer]:
    """The module's server, running again whatever a test did to it."""
    yield phone_server
    phone_server.start()


@pytest.fixture
def worker_of(browser: Browser, server: PhoneServer) -> Iterator[Callable[[str], Worker]]:
    opened: list[Worker] = []

    def open_(account: str) -> Worker:
        opened.append(Worker(browser, server, account))
        return opened[-1]

    yield open_
    for worker in opened:
        worker.close()


def shot(worker: Worker, name: str) -> None:
    worker.phone.shot(screenshots_dir() / f"phone-{name}.png")


def test_records_made_with_the_server_stopped_are_sent_once_when_it_is_back(
    worker_of: Callable[[str], Worker], server: PhoneServer, tmp_path: Path
) -> None:
    w = worker_of("w001")
    page = w.phone.page
    assert w.drawn() == w.stop_ids, "the day list is GET /me/route's stops, in order"

    server.stop()
    w.context.set_offline(True)
    response = page.reload()
    assert response is not None
    assert response.from_service_worker, "the service worker answered the reload"
    w.phone.wait_day(w.day)
    assert w.drawn() == w.stop_ids, "the route is there offline"
    shot(w, "offline-today")

    photo = jpeg(tmp_path / "门口.jpg")
    for n, visit_id in enumerate(w.stop_ids[:3]):
        w.phone.record(visit_id, photo=photo if n == 0 else None)
    w.phone.wait_pending(3)
    outbox = w.phone.outbox()
    client_ids = [str(item["client_id"]) for item in outbox]
    with_photo = [str(item["client_id"]) for item in outbox if item["photos"]]
    assert len(set(client_ids)) == 3
    assert len(with_photo) == 1
    assert w.held(client_ids) == dict.fromkeys(client_ids, 0), "nothing reached the stopped server"
    cached = page.evaluate(LEFT_BEHIND, DB_NAME)["caches"]
    assert cached, "the shell is in Cache Storage"
    assert not [url for urls in cached.values() for url in urls if "/api/" in url], "no API answer cached"

    server.start()
    w.context.set_offline(False)
    w.phone.wait_pending(0)
    w.phone.wait_photos_sent()
    assert w.held(client_ids) == dict.fromkeys(client_ids, 1), "each record stored exactly once"
    assert photos_of(server.database, with_photo[0]) == 1, "the photo stored once"
    w.clean()


def test_a_sync_whose_answer_is_lost_and_a_page_closed_mid_sync_is_resent_and_stored_once(
    worker_of: Callable[[str], Worker], server: PhoneServer, tmp_path: Path
) -> None:
    w = worker_of("w002")
    w.context.set_offline(True)  # the server runs; the phone cannot reach it
    for n, visit_id in enumerate(w.stop_ids[:3]):
        w.phone.record(visit_id, photo=jpeg(tmp_path / "门口.jpg") if n == 0 else None)
    w.phone.wait_pending(3)
    client_ids = w.client_ids()
    [with_photo] = [str(item["client_id"]) for item in w.phone.outbox() if item["photos"]]

    lost: list[str] = []

    def lose_the_answer(route: Any) -> None:
        route.fetch()  # the request reaches the server and is stored ...
        lost.append(route.request.url)
        route.abort()  # ... and its answer never reaches the phone

    page = w.phone.page
    page.route("**/api/v1/me/sync", lose_the_answer)
    with page.expect_event("requestfailed", lambda r: "/api/v1/me/sync" in r.url):
        w.context.set_offline(False)
    page.close()
    assert lost, "the page sent its batch"
    assert w.held(client_ids) == dict.fromkeys(client_ids, 1), (
        "the server stored the batch it could not answer"
    )

    again = Phone.open(w.context)
    resent: list[str] = []
    again.page.on("request", lambda r: resent.append(r.url) if "/api/v1/me/sync" in r.url else None)
    photo_answers_lost: list[str] = []

    def lose_the_first_photo_answer(route: Any) -> None:
        if photo_answers_lost:
            route.continue_()
            return
        route.fetch()
        photo_answers_lost.append(route.request.url)
        route.abort()

    again.page.route("**/api/v1/visits/*/photos", lose_the_first_photo_answer)
    again.goto(f"/m/?date={w.day}")
    again.wait_pending(0)
    assert resent, "the reopened page sent its outbox again"
    assert w.held(client_ids) == dict.fromkeys(client_ids, 1), "and the server still holds each once"
    again.wait_photos_sent()
    assert photo_answers_lost, "the photo's answer was lost once"
    assert photos_of(server.database, with_photo) == 1, "the photo sent again is stored once"
    assert again.problems == []


def test_an_expired_login_keeps_the_outbox_and_logout_leaves_nothing_behind(
    worker_of: Callable[[str], Worker], server: PhoneServer
) -> None:
    w = worker_of("w003")
    page = w.phone.page
    w.context.set_offline(True)
    for visit_id in w.stop_ids[:2]:
        w.phone.record(visit_id)
    w.phone.wait_pending(2)
    client_ids = w.client_ids()

    revoke(server.url, access_token(w.phone.session()))
    w.context.set_offline(False)  # the phone tries to send, its refresh is refused
    page.locator("form[data-login]").wait_for(state="visible")
    assert w.phone.pending() == "2", "the records wait under the login form"
    assert w.held(client_ids) == dict.fromkeys(client_ids, 0)
    shot(w, "login-expired")

    w.phone.login("w003")
    w.phone.wait_pending(0)
    assert w.held(client_ids) == dict.fromkeys(client_ids, 1), "nothing lost, nothing doubled"

    page.locator('[data-action="logout"]').first.click()
    page.locator("form[data-login]").wait_for(state="visible")
    left = page.evaluate(LEFT_BEHIND, DB_NAME)
    if DB_NAME in left["databases"]:
        for store in ("session", "routes", "owed", "outbox"):
            assert w.phone.stored(store) == [], f"IndexedDB store {store} is empty after logout"
    assert left["caches"] == {}, "Cache Storage is empty after logout"
    w.clean()


def test_a_conflict_shows_the_stored_record_and_can_be_discarded(
    worker_of: Callable[[str], Worker], server: PhoneServer
) -> None:
    w = worker_of("w004")
    page = w.phone.page
    w.context.set_offline(True)
    w.phone.record(w.stop_ids[0], outcome="visited")
    w.phone.wait_pending(1)
    [item] = w.phone.outbox()
    client_id = str(item["client_id"])
    theirs = {**item["record"], "outcome": "not_home", "findings": {}}
    theirs.pop("photos", None)
    stored = server.served.call("POST", "/api/v1/visits", body=theirs, account="w004")

    w.context.set_offline(False)
    page.locator('[data-nav="outbox"]').first.click()
    entry = page.locator(f'[data-outbox-id="{client_id}"]')
    shown = entry.locator(f'[data-conflict] [data-stored-visit="{stored["id"]}"]')
    shown.wait_for(state="visible")
    assert "不在家" in shown.inner_text(), "the server's record is shown, not the phone's"
    assert w.phone.pending() == "1", "a conflict is not acknowledged"
    shot(w, "outbox-conflict")

    entry.locator('[data-action="discard"]').click()
    entry.wait_for(state="detached")
    w.phone.wait_pending(0)
    assert w.held([client_id]) == {client_id: 1}
    assert (
        server.served.call("GET", f"/api/v1/visits/{stored['id']}", account="w004")["outcome"] == "not_home"
    )
    assert json.dumps(w.phone.outbox()) == "[]"
    w.clean()


def test_a_rejected_record_shows_the_servers_reasons_and_is_accepted_once_corrected(
    worker_of: Callable[[str], Worker],
) -> None:
    w = worker_of("w005")
    page = w.phone.page
    page.clock.set_fixed_time(
        datetime.now(SHANGHAI) + timedelta(hours=1)
    )  # the phone's clock is an hour fast
    w.phone.record(w.stop_ids[0])
    page.locator('[data-nav="outbox"]').first.click()
    [client_id] = w.client_ids()
    entry = page.locator(f'[data-outbox-id="{client_id}"]')
    reasons = entry.locator("[data-rejected]")
    reasons.wait_for(state="visible")
    assert "时间晚于当前时间" in reasons.inner_text(), "the server's own words"
    w.phone.wait_pending(1)
    shot(w, "outbox-rejected")

    page.clock.set_fixed_time(datetime.now(SHANGHAI))  # the clock set right
    entry.locator('[data-action="correct"]').click()
    form = page.locator("form[data-record]")
    form.wait_for(state="visible")
    form.locator("button[type=submit], input[type=submit]").first.click()
    w.phone.wait_pending(0)
    assert w.held([client_id]) == {client_id: 1}, "accepted under the same client_id"
    w.clean()


def test_a_new_version_waits_while_a_record_is_written_and_the_outbox_survives_it(
    worker_of: Callable[[str], Worker], server: PhoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    w = worker_of("w006")
    page = w.phone.page
    page.route("**/api/v1/me/sync", lambda route: route.abort())  # the records wait in the outbox
    w.phone.record(w.stop_ids[0])
    w.phone.wait_pending(1)
    page.locator(f'[data-visit-id="{w.stop_ids[1]}"] [data-action="record"]').click()
    form = page.locator("form[data-record]")
    choose(form, "outcome", "not_home")
    page.evaluate("() => { window.__sameDocument = true }")

    monkeypatch.setattr(mobile, "shell_version", lambda: NEXT_VERSION)  # a deploy: /m/sw.js changes
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration('/m/')).update()")
    page.wait_for_function(NEW_VERSION_WAITING, timeout=30_000)
    assert page.evaluate("() => window.__sameDocument") is True, "no reload while a record is written"
    assert form.locator("select[name=outcome]").input_value() == "not_home"
    form.locator("button[type=submit]").click()
    w.phone.wait_pending(2)

    client_ids = w.client_ids()
    page.unroute("**/api/v1/me/sync")  # the new version is to send them

    # The next opening: the waiting version is told to take over and the app reloads once into it. Now and
    # then Chromium leaves that first skipWaiting unanswered (the worker stays 'installed'; the app draws with
    # the old version meanwhile): the opening after takes over.
    for opening in (1, 2):
        page.reload()
        try:
            page.wait_for_function(CACHES_ARE, arg=f"visitsvc-m-{NEXT_VERSION}", timeout=15_000)
            break
        except PlaywrightTimeout:
            if opening == 2:
                raise
    w.phone.wait_day(w.day)
    w.phone.wait_pending(0)
    assert w.held(client_ids) == dict.fromkeys(client_ids, 1), "both records survived the update, sent once"
    w.clean()


def test_an_outbox_is_never_sent_under_another_login(
    worker_of: Callable[[str], Worker], server: PhoneServer
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    w = worker_of("w007")
    page = w.phone.page
    w.context.set_offline(True)
    w.phone.record(w.stop_ids[0])
    w.phone.wait_pending(1)
    [client_id] = w.client_ids()
    revoke(server.url, access_token(w.phone.session()))
    w.context.set_offline(False)
    page.locator("form[data-login]").wait_for(state="visible")

    w.phone.login("w008")  # a colleague borrows the phone
    w.phone.wait_pending(0)
    page.evaluate("() => window.__visitsvc.syncNow()")
    assert w.held([client_id]) == {client_id: 0}, "w007's record is not sent under w008's login"
    page.remove_listener("dialog", w.phone.accept_dialog)
    page.once("dialog", lambda dialog: dialog.dismiss())  # the colleague thinks again
    try:
        with page.expect_event("dialog", timeout=10_000) as warning:
            page.locator('[data-action="logout"]').first.click()
    except PlaywrightTimeout:
        pytest.fail("logging out would delete w007's unsent record without a warning")
    assert "1" in warning.value.message
    page.on("dialog", w.phone.accept_dialog)

    revoke(server.url, access_token(w.phone.session()))
    page.locator('[data-nav="owed"]').first.click()  # w008 has nothing to send: a read finds the login over
    page.locator("form[data-login]").wait_for(state="visible")
    w.phone.login("w007")
    w.phone.wait_pending(0)
    assert w.held([client_id]) == {client_id: 1}, "sent once its own account is back"
    w.clean()
