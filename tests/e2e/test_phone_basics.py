"""The grid worker's phone app at /m/ in a phone-sized Chromium (touch, Android user agent): the day list is
what GET /me/route says, navigation and call links are the API's, a worker sees only their own route, a
supervisor is sent to the console, and every screen is saved as a screenshot (phone-<screen>.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.console_harness import (
    DEMO_PASSWORD,
    Served,
    month_to_plan,
    private_copy,
    require_chromium,
    screenshots_dir,
    serve,
    shared_demo,
)
from tests.e2e.phone_harness import launch, phone_context
from visitsvc.kernel.clock import SystemClock

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow
KIND_WORDS = {"home": "上门", "phone": "电话"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    require_chromium()
    month = month_to_plan(SystemClock().today())
    base = tmp_path_factory.getbasetemp()
    demo = shared_demo(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base, month)
    yield from serve(private_copy(demo, tmp_path_factory.mktemp("phone") / "demo.db"), month)


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@dataclass
class Phone:
    page: Page
    served: Served
    problems: list[str] = field(default_factory=list)

    def login(self, account: str, path: str = "/m/") -> None:
        self.page.goto(path)
        self.page.fill("form[data-login] input[name=username]", account)
        self.page.fill("form[data-login] input[name=password]", DEMO_PASSWORD)
        self.page.click("form[data-login] button[type=submit]")

    def shown_ids(self) -> list[int]:
        self.page.wait_for_selector("[data-screen=today] h1[data-day]")
        ids = self.page.locator("[data-visit-id]").evaluate_all("els => els.map(e => e.dataset.visitId)")
        return [int(value) for value in ids]

    def shot(self, screen: str) -> Path:
        path = screenshots_dir() / f"phone-{screen}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture
def phone(browser: Browser, served: Served) -> Iterator[Phone]:
    context = phone_context(browser, served.url)
    page = context.new_page()
    found = Phone(page, served)
    page.on("pageerror", lambda error: found.problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            found.problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("dialog", lambda dialog: dialog.accept())
    yield found
    context.close()
    assert found.problems == []


def a_day_with_stops(served: Served, account: str) -> tuple[str, dict[str, Any]]:
    """Today if the worker has stops today, else the next day that has (a weekend, or next month's plan)."""
    route = served.api(account, "/api/v1/me/route")
    if not route["stops"]:
        day = route["next_day"] or str(served.month.first)
        route = served.api(account, "/api/v1/me/route", date=day)
    assert route["stops"], f"{account} has no stops on {route['date']}"
    return route["date"], route


def test_the_day_list_is_the_apis_route_with_its_nav_and_call_links(phone: Phone, served: Served) -> None:
    day, route = a_day_with_stops(served, "w001")
    phone.page.goto(f"/m/?date={day}")
    phone.page.wait_for_selector("form[data-login]")
    phone.shot("login")
    phone.login("w001", f"/m/?date={day}")

    assert phone.shown_ids() == [stop["visit_id"] for stop in route["stops"]]
    assert phone.page.locator("h1[data-day]").get_attribute("data-day") == day
    for stop in route["stops"]:
        card = phone.page.locator(f'[data-visit-id="{stop["visit_id"]}"]')
        elder = stop["elder"]
        assert card.locator("[data-name]").inner_text().startswith(elder["name"])
        assert card.locator("[data-kind-word]").inner_text() == KIND_WORDS[stop["kind"]]
        if stop["nav"]:
            assert card.locator("a[data-nav-link=amap]").get_attribute("href") == stop["nav"]["amap"]
            assert card.locator("a[data-nav-link=baidu]").get_attribute("href") == stop["nav"]["baidu"]
        if elder["phone"]:
            assert card.locator("[data-call=elder]").get_attribute("href") == f"tel:{elder['phone']}"
        contact = elder["emergency_contact"]
        if contact and contact["phone"]:
            assert card.locator("[data-call=emergency]").get_attribute("href") == f"tel:{contact['phone']}"
        assert card.locator("[data-action=record]").count() == 1
    assert phone.page.locator("[data-pending]").inner_text() == "0"
    phone.shot("today")


def test_every_screen_draws_and_a_record_made_online_is_sent(phone: Phone, served: Served) -> None:
    day, route = a_day_with_stops(served, "w001")
    phone.login("w001", f"/m/?date={day}")
    phone.shown_ids()
    stop = next(s for s in route["stops"] if s["status"] == "pending")

    phone.page.click(f'[data-visit-id="{stop["visit_id"]}"] [data-action=record]')
    form = phone.page.locator("form[data-record]")
    form.locator("select[name=outcome]").select_option("visited")
    form.locator('input[name="findings.safety"][value=concern]').check()
    form.locator('input[name="note.safety"]').fill("楼道灯坏了")
    phone.shot("record")
    with phone.page.expect_response("**/api/v1/me/sync") as answer:
        form.locator("button[type=submit]").click()
    phone.page.wait_for_function("() => document.querySelector('[data-pending]').textContent === '0'")
    (result,) = answer.value.json()["results"]
    assert result["status"] == "created"
    stored = served.api("w001", f"/api/v1/visits/{result['visit_id']}")
    assert (stored["planned_visit_id"], stored["outcome"]) == (stop["visit_id"], "visited")

    phone.page.click("[data-nav=owed]")
    phone.page.wait_for_selector("[data-owed-elder]")
    owed = served.api("w001", "/api/v1/me/owed", limit=200)["items"]
    shown = phone.page.locator("[data-owed-elder]").evaluate_all("els => els.map(e => +e.dataset.owedElder)")
    assert shown == [item["elder_id"] for item in owed]
    phone.shot("owed")
    for screen in ("outbox", "absence"):
        phone.page.click(f"[data-nav={screen}]")
        phone.page.wait_for_selector(f"[data-screen={screen}]")
        phone.shot(screen)


def test_a_supervisor_is_sent_to_the_console_with_the_token_revoked(phone: Phone) -> None:
    with phone.page.expect_request("**/api/v1/auth/logout"):
        phone.login("sup01")
    phone.page.wait_for_url("**/console/**")
    assert "/console/" in phone.page.url


def test_a_grid_worker_sees_only_their_own_route(phone: Phone, served: Served) -> None:
    theirs_day, theirs = a_day_with_stops(served, "w002")
    others = {stop["visit_id"] for stop in theirs["stops"]}
    phone.login("w001", f"/m/?date={theirs_day}")
    shown = phone.shown_ids()
    mine = served.api("w001", "/api/v1/me/route", date=theirs_day)
    expected = mine if mine["stops"] or not mine["next_day"] else None
    if expected is not None:
        assert shown == [stop["visit_id"] for stop in expected["stops"]]
    assert others.isdisjoint(shown)
    assert date.fromisoformat(theirs_day)  # a real day was asked for


def test_a_new_plan_version_says_what_changed_since_the_one_held(phone: Phone, served: Served) -> None:
    day, route = a_day_with_stops(served, "w003")
    phone.login("w003", f"/m/?date={day}")
    assert phone.shown_ids() == [stop["visit_id"] for stop in route["stops"]]
    assert phone.page.locator("[data-changes]").count() == 0
    stop = next(s for s in reversed(route["stops"]) if s["status"] == "pending")

    _move_to_a_later_day(served, stop["visit_id"], after=date.fromisoformat(day))
    phone.page.click("[data-nav=today]")

    changes = phone.page.wait_for_selector("[data-changes]")
    assert f"自第 {route['plan_version']} 版" in changes.inner_text()
    assert "取消 1 站" in changes.inner_text()
    now = served.api("w003", "/api/v1/me/route", date=day)
    assert phone.shown_ids() == [s["visit_id"] for s in now["stops"]]
    assert stop["elder"]["id"] not in [s["elder"]["id"] for s in now["stops"]]
    phone.shot("today-changed")


def _move_to_a_later_day(served: Served, visit_id: int, *, after: date) -> None:
    """A supervisor moves the visit to the first later working day of the month that the checker accepts."""
    import urllib.error

    import chinese_calendar

    days = [d for d in served.month.days() if d > after and chinese_calendar.is_workday(d)]
    refusals = []
    for day in days:
        body = {"moves": [{"planned_visit_id": visit_id, "to_date": day.isoformat()}]}
        try:
            served.call("POST", f"/api/v1/plans/{served.month}/moves", body=body, account="sup01")
            return
        except urllib.error.HTTPError as refused:
            refusals.append(f"{day}: {refused.code}")
    pytest.fail(f"no later day took the visit: {refusals}")
