"""The supervisor console in a real browser (Debian's Chromium, driven by Playwright) on the demo district:
what a supervisor sees is what the API says, a moved visit reaches the other worker's phone, a bad 台账 row is
shown and nothing is imported, a day's route is drawn offline, scoping holds, grid workers are turned away.
Every page is saved as a screenshot (console_harness.SCREENSHOTS; README, "Console")."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.console_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    OTHER_STREET,
    STREET,
    Served,
    month_to_plan,
    private_copy,
    require_chromium,
    screenshots_dir,
    serve,
    shared_demo,
)
from tests.factories import id_number
from visitsvc.infrastructure.spreadsheet import write_csv
from visitsvc.kernel.clock import SHANGHAI, SystemClock
from visitsvc.register.ledger_format import ELDER_COLUMNS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow
GOOD_NAME = "浏览器测试甲"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    require_chromium()
    month = month_to_plan(SystemClock().today())
    base = tmp_path_factory.getbasetemp()
    demo = shared_demo(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base, month)
    for running in serve(private_copy(demo, tmp_path_factory.mktemp("console") / "demo.db"), month):
        _a_mornings_work(running)
        yield running


def _a_mornings_work(served: Served) -> None:
    """w001 has visited one of their people this morning, so that the month has someone covered to count."""
    if SystemClock().today() not in served.month:
        return  # next month's plan: nothing can have happened yet
    elder = served.api("w001", "/api/v1/elders", limit=1)["items"][0]["id"]
    start = datetime.now(SHANGHAI) - timedelta(minutes=40)
    body = {
        "client_id": str(uuid.uuid4()),
        "elder_id": elder,
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=25)).isoformat(),
        "kind": "home",
        "outcome": "visited",
    }
    served.call("POST", "/api/v1/visits", body=body, account="w001")


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """One browser tab, with what went wrong in it: script errors, policy violations, requests off-site."""

    page: Page
    served: Served
    problems: list[str] = field(default_factory=list)
    off_site: list[str] = field(default_factory=list)

    def login(self, account: str) -> None:
        self.page.goto("/console/login")
        self.page.fill("input[name=username]", account)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state()

    def open(self, path: str) -> int:
        response = self.page.goto(path)
        assert response is not None
        return response.status

    def text(self, selector: str) -> str:
        return self.page.locator(selector).inner_text().strip()

    def shot(self, name: str) -> Path:
        path = screenshots_dir() / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def tab(browser: Browser, served: Served) -> Iterator[Tab]:
    context = browser.new_context(
        viewport={"width": 1024, "height": 900}, base_url=served.url, locale="zh-CN"
    )
    page = context.new_page()
    found = Tab(page, served)

    def listen(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            found.problems.append(
                message.text
            )  # policy violations and script errors (an error page's status is none)

    page.on("console", listen)
    page.on("pageerror", lambda error: found.problems.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())

    def only_ours(route: Any) -> None:
        if route.request.url.startswith(served.url):
            route.continue_()
        else:  # nothing may come from a CDN or a tile server unless one is configured
            found.off_site.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    yield found
    context.close()


def clean(tab: Tab) -> None:
    assert tab.problems == [], "no script errors or Content-Security-Policy violations"
    assert tab.off_site == [], "nothing fetched from anywhere else"


def test_the_overview_shows_the_coverage_apis_figures_and_charts(tab: Tab, served: Served) -> None:
    tab.login("sup01")
    assert tab.open(f"/console/?month={served.month}") == 200
    api = served.api("sup01", "/api/v1/coverage", month=str(served.month))
    total = api["total"]
    assert tab.text('[data-figure="total.coverage_pct"]') == f"{total['coverage_pct']}%"
    assert tab.text('[data-figure="total.covered"]') == str(total["covered"])
    assert tab.text('[data-figure="total.coverable"]') == str(total["coverable"])
    assert tab.text('[data-figure="total.at_risk"]') == str(total["at_risk"])
    assert len(api["by_area"]) > 1, "the street's communities"
    for line in api["by_area"]:
        row = f'#by-area tr[data-key="{line["area"]}"]'
        for name in ("coverable", "covered", "at_risk"):
            assert tab.text(f'{row} [data-figure="{name}"]') == str(line[name])
        assert tab.text(f'{row} [data-figure="coverage_pct"]') == f"{line['coverage_pct']}%"
    for line in api["by_category"]:
        row = f'#by-category tr[data-key="{line["category"]}"]'
        assert tab.text(f'{row} [data-figure="coverable"]') == str(line["coverable"])
    tab.page.wait_for_function("() => window.Chart && Chart.getChart('chart-progress')")
    bars = tab.page.evaluate("() => Chart.getChart('chart-areas').data.datasets[0].data")
    assert bars == [line["coverage_pct"] for line in api["by_area"]]
    planned = tab.page.evaluate("() => Chart.getChart('chart-progress').data.datasets[0].data")
    assert planned[-1] > 0, "the month's plan, day by day"
    tab.shot("01-overview")
    clean(tab)


def _workers_by_load(served: Served, accounts: list[str], day: str) -> list[str]:
    """The receiving candidates, the lightest day first: the routing checker refuses a day that is full."""
    stops = {a: len(served.api(a, "/api/v1/me/route", date=day)["stops"]) for a in accounts}
    return sorted(accounts, key=lambda a: stops[a])


def test_a_visit_moved_from_the_missed_list_reaches_the_other_workers_route(tab: Tab, served: Served) -> None:
    tab.login("sup01")
    assert tab.open(f"/console/missed?month={served.month}&reason=pending") == 200
    tab.shot("02-missed")
    first = tab.page.locator("#missed tr[data-elder]").filter(has=tab.page.locator("a.button")).first
    elder = int(first.get_attribute("data-elder") or 0)
    first.locator("a.button").click()
    tab.page.wait_for_load_state()
    entry = tab.page.locator("#plan-entries form.move").first
    day = entry.locator("input[name=to_date]").input_value()
    options = entry.locator("select[name=to_worker_id] option")
    current = entry.locator("select[name=to_worker_id]").input_value()
    labels = {
        options.nth(i).get_attribute("value"): options.nth(i).inner_text() for i in range(options.count())
    }
    accounts = {
        re.search(r"（(w\d+)）", text).group(1): value for value, text in labels.items() if value != current
    }  # type: ignore[union-attr]
    tab.shot("03-move")
    for account in _workers_by_load(served, sorted(accounts)[:8], day):
        entry = tab.page.locator("#plan-entries form.move").first
        entry.locator("select[name=to_worker_id]").select_option(accounts[account])
        entry.locator("button[type=submit]").click()
        tab.page.wait_for_load_state()
        if tab.page.locator(".flash.ok").count():
            break
    else:
        pytest.fail("no colleague could take the visit: " + tab.text(".flash.error"))
    assert tab.text(".flash.ok").startswith(f"已调整：{day}")
    tab.shot("04-moved")
    route = served.api(account, "/api/v1/me/route", date=day)
    assert elder in [stop["elder"]["id"] for stop in route["stops"]], "on the other worker's phone"
    assert tab.open(f"/console/routes?worker={accounts[account]}&date={day}") == 200
    assert tab.page.locator(f'#stops a[href="/console/elders/{elder}"]').count() == 1
    clean(tab)


def _ledger_file(path: Path, grid: str) -> Path:
    good = {
        "姓名": GOOD_NAME,
        "身份证号": id_number(),
        "性别": "男",
        "出生日期": "1940-05-17",
        "居住地址": "测试路1号",
    }
    bad = {**good, "姓名": "浏览器测试乙", "身份证号": "110101194005170000"}
    rows = [{**r, "所属网格": grid, "类别": "独居", "经度": "", "纬度": ""} for r in (good, bad)]
    path.write_bytes(write_csv(ELDER_COLUMNS, [[r.get(h, "") for h in ELDER_COLUMNS] for r in rows]))
    return path


def test_a_ledger_with_a_bad_row_shows_the_row_and_imports_nothing(
    tab: Tab, served: Served, tmp_path: Path
) -> None:
    grids = served.api("sup01", "/api/v1/areas", level="grid")
    upload = _ledger_file(tmp_path / "台账.csv", grids[0]["code"])
    tab.login("sup01")
    assert tab.open("/console/ledger") == 200
    assert tab.page.locator("#ledger-confirm").is_disabled()
    tab.page.set_input_files("#ledger-file", str(upload))
    tab.page.click("#ledger-check")
    tab.page.wait_for_selector("#row-errors")
    rows = tab.page.locator("#row-errors tbody tr")
    assert rows.count() >= 1
    assert [rows.nth(0).locator("td").nth(i).inner_text() for i in range(2)] == ["3", "身份证号"]
    assert tab.page.locator("#ledger-confirm").is_disabled(), "a file with errors cannot be confirmed"
    tab.shot("05-ledger-bad-row")
    found = served.api("sup01", "/api/v1/elders", q=GOOD_NAME)
    assert found["items"] == [], "nothing imported, not even the good row"
    clean(tab)


def test_a_days_route_is_drawn_offline_with_one_marker_per_home_stop(tab: Tab, served: Served) -> None:
    today = SystemClock().today()
    days = [d for d in served.month.days() if d >= today]
    for day in days:
        route = served.api("w001", "/api/v1/me/route", date=day.isoformat())
        home = [s for s in route["stops"] if s["kind"] == "home" and s["location"]]
        if home:
            break
    else:
        pytest.fail("w001 has no home visit left this month")
    worker = served.api("sup01", "/api/v1/workers", role="grid_worker")["items"]
    w001 = next(w["id"] for w in worker if w["account"] == "w001")
    tab.login("sup01")
    assert tab.open(f"/console/routes?worker={w001}&date={day.isoformat()}") == 200
    tab.page.wait_for_selector("#map[data-ready='1']")
    assert tab.page.locator(".leaflet-marker-icon.stop-marker").count() == len(home)
    assert tab.page.locator("#stops li.stop").count() == len(route["stops"])
    assert tab.page.locator(".leaflet-overlay-pane path").count() == 1, "the route line"
    assert tab.page.locator(".leaflet-control-scale").is_visible()
    assert tab.page.locator(".leaflet-tile").count() == 0, "no tile URL configured: a plain background"
    tab.shot("06-route-map")
    clean(tab)


def test_another_streets_elder_is_the_not_found_page(tab: Tab, served: Served) -> None:
    other = served.api("admin", "/api/v1/elders", area=OTHER_STREET, limit=1)["items"][0]["id"]
    tab.login("sup01")
    assert tab.open(f"/console/elders/{other}") == 404
    assert tab.text("h1") == "页面不存在"
    tab.shot("07-not-found")
    mine = served.api("sup01", "/api/v1/elders", area=STREET, limit=1)["items"][0]["id"]
    assert tab.open(f"/console/elders/{mine}") == 200
    clean(tab)


def test_a_grid_worker_is_refused_the_supervisor_pages(tab: Tab) -> None:
    tab.login("w001")
    assert tab.page.url.endswith("/console/")
    assert tab.text("h1") == "无权访问"
    tab.shot("08-grid-worker-refused")
    for path in ("/console/missed", "/console/routes", "/console/ledger", "/console/queues"):
        assert tab.open(path) == 403, path
    clean(tab)


def test_every_page_renders_for_an_admin_without_a_policy_violation(tab: Tab, served: Served) -> None:
    mine = served.api("sup01", "/api/v1/elders", area=STREET, limit=1)["items"][0]["id"]
    tab.login("admin")
    pages = {
        "10-queues-followups": "/console/queues?tab=followups",
        "11-queues-flags": "/console/queues?tab=flags",
        "12-queues-proposals": "/console/queues?tab=proposals",
        "13-queues-quarantine": "/console/queues?tab=quarantine",
        "14-plans": f"/console/plans?month={served.month}",
        "15-jobs": "/console/jobs",
        "16-ledger": "/console/ledger",
        "17-elder": f"/console/elders/{mine}?month={served.month}",
    }
    for name, path in pages.items():
        assert tab.open(path) == 200, path
        tab.shot(name)
    tab.page.click("#unmask")
    tab.page.wait_for_load_state()
    assert "已显示完整信息" in tab.page.content()
    tab.shot("18-elder-unmasked")
    assert tab.open("/console/audit?action=elder.unmask") == 200
    assert tab.page.locator("#audit tbody tr").count() >= 1, "the unmasked read is in the audit log"
    tab.shot("19-audit")
    tab.page.set_viewport_size({"width": 768, "height": 1024})
    assert tab.open(f"/console/?month={served.month}") == 200
    tab.shot("20-overview-tablet-portrait")
    clean(tab)
