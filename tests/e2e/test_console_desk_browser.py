"""The desk's actions in a real browser (issue 17), on the demo district as the other console browser tests:
each action done through its page changes what the API then reports; bad input shows the field's message
and stores nothing; a grid worker cannot reach any of it. Screenshots as console_harness.SCREENSHOTS."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.console_harness import (
    STREET,
    Served,
    month_to_plan,
    private_copy,
    require_chromium,
    serve,
    shared_demo,
)
from tests.e2e.test_console_browser import Tab, browser, clean, tab
from tests.factories import make_follow_up
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, SystemClock

pytestmark = pytest.mark.slow
__all__ = ["browser", "tab"]  # fixtures: pytest finds them by name in this module


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the planned demo; VISITSVC_E2E_DEMO_DIR keeps the seeded demo between runs."""
    require_chromium()
    month = month_to_plan(SystemClock().today())
    base = tmp_path_factory.getbasetemp()
    kept = os.environ.get("VISITSVC_E2E_DEMO_DIR")
    demo = shared_demo(
        Path(kept) if kept else base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base, month
    )
    return private_copy(demo, tmp_path_factory.mktemp("desk") / "demo.db")


@pytest.fixture(scope="module")
def served(database: Path) -> Iterator[Served]:
    yield from serve(database, month_to_plan(SystemClock().today()))


def working_days(served: Served, start: date, n: int) -> list[date]:
    """The next n working days from `start` on, as the server's calendar has them (a call-ahead list of a
    day off is refused, so the appointments service's own rule decides)."""
    import chinese_calendar

    found: list[date] = []
    day = start
    while len(found) < n:
        if chinese_calendar.is_workday(day):
            found.append(day)
        day += timedelta(days=1)
    return found


def elders_of_street(served: Served) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = served.api("sup01", "/api/v1/elders", area=STREET, limit=50)["items"]
    return [e for e in items if e["status"] == "active"]


def field_error(tab: Tab, name: str) -> str:
    return tab.text(f'.field-error[data-error-for="{name}"]')


def test_a_status_change_on_the_persons_page_is_what_the_api_reports(tab: Tab, served: Served) -> None:
    elder = elders_of_street(served)[-1]["id"]
    before = served.api("sup01", f"/api/v1/elders/{elder}/history")
    tab.login("sup01")
    assert tab.open(f"/console/elders/{elder}") == 200
    form = tab.page.locator("#status-form")
    form.locator("select[name=status]").select_option("")
    form.locator("input[name=reason]").fill("")
    form.locator("button[type=submit]").click()
    tab.page.wait_for_load_state()
    assert field_error(tab, "status") == "请选择"
    assert field_error(tab, "reason") == "必填"
    tab.shot("30-status-change-refused")
    assert served.api("sup01", f"/api/v1/elders/{elder}/history") == before, "nothing stored"
    today = SystemClock().today().isoformat()
    form = tab.page.locator("#status-form")
    form.locator("select[name=status]").select_option("hospitalized")
    form.locator("input[name=effective_date]").fill(today)
    form.locator("input[name=reason]").fill("家属来电：已住院")
    form.locator("button[type=submit]").click()
    tab.page.wait_for_load_state()
    assert tab.text(".flash.ok") == f"状态已变更为“住院”，自 {today} 起生效"
    tab.shot("31-status-changed")
    assert served.api("sup01", f"/api/v1/elders/{elder}")["status"] == "hospitalized"
    assert served.api("sup01", f"/api/v1/elders/{elder}/history")[-1]["to_status"] == "hospitalized"
    clean(tab)


def test_an_appointment_made_and_cancelled_on_the_persons_page_is_what_the_api_lists(
    tab: Tab, served: Served
) -> None:
    elder = elders_of_street(served)[0]["id"]
    day = working_days(served, SystemClock().today() + timedelta(days=1), 1)[0].isoformat()
    tab.login("sup01")
    assert tab.open(f"/console/elders/{elder}") == 200
    form = tab.page.locator("#appointment-form")
    form.locator("input[name=day]").fill(day)
    form.locator("input[name=window_start]").fill("10:00")
    form.locator("input[name=window_end]").fill("09:00")
    form.locator("button[type=submit]").click()
    tab.page.wait_for_load_state()
    assert field_error(tab, "window_end") == "须晚于开始时间"
    tab.shot("32-appointment-refused")
    assert served.api("sup01", "/api/v1/appointments", elder_id=elder)["items"] == [], "nothing stored"
    form = tab.page.locator("#appointment-form")
    form.locator("input[name=window_start]").fill("09:30")
    form.locator("input[name=window_end]").fill("11:00")
    form.locator("input[name=note]").fill("女儿陪同在家")
    form.locator("button[type=submit]").click()
    tab.page.wait_for_load_state()
    assert tab.text(".flash.ok") == f"已约定：{day} 09:30–11:00 上门"
    (made,) = served.api("sup01", "/api/v1/appointments", elder_id=elder)["items"]
    assert (made["day"], made["window_start"], made["window_end"], made["state"]) == (
        day,
        "09:30",
        "11:00",
        "agreed",
    )
    row = tab.page.locator(f'#appointment-list tr[data-id="{made["id"]}"]')
    assert row.get_attribute("data-state") == "agreed"
    tab.shot("33-appointment-made")
    row.locator("button[type=submit]").click()  # its confirm dialog is accepted
    tab.page.wait_for_load_state()
    assert tab.text(".flash.ok") == f"已取消 {day} 的预约"
    assert [a["state"] for a in served.api("sup01", "/api/v1/appointments", elder_id=elder)["items"]] == [
        "cancelled"
    ]
    clean(tab)


def _worker(served: Served, account: str) -> int:
    workers = served.api("sup01", "/api/v1/workers", role="grid_worker", limit=200)["items"]
    found: int = next(w["id"] for w in workers if w["account"] == account)
    return found


def _pending(served: Served, account: str, day: date) -> list[int]:
    route = served.api(account, "/api/v1/me/route", date=day.isoformat())
    return [s["elder"]["id"] for s in route["stops"] if s["status"] == "pending"]


def test_leave_and_a_sick_day_on_the_absences_page_are_what_the_api_lists(tab: Tab, served: Served) -> None:
    worker = _worker(served, "w002")
    today = SystemClock().today()
    later = working_days(served, today + timedelta(days=7), 2)
    pending_today = _pending(served, "w002", today)
    tab.login("sup01")
    assert tab.open("/console/absences") == 200
    tab.page.locator("select[name=worker]").select_option(str(worker))
    tab.page.click("form.filters button[type=submit]")
    tab.page.wait_for_load_state()
    form = tab.page.locator("#absence-form")
    form.locator("select[name=kind]").select_option("leave")
    form.locator("input[name=first_day]").fill(later[1].isoformat())
    form.locator("input[name=last_day]").fill(later[0].isoformat())
    form.locator("button[type=submit]").click()
    tab.page.wait_for_load_state()
    assert field_error(tab, "last_day") == "结束日期不能早于开始日期"
    assert served.api("sup01", f"/api/v1/workers/{worker}/absences") == [], "nothing stored"
    tab.shot("34-absence-refused")
    form = tab.page.locator("#absence-form")
    form.locator("input[name=first_day]").fill(later[0].isoformat())
    form.locator("input[name=last_day]").fill(later[1].isoformat())
    form.locator("button[type=submit]").click()
    tab.page.wait_for_load_state()
    assert tab.text(".flash.ok").startswith(f"已登记请假：{later[0]} 至 {later[1]}；今晚的重新规划")
    tab.page.click("#sick-today button")  # its confirm dialog is accepted
    tab.page.wait_for_load_state()
    said = tab.text(".flash")
    assert said.startswith(f"已登记病假：{today}；"), said
    tab.shot("35-sick-today")
    listed = served.api("sup01", f"/api/v1/workers/{worker}/absences")
    assert sorted((a["kind"], a["first_day"], a["last_day"]) for a in listed) == [
        ("leave", later[0].isoformat(), later[1].isoformat()),
        ("sick", today.isoformat(), today.isoformat()),
    ]
    if pending_today:  # a working day with visits still to make: they left w002's route at once
        assert "已立即重新安排" in said, said
        assert _pending(served, "w002", today) == []
    clean(tab)


def test_urgent_empty_doorsteps_head_the_queue_marked(tab: Tab, served: Served, database: Path) -> None:
    """The follow-ups themselves come from the field rules (tests of h-last's call after an empty doorstep);
    here they are made as the unit tests make them, in the server's database."""
    elder = served.api("w001", "/api/v1/elders", limit=1)["items"][0]["id"]
    start = datetime.now(SHANGHAI) - timedelta(minutes=30)
    body = {
        "client_id": str(uuid.uuid4()),
        "elder_id": elder,
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=5)).isoformat(),
        "kind": "home",
        "outcome": "not_home",
    }
    visit = served.call("POST", "/api/v1/visits", body=body, account="w001")["id"]
    uow = UnitOfWork(session_factory(make_engine(f"sqlite:///{database}")), SystemClock())
    finding = make_follow_up(uow, visit, "urgent:safety", urgent=True)
    doorstep = make_follow_up(uow, visit, "not_found_last_chance", urgent=True)
    tab.login("sup01")
    assert tab.open("/console/queues?tab=followups") == 200
    rows = tab.page.locator("#queue tbody tr[data-id]")
    assert rows.nth(0).get_attribute("data-id") == str(doorstep), "before the urgent finding made earlier"
    assert rows.nth(0).locator('[data-mark="empty-doorstep"]').inner_text() == "紧急 · 上门未遇"
    ids = [rows.nth(i).get_attribute("data-id") for i in range(rows.count())]
    assert ids.index(str(doorstep)) < ids.index(str(finding))
    assert rows.locator('[data-mark="empty-doorstep"]').count() == sum(
        1 for f in served.api("sup01", "/api/v1/followups", limit=200)["items"]
        if f["urgent"] and f["kind"] in ("not_found_last_chance", "not_home_high_risk")
    )  # fmt: skip
    tab.shot("36-queue-empty-doorstep")
    clean(tab)


def test_the_monthly_report_downloads_from_the_coverage_page(tab: Tab, served: Served) -> None:
    from openpyxl import load_workbook

    tab.login("sup01")
    assert tab.open(f"/console/?month={served.month}") == 200
    with tab.page.expect_download() as started:
        tab.page.click("#monthly-report button")
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames == ["覆盖率", "未覆盖名单", "核查标记", "跟进事项", "探访人员"]
    total = next(r for r in book["覆盖率"].iter_rows(min_row=2, values_only=True) if r[0] == "合计")
    api = served.api("sup01", "/api/v1/coverage", month=str(served.month))["total"]
    assert (total[3], total[4]) == (api["coverable"], api["covered"])
    audit = served.api("admin", "/api/v1/audit", action="report.monthly")["items"]
    assert len(audit) == 1, "the download was audited"
    clean(tab)


def test_moving_an_agreed_visit_takes_a_confirming_click(tab: Tab, served: Served) -> None:
    """The appointment is made through the API (the page's own form is tested above); the move through the
    move page: said with the agreed time first, then moved to a colleague the same day, who keeps it."""
    for day in working_days(served, SystemClock().today() + timedelta(days=1), 6):
        stops = served.api("w001", "/api/v1/me/route", date=day.isoformat())["stops"]
        home = [s["elder"]["id"] for s in stops if s["kind"] == "home" and s["status"] == "pending"]
        if home:
            break
    else:
        pytest.fail("w001 has no home visit in the next working days")
    elder = home[-1]
    agreed = {"elder_id": elder, "day": day.isoformat(), "window_start": "08:00", "window_end": "18:00"}
    served.call("POST", "/api/v1/appointments", body=agreed, account="sup01")
    workers = served.api("sup01", "/api/v1/workers", role="grid_worker", limit=200)["items"]
    ids = {w["account"]: w["id"] for w in workers if w["account"] != "w001"}
    tab.login("sup01")
    for account in sorted(
        ids, key=lambda a: len(served.api(a, "/api/v1/me/route", date=day.isoformat())["stops"])
    )[:6]:
        assert tab.open(f"/console/elders/{elder}/move?month={served.month}") == 200
        entry = tab.page.locator(
            "#plan-entries tr", has=tab.page.locator(f'input[name=to_date][value="{day}"]')
        )
        entry.locator("select[name=to_worker_id]").select_option(str(ids[account]))
        entry.locator("form.move button[type=submit]").click()
        tab.page.wait_for_load_state()
        assert tab.text(".flash.error").startswith(f"已与老人约定 {day} 08:00-18:00 上门。"), "said first"
        tab.shot("38-move-agreed-visit-asked")
        tab.page.locator("form.confirm-move button[type=submit]").click()
        tab.page.wait_for_load_state()
        if tab.page.locator(".flash.ok").count():
            break
    else:
        pytest.fail("no colleague could take the visit: " + tab.text(".flash.error"))
    assert tab.text(".flash.ok").startswith(f"已调整：{day}")
    route = served.api(account, "/api/v1/me/route", date=day.isoformat())
    assert elder in [stop["elder"]["id"] for stop in route["stops"]], "on the colleague's phone"
    (kept,) = served.api("sup01", "/api/v1/appointments", elder_id=elder, state="agreed")["items"]
    assert kept["day"] == day.isoformat(), "a colleague the same day keeps the agreed time"
    clean(tab)


def test_a_grid_worker_cannot_reach_the_desks_actions(tab: Tab, served: Served) -> None:
    elder = served.api("w001", "/api/v1/elders", limit=1)["items"][0]["id"]
    mine = served.api("sup01", "/api/v1/workers", role="grid_worker", limit=200)["items"]
    own = next(w["id"] for w in mine if w["account"] == "w001")
    before = (
        served.api("sup01", f"/api/v1/elders/{elder}/history"),
        served.api("sup01", "/api/v1/appointments", elder_id=elder)["items"],
        served.api("sup01", f"/api/v1/workers/{own}/absences"),
        served.api("admin", "/api/v1/audit", action="report.monthly")["items"],
    )
    tab.login("w001")
    for path in (f"/console/elders/{elder}", "/console/absences", f"/console/absences?worker={own}"):
        assert tab.open(path) == 403, path
    token = tab.page.locator("input[name=csrf_token]").first.input_value()  # the 403 page's logout form
    today = SystemClock().today().isoformat()
    posts = {
        f"/console/elders/{elder}/status": {"status": "deceased", "effective_date": today, "reason": "x"},
        f"/console/elders/{elder}/appointments": {
            "day": today,
            "window_start": "09:00",
            "window_end": "10:00",
        },
        f"/console/workers/{own}/absences": {"kind": "sick", "first_day": today, "last_day": today},
        "/console/reports/monthly": {"month": str(served.month)},
    }
    for path, form in posts.items():
        answer = tab.page.request.post(served.url + path, form={**form, "csrf_token": token})
        assert answer.status == 403, path
    after = (
        served.api("sup01", f"/api/v1/elders/{elder}/history"),
        served.api("sup01", "/api/v1/appointments", elder_id=elder)["items"],
        served.api("sup01", f"/api/v1/workers/{own}/absences"),
        served.api("admin", "/api/v1/audit", action="report.monthly")["items"],
    )
    assert after == before, "nothing stored, nothing read"
    tab.shot("37-grid-worker-refused-desk")
    clean(tab)
