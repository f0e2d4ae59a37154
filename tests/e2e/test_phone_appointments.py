"""The phone app's 预约 (issue 17) against the real server: an appointment made offline on a stop is sent once
when the server is back (its first answer lost) and the stop shows the agreed time; one the server refuses
shows its reasons and is discarded; the 明日需预约 list is the next working day's home visits without an
appointment, and each of its three answers (home then, another day, no answer) is stored as it should be;
nobody at home on a last-chance stop opens the call prompt at once, the family's answer (answered_by) is what
the coverage counts as settled by a call after an empty doorstep, and a call nobody answers raises the urgent
follow-up and settles nothing.
Debian's Chromium as an Android phone (tests/e2e/phone_harness.py); the API and the server's SQLite file are
the witnesses."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.error import HTTPError

import pytest

from tests.e2e.console_harness import (
    Served,
    month_to_plan,
    private_copy,
    require_chromium,
    screenshots_dir,
    shared_demo,
)
from tests.e2e.phone_harness import PhoneServer, Worker, choose, launch, rows_by_client_id
from visitsvc.kernel.clock import SHANGHAI, FixedClock, SystemClock
from visitsvc.kernel.workdays import WorkCalendar

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Route

pytestmark = pytest.mark.slow
MONTH = month_to_plan(SystemClock().today())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_chromium()
    base = tmp_path_factory.getbasetemp()
    base = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared_demo(Path(os.environ.get("VISITSVC_E2E_DEMO_DIR") or base), MONTH)


@pytest.fixture(scope="module")
def phone_server(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PhoneServer]:
    server = PhoneServer(private_copy(demo, tmp_path_factory.mktemp("phone") / "demo.db"), MONTH)
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


def shot(worker: Worker, name: str, focus: Locator | None = None) -> None:
    """The screen as the worker sees it (one phone screen, `focus` scrolled into it)."""
    if focus is not None:
        focus.scroll_into_view_if_needed()
    worker.phone.page.screenshot(path=str(screenshots_dir() / f"phone-{name}.png"))


def hhmm(value: str | None) -> str | None:
    return None if value is None else value[:5]


def around(arrival: str | None) -> tuple[str, str]:
    """The app's window for "home then": two hours from the half hour before an hour ahead of the planned
    arrival, inside 07:00-20:00."""
    hh, mm = (int(part) for part in (arrival or "09:00")[:5].split(":"))
    start = max(7 * 60, min((hh * 60 + mm - 60) // 30 * 30, 20 * 60 - 120))
    end = min(20 * 60, start + 120)
    return f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"


def appointments_of(w: Worker, elder_id: int, day: str) -> list[dict[str, Any]]:
    listed = w.server.served.api(w.account, "/api/v1/appointments", month=day[:7], elder_id=elder_id)
    return list(listed["items"])


def lose_the_first_answer(lost: list[str]) -> Callable[[Route], None]:
    def handle(route: Route) -> None:
        if lost:
            route.continue_()
            return
        route.fetch()  # the batch reaches the server and is stored ...
        lost.append(route.request.url)
        route.abort()  # ... and its answer never reaches the phone

    return handle


def fill_window(form: Locator, start: str, end: str, day: str | None = None) -> None:
    if day is not None:
        form.locator("input[name=day]").fill(day)
    form.locator("input[name=from]").fill(start)
    form.locator("input[name=to]").fill(end)


def test_an_appointment_made_offline_is_sent_once_when_the_server_is_back_and_shows_on_the_stop(
    worker_of: Callable[[str], Worker], server: PhoneServer
) -> None:
    w = worker_of("w011")
    page = w.phone.page
    stop = next(s for s in w.route["stops"] if s["kind"] == "home" and not s.get("appointment"))
    card = page.locator(f'[data-visit-id="{stop["visit_id"]}"]')

    server.stop()
    w.context.set_offline(True)
    card.locator('[data-action="appoint"]').click()
    form = page.locator("form[data-appointment]")
    form.wait_for(state="visible")
    assert form.locator("input[name=day]").input_value() == w.day, "the stop's own day by default"
    fill_window(form, "09:30", "10:30")
    form.locator("input[name=note]").fill("老人上午在家")
    shot(w, "appointment")
    form.locator("button[type=submit]").click()
    form.wait_for(state="hidden")
    w.phone.wait_pending(1)
    pending = card.locator('[data-appointment="pending"]')
    assert "09:30–10:30" in pending.inner_text(), "the stop shows the agreed time while it waits"
    [item] = w.phone.outbox()
    client_id = str(item["client_id"])
    assert item["appointment"] == {
        "client_id": client_id,
        "elder_id": stop["elder"]["id"],
        "day": w.day,
        "result": "agreed",
        "window_start": "09:30",
        "window_end": "10:30",
        "note": "老人上午在家",
    }
    assert rows_by_client_id(server.database, [client_id], "appointments") == {client_id: 0}

    lost: list[str] = []
    page.route("**/api/v1/me/sync", lose_the_first_answer(lost))
    server.start()
    w.context.set_offline(False)
    w.phone.wait_pending(0)
    assert lost, "the first batch reached the server and its answer was lost"
    assert rows_by_client_id(server.database, [client_id], "appointments") == {client_id: 1}, (
        "sent again under its client_id and stored once"
    )
    [stored] = [a for a in appointments_of(w, stop["elder"]["id"], w.day) if a["client_id"] == client_id]
    assert (stored["state"], stored["day"]) == ("agreed", w.day)
    assert (hhmm(stored["window_start"]), hhmm(stored["window_end"])) == ("09:30", "10:30")

    shown = page.locator(f'[data-appointment="{stored["id"]}"]')
    shown.wait_for(state="visible")
    assert "09:30–10:30" in shown.inner_text(), "from the route's appointment once synced"
    shot(w, "appointment-agreed", card)
    w.clean()


def test_an_appointment_the_server_refuses_shows_its_reasons_and_is_discarded(
    worker_of: Callable[[str], Worker], server: PhoneServer
) -> None:
    w = worker_of("w014")
    page = w.phone.page
    stop = next(s for s in w.route["stops"] if s["kind"] == "home")
    rest = next_rest_day(server.database, SystemClock().today())
    page.locator(f'[data-visit-id="{stop["visit_id"]}"] [data-action="appoint"]').click()
    form = page.locator("form[data-appointment]")
    fill_window(form, "09:00", "10:00", day=rest.isoformat())  # a weekend: the phone has no calendar
    form.locator("button[type=submit]").click()
    form.wait_for(state="hidden")
    page.locator('[data-nav="outbox"]').first.click()
    [client_id] = w.client_ids()
    entry = page.locator(f'[data-outbox-id="{client_id}"]')
    reasons = entry.locator("[data-rejected]")
    reasons.wait_for(state="visible")
    assert "日期：须为工作日" in reasons.inner_text(), "the server's own words, the field in Chinese"
    w.phone.wait_pending(1)
    entry.locator('[data-action="discard"]').click()
    entry.wait_for(state="detached")
    w.phone.wait_pending(0)
    assert appointments_of(w, stop["elder"]["id"], rest.isoformat()) == []
    assert rows_by_client_id(server.database, [client_id], "appointments") == {client_id: 0}
    w.clean()


def another_day(w: Worker, elder_id: int, day: str, next_day: str | None) -> str:
    """A working day in the person's home-visit window other than `day` where there is one (the worker's
    next day with stops is a working day), else `day` itself."""
    owed = w.server.served.api(w.account, "/api/v1/me/owed", limit=200)["items"]
    mine = [item["owed"] for item in owed if item["elder_id"] == elder_id]
    windows = [o for owes in mine for o in owes if o["kind"] == "home"]
    if next_day and windows and next_day <= max(o["latest"] for o in windows):
        return next_day
    return day


def next_working_day(database: Path, today: date, working: bool = True) -> date:
    """The first working day (or day off) after `today` by the server's calendar (its loaded notices, else
    the weekday)."""
    with sqlite3.connect(database) as db:
        notices = {
            date.fromisoformat(d): bool(w) for d, w in db.execute("SELECT day, is_workday FROM calendar_days")
        }
    calendar = WorkCalendar(notices)
    day = today + timedelta(days=1)
    while calendar.is_workday(day) is not working:
        day += timedelta(days=1)
    return day


def next_rest_day(database: Path, today: date) -> date:
    return next_working_day(database, today, working=False)


def test_the_call_ahead_list_is_the_next_working_days_unbooked_home_visits_and_each_answer_is_stored(
    worker_of: Callable[[str], Worker], server: PhoneServer
) -> None:
    w = worker_of("w013")  # w012 has too few stops since the demo station visits some of its people
    page = w.phone.page
    ahead = server.served.api(w.account, "/api/v1/me/call-ahead")
    day = str(ahead["date"])
    assert day == next_working_day(server.database, SystemClock().today()).isoformat()
    route = server.served.api(w.account, "/api/v1/me/route", date=day)
    unbooked = [s["visit_id"] for s in route["stops"] if s["kind"] == "home" and not s.get("appointment")]
    listed = [s["visit_id"] for s in ahead["stops"]]
    assert sorted(listed) == sorted(unbooked), "the day's home visits without an agreed appointment"
    assert len(listed) >= 3, f"{w.account} has three home visits to call ahead on {day}"

    page.locator('[data-nav="call-ahead"]').first.click()
    page.locator(f'[data-call-ahead-day="{day}"]').wait_for()
    shown = page.locator("[data-call-ahead]").evaluate_all("cs => cs.map(c => Number(c.dataset.callAhead))")
    assert shown == listed
    home, other, silent = ahead["stops"][:3]
    if home["elder"]["phone"]:
        tel = page.locator(f'[data-call-ahead="{home["visit_id"]}"] a[data-call=elder]').get_attribute("href")
        assert tel == f"tel:{home['elder']['phone']}"
    shot(w, "call-ahead")

    w.context.set_offline(True)  # the answers wait in the outbox like records
    page.locator(f'[data-call-ahead="{home["visit_id"]}"] [data-answer="home"]').click()
    d = another_day(w, other["elder"]["id"], day, route.get("next_day"))
    card = page.locator(f'[data-call-ahead="{other["visit_id"]}"]')
    card.locator('[data-answer="other"]').click()
    form = card.locator("form[data-appointment]")
    fill_window(form, "14:00", "15:00", day=d)
    form.locator("button[type=submit]").click()
    page.locator(f'[data-call-ahead="{silent["visit_id"]}"] [data-answer="no_answer"]').click()
    w.phone.wait_pending(3)
    assert page.locator('[data-call-ahead] [data-appointment="pending"]').count() == 3
    w.context.set_offline(False)
    w.phone.wait_pending(0)

    def one(stop: dict[str, Any], on: str) -> dict[str, Any]:
        found = appointments_of(w, stop["elder"]["id"], on)
        assert len(found) == 1, found
        return found[0]

    made = one(home, day)
    assert (made["state"], made["day"]) == ("agreed", day)
    assert (hhmm(made["window_start"]), hhmm(made["window_end"])) == around(home["planned_arrival"])
    moved = one(other, d)
    assert (moved["state"], moved["day"]) == ("agreed", d)
    assert (hhmm(moved["window_start"]), hhmm(moved["window_end"])) == ("14:00", "15:00")
    unanswered = one(silent, day)
    assert (unanswered["state"], unanswered["day"]) == ("no_answer", day)
    assert (unanswered["window_start"], unanswered["window_end"]) == (None, None)

    again = server.served.api(w.account, "/api/v1/me/call-ahead")
    left = {s["visit_id"]: s for s in again["stops"]}
    assert home["visit_id"] not in left, "agreed: off the list"
    if d == day:
        assert other["visit_id"] not in left
    assert left[silent["visit_id"]]["last_call"]["result"] == "no_answer", "still to call, the try noted"
    page.locator('[data-nav="today"]').first.click()
    page.locator('[data-nav="call-ahead"]').first.click()
    page.locator(f'[data-call-ahead="{silent["visit_id"]}"] [data-last-call="no_answer"]').wait_for()
    assert page.locator(f'[data-call-ahead="{home["visit_id"]}"]').count() == 0
    w.clean()


def last_chance_stop(served: Served, accounts: list[str]) -> tuple[str, date, int]:
    """A home visit put on the last working day its window allows, still to do: its worker, its day and its
    planned visit. The planner leaves room to try again (ADR 0010), so it never plans one there itself; a
    supervisor's move does (a person's next home visit moved to its window's last day)."""
    today = SystemClock().today().isoformat()
    for account in accounts:
        for item in served.api(account, "/api/v1/me/owed", limit=200)["items"]:
            nxt = item["next_planned"]
            if not (item["next_is_mine"] and item["next_kind"] == "home" and nxt and nxt > today):
                continue
            windows = [o for o in item["owed"] if o["kind"] == "home" and o["earliest"] <= nxt <= o["latest"]]
            if not windows or windows[0]["latest"] == nxt or windows[0]["latest"][:7] != str(MONTH):
                continue
            last = windows[0]["latest"]
            route = served.api(account, "/api/v1/me/route", date=nxt)
            [visit_id] = [s["visit_id"] for s in route["stops"] if s["elder"]["id"] == item["elder_id"]]
            body = {"moves": [{"planned_visit_id": visit_id, "to_date": last}]}
            try:
                moved = served.call("POST", f"/api/v1/plans/{MONTH}/moves", body=body, account="admin")
            except HTTPError as refused:  # that day is full, or the worker is away: the next one
                if refused.code != 409:
                    raise
                continue
            return account, date.fromisoformat(last), int(moved["moved"][0]["planned_visit_id"])
    pytest.fail(f"no home visit of {accounts} could be moved to its window's last day in {MONTH}")


@contextmanager
def on_its_last_day(browser: Browser, demo: Path, tmp_path: Path, accounts: list[str]) -> Iterator[LastDay]:
    """A worker's phone on the day a home visit of theirs is its window's last chance, played now: the
    server's clock at noon, the phone's standing at 10:00 while the door is knocked on."""
    database = private_copy(demo, tmp_path / "demo.db")
    today = PhoneServer(database, MONTH)
    try:
        account, day, visit_id = last_chance_stop(today.served, accounts)
    finally:
        today.stop()
    knock = datetime.combine(day, time(10, 0), SHANGHAI)
    late = PhoneServer(database, MONTH, clock=FixedClock(knock + timedelta(hours=2)))
    w = Worker(browser, late, account, now=knock, at_least=1)
    try:
        assert w.day == day.isoformat()
        [stop] = [s for s in w.route["stops"] if s["visit_id"] == visit_id]
        assert stop["last_chance"] is True
        yield LastDay(w, stop, knock)
        w.clean()
    finally:
        w.close()
        late.stop()


@dataclass
class LastDay:
    w: Worker
    stop: dict[str, Any]
    knock: datetime

    def nobody_home(self) -> Locator:
        """不在家 recorded at the stop, saved at 10:03 (the call comes after): the call prompt, open."""
        page = self.w.phone.page
        card = page.locator(f'[data-visit-id="{self.stop["visit_id"]}"]')
        assert card.locator("[data-last-chance]").inner_text() == "最后一天"
        card.locator('[data-action="record"]').click()
        form = page.locator("form[data-record]")
        choose(form, "outcome", "not_home")
        page.clock.set_fixed_time(self.knock + timedelta(minutes=3))
        form.locator("button[type=submit]").click()
        prompt = page.locator(f'[data-last-call="{self.stop["elder"]["id"]}"]')
        prompt.wait_for(state="visible")  # not after a sync: the phone knows the stop is the last chance
        return prompt

    def home_visits(self) -> dict[str, int]:
        figures = self.w.server.served.api("admin", "/api/v1/coverage", month=str(MONTH))["total"]
        return dict(figures["home_visits"])


def test_nobody_home_at_a_last_chance_stop_opens_the_call_and_the_familys_answer_settles_the_visit(
    browser: Browser, demo: Path, tmp_path: Path
) -> None:
    with on_its_last_day(browser, demo, tmp_path, [f"w{n:03d}" for n in range(13, 31)]) as last:
        before = last.home_visits()
        prompt = last.nobody_home()
        phone = last.stop["elder"]["phone"]
        if phone:
            assert prompt.locator("a[data-call=elder]").get_attribute("href") == f"tel:{phone}"
        shot(last.w, "last-call")
        prompt.locator('[data-answer="family"]').click()
        last.w.phone.wait_day(last.w.day)
        last.w.phone.wait_pending(0)

        after = last.home_visits()
        assert after["by_call_after_empty_doorstep"] == before["by_call_after_empty_doorstep"] + 1
        assert after["at_home"] == before["at_home"]
        page = last.w.phone.page
        assert page.locator('[data-advice] [data-action="last-call"]').count() == 0, "the call is made"


def test_a_last_chance_call_nobody_answers_raises_an_urgent_follow_up_and_settles_nothing(
    browser: Browser, demo: Path, tmp_path: Path
) -> None:
    with on_its_last_day(browser, demo, tmp_path, [f"w{n:03d}" for n in range(13, 31)]) as last:
        before = last.home_visits()
        last.nobody_home().locator('[data-answer="unreachable"]').click()
        last.w.phone.wait_day(last.w.day)
        last.w.phone.wait_pending(0)

        assert last.home_visits() == before
        route = last.w.server.served.api(last.w.account, "/api/v1/me/route", date=last.w.day)
        [stop] = [s for s in route["stops"] if s["visit_id"] == last.stop["visit_id"]]
        kinds = {(f["kind"], f["urgent"]) for f in stop["elder"]["open_follow_ups"]}
        assert ("not_found_last_chance", True) in kinds
        page = last.w.phone.page
        page.reload()
        last.w.phone.wait_day(last.w.day)
        card = page.locator(f'[data-visit-id="{last.stop["visit_id"]}"]')
        card.filter(has_text="【急】最后一天上门未遇且电话未通").wait_for()  # once the fresh route is drawn
