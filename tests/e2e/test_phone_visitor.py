"""A volunteer's phone (issue 19): the app at /m/ lets a visitor in as it lets a grid worker, shows who is
logged in and as what (志愿者 · the station), their own stops only (the one stop of the demo's first grid
worker handed to them), no emergency contact, and records an outcome through the outbox as a grid worker's
phone does. A coordinator is sent to the console. Runs on a private copy of the planned demo district."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import update

from tests.e2e.console_harness import (
    STREET,
    Served,
    month_to_plan,
    private_copy,
    require_chromium,
    screenshots_dir,
    serve,
    shared_demo,
)
from tests.e2e.phone_harness import launch, phone_context
from tests.factories import PASSWORD
from tests.partner_factories import make_coordinator, make_organisation, make_pairing, make_visitor
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SystemClock
from visitsvc.model import PlannedVisit, VisitorKind

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow


@dataclass
class Handed:
    """The demo's first grid worker's stop now the volunteer's: its day, planned visit and person."""

    day: str
    visit_id: int
    elder_id: int


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_chromium()
    month = month_to_plan(SystemClock().today())
    base = tmp_path_factory.getbasetemp()
    demo = shared_demo(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base, month)
    return private_copy(demo, tmp_path_factory.mktemp("visitor") / "demo.db")


@pytest.fixture(scope="module")
def served(database: Path) -> Iterator[Served]:
    yield from serve(database, month_to_plan(SystemClock().today()))


@pytest.fixture(scope="module")
def handed(database: Path, served: Served) -> Handed:
    """A station with a volunteer and a coordinator; w001's first stop of a day paired with and planned to
    the volunteer (the planner's own mixed teams are visitsvc/planning's)."""
    route = served.api("w001", "/api/v1/me/route")
    if not route["stops"]:
        route = served.api("w001", "/api/v1/me/route", date=route["next_day"] or str(served.month.first))
    stop = route["stops"][0]
    engine = make_engine(f"sqlite:///{database}")
    uow = UnitOfWork(session_factory(engine), SystemClock())
    station = make_organisation(uow, "演示社工站", area_codes=(STREET,))
    volunteer = make_visitor(
        uow, "vol_e2e", organisation_id=station, area_code=STREET, kind=VisitorKind.VOLUNTEER
    )
    make_coordinator(uow, "coord_e2e", organisation_id=station, area_code=STREET)
    make_pairing(uow, stop["elder"]["id"], visitor_id=volunteer, first_day=served.month.first)
    with uow:
        uow.session.execute(
            update(PlannedVisit).where(PlannedVisit.id == stop["visit_id"]).values(worker_id=volunteer)
        )
        uow.commit()
    engine.dispose()
    # The harness logs in with the demo's password; these accounts have the factories'.
    body = {"username": "vol_e2e", "password": PASSWORD}
    served.tokens["vol_e2e"] = served.call("POST", "/api/v1/auth/token", body=body)["access_token"]
    return Handed(route["date"], stop["visit_id"], stop["elder"]["id"])


@pytest.fixture
def page(served: Served) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser: Browser = launch(playwright)
        context = phone_context(browser, served.url)
        found = context.new_page()
        problems: list[str] = []
        found.on("pageerror", lambda error: problems.append(str(error)))
        found.on("dialog", lambda dialog: dialog.accept())
        yield found
        context.close()
        browser.close()
        assert problems == []


def log_in(page: Page, account: str, path: str = "/m/") -> None:
    page.goto(path)
    page.fill("form[data-login] input[name=username]", account)
    page.fill("form[data-login] input[name=password]", PASSWORD)
    page.click("form[data-login] button[type=submit]")


def test_a_volunteer_sees_their_own_stop_and_who_they_are(page: Page, served: Served, handed: Handed) -> None:
    log_in(page, "vol_e2e", f"/m/?date={handed.day}")
    page.wait_for_selector("[data-screen=today] h1[data-day]")
    shown = page.locator("[data-visit-id]").evaluate_all("els => els.map(e => +e.dataset.visitId)")
    assert shown == [handed.visit_id]
    page.wait_for_function("() => document.querySelector('[data-who]').textContent.includes('志愿者')")
    assert page.locator("[data-who]").inner_text() == "vol_e2e探访 · 志愿者 · 演示社工站"
    card = page.locator(f'[data-visit-id="{handed.visit_id}"]')
    assert card.locator("[data-call=emergency]").count() == 0
    assert (
        served.api("vol_e2e", "/api/v1/me/route", date=handed.day)["stops"][0]["elder"]["emergency_contact"]
        is None
    )
    page.screenshot(path=str(screenshots_dir() / "phone-visitor-today.png"))


def test_a_volunteer_records_the_visit_through_the_outbox(page: Page, served: Served, handed: Handed) -> None:
    log_in(page, "vol_e2e", f"/m/?date={handed.day}")
    page.wait_for_selector(f'[data-visit-id="{handed.visit_id}"]')
    page.click(f'[data-visit-id="{handed.visit_id}"] [data-action=record]')
    form = page.locator("form[data-record]")
    form.locator("select[name=outcome]").select_option("not_home")
    with page.expect_response("**/api/v1/me/sync") as answer:
        form.locator("button[type=submit]").click()
    page.wait_for_function("() => document.querySelector('[data-pending]').textContent === '0'")
    (result,) = answer.value.json()["results"]
    assert result["status"] == "created", result
    stored = served.api("vol_e2e", f"/api/v1/visits/{result['visit_id']}")
    assert (stored["planned_visit_id"], stored["outcome"]) == (handed.visit_id, "not_home")


def test_a_coordinator_is_sent_to_the_console(page: Page, handed: Handed) -> None:
    with page.expect_request("**/api/v1/auth/logout"):
        log_in(page, "coord_e2e")
    page.wait_for_url("**/console/**")
    assert "/console/" in page.url
