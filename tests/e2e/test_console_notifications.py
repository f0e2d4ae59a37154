"""The console's 通知 page in a real browser on the demo district: an urgent finding a worker records is sent
to sup01 through a work-chat robot (a local fake receiver that fails once), and the page shows each send with
its state, tries and last error as the API does; another street's supervisor and a grid worker do not see it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.console_harness import (
    Served,
    month_to_plan,
    private_copy,
    require_chromium,
    serve,
    shared_demo,
)
from tests.e2e.test_console_browser import Tab, browser, clean, tab
from tests.fake_receiver import Receiver, receiver
from visitsvc.infrastructure.notify_channels import WecomChannel
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, SystemClock
from visitsvc.oversight import notifications

__all__ = ["browser", "receiver", "tab"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_chromium()
    month = month_to_plan(SystemClock().today())
    base = tmp_path_factory.getbasetemp()
    demo = shared_demo(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base, month)
    return private_copy(demo, tmp_path_factory.mktemp("notify") / "demo.db")


@pytest.fixture(scope="module")
def served(database: Path) -> Iterator[Served]:
    yield from serve(database, month_to_plan(SystemClock().today()))


def urgent_finding(served: Served, note: str) -> int:
    """w001 records a visit with an urgent safety finding; the follow-up's id."""
    elder = served.api("w001", "/api/v1/elders", limit=1)["items"][0]["id"]
    start = datetime.now(SHANGHAI) - timedelta(minutes=30)
    findings = {area: {"status": "ok"} for area in ("daily_care", "emotional", "rights")}
    findings["safety"] = {"status": "concern", "note": note, "urgent": True}
    body = {
        "client_id": str(uuid.uuid4()),
        "elder_id": elder,
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=20)).isoformat(),
        "kind": "home",
        "outcome": "visited",
        "findings": findings,
    }
    answer = served.call("POST", "/api/v1/visits", body=body, account="w001")
    return int(answer["follow_ups"][0]["id"])


def test_the_notifications_page_shows_each_send_as_the_api_does(
    tab: Tab, served: Served, database: Path, receiver: Receiver
) -> None:
    first = urgent_finding(served, "摔倒")
    second = urgent_finding(served, "燃气未关")
    receiver.answer((500, {}))  # the first send fails, the second goes
    engine = make_engine(f"sqlite:///{database}")
    try:
        done = notifications.notify_pass(
            UnitOfWork(session_factory(engine)), WecomChannel(f"{receiver.url}/send"),
            now=datetime.now(SHANGHAI), lookback=timedelta(hours=48),
        )  # fmt: skip
    finally:
        engine.dispose()
    assert (done["enqueued"], done["sent"], done["retrying"]) == (2, 1, 1)
    assert all(r.body["text"]["mentioned_mobile_list"] for r in receiver.requests), "sup01 is @-mentioned"

    api = served.api("sup01", "/api/v1/notifications")["items"]
    assert [i["follow_up_id"] for i in api] == [second, first]
    tab.login("sup01")
    assert tab.open("/console/notifications") == 200
    rows = tab.page.locator("#notifications tbody tr")
    assert rows.count() == 2
    shown = [
        (rows.nth(i).get_attribute("data-id"), rows.nth(i).locator(".tries").inner_text().strip())
        for i in range(2)
    ]
    assert shown == [(str(i["id"]), str(i["tries"])) for i in api]
    assert rows.nth(0).locator(".state").inner_text().startswith("已发送")
    assert rows.nth(1).locator(".state").inner_text().startswith("待发送")
    assert rows.nth(1).locator(".error").inner_text().strip() == "HTTP 500"
    assert "【紧急跟进】" in rows.nth(0).locator(".text").inner_text()
    tab.shot("21-notifications")
    tab.page.select_option("select[name=state]", "pending")
    tab.page.click("form.filters button[type=submit]")
    tab.page.wait_for_load_state()
    assert tab.page.locator("#notifications tbody tr").count() == 1
    clean(tab)

    assert [
        i
        for i in served.api("sup02", "/api/v1/notifications")["items"]
        if i["follow_up_id"] in (first, second)
    ] == []
    tab.page.context.clear_cookies()
    tab.login("w001")
    assert tab.open("/console/notifications") == 403
