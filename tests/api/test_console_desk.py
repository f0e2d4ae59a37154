"""The desk's actions in the console (issue 17): each goes through the service the API uses, so the API then
reports what the page did; bad input is the form again with each message beside its field and nothing
stored; a grid worker is refused and another street's records are not found (tests/api/december.py)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.api.conftest import Headers
from tests.api.console import Console
from tests.api.december import December, december
from tests.api.solved_december import current, first_day_of, morning_of, planned
from tests.factories import District, make_follow_up
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import PlannedVisit

Login = Callable[[str], Headers]
__all__ = ["planned"]  # a fixture: pytest finds it by name in this module


@pytest.fixture
def console(client: FlaskClient) -> Console:
    return Console(client)


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<span class="field-error" data-error-for="([^"]+)">([^<]*)</span>', html))


def history(client: FlaskClient, headers: Headers, elder: int) -> list[tuple[str, str]]:
    found = client.get(f"/api/v1/elders/{elder}/history", headers=headers)
    assert found.status_code == 200, found.json
    return [(h["to_status"], h["effective_date"]) for h in found.json]


# -- a status change with its effective date ------------------------------------------------------------


def test_a_status_change_on_the_profile_is_what_the_api_then_reports_and_is_audited(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    elder = month.people["elder_a2"]
    console.login("sup_a")
    profile = console.get(f"/console/elders/{elder}")
    assert 'id="status-form"' in profile.text
    changed = console.post(
        f"/console/elders/{elder}/status",
        {"status": "hospitalized", "effective_date": "2026-12-08", "reason": "家属来电：已住院"},
    )
    assert changed.status_code == 303
    assert changed.headers["Location"] == f"/console/elders/{elder}"
    assert "状态已变更为“住院”，自 2026-12-08 起生效" in console.get(changed.headers["Location"]).text
    api = client.get(f"/api/v1/elders/{elder}", headers=login("sup_a")).json
    assert api["status"] == "hospitalized"
    assert history(client, login("sup_a"), elder)[-1] == ("hospitalized", "2026-12-08")
    home = console.post(
        f"/console/elders/{elder}/status",
        {"status": "active", "effective_date": "2026-12-10", "reason": "已出院回家"},
    )
    assert home.status_code == 303
    assert client.get(f"/api/v1/elders/{elder}", headers=login("sup_a")).json["status"] == "active"
    audit = client.get("/api/v1/audit", query_string={"action": "elder.status"}, headers=login("admin"))
    entries = [e for e in audit.json["items"] if e["record_id"] == str(elder)]
    assert [e["actor_id"] for e in entries] == [district.accounts["sup_a"]] * 2, "audited as the API's"


def test_a_status_change_with_bad_input_shows_each_error_by_its_field_and_stores_nothing(
    client: FlaskClient, console: Console, login: Login, month: December
) -> None:
    elder = month.people["elder_a2"]
    console.login("sup_a")
    before = history(client, login("sup_a"), elder)
    bad = console.post(
        f"/console/elders/{elder}/status", {"status": "asleep", "effective_date": "08/12/2026", "reason": " "}
    )
    assert bad.status_code == 422
    assert field_errors(bad.text) == {
        "status": "不是可选的值",
        "effective_date": "日期格式应为 YYYY-MM-DD",
        "reason": "必填",
    }
    too_late = console.post(
        f"/console/elders/{elder}/status",
        {"status": "deceased", "effective_date": "2027-03-01", "reason": "误填"},
    )
    assert too_late.status_code == 422, "the service's rule: at most a month ahead"
    assert field_errors(too_late.text) == {"effective_date": "生效日期不能晚于一个月后"}
    assert 'value="误填"' in too_late.text, "what was typed comes back"
    same = console.post(
        f"/console/elders/{elder}/status", {"status": "active", "effective_date": "2026-12-10", "reason": "x"}
    )
    assert same.status_code == 409
    assert field_errors(same.text) == {"status": "与当前状态相同"}
    assert history(client, login("sup_a"), elder) == before
    assert client.get(f"/api/v1/elders/{elder}", headers=login("sup_a")).json["status"] == "active"


def test_a_status_change_is_for_supervisors_of_the_persons_area(
    client: FlaskClient, console: Console, login: Login, month: December
) -> None:
    body = {"status": "moved_out", "effective_date": "2026-12-09", "reason": "迁往外地"}
    console.login("w_a2")
    refused = console.post(
        f"/console/elders/{month.people['elder_a2']}/status", body, form_page="/console/login"
    )
    assert refused.status_code == 403
    console.post("/console/logout", form_page="/console/login")
    console.login("sup_a")
    other = console.post(f"/console/elders/{month.people['elder_b1']}/status", body)
    assert other.status_code == 404
    assert "不存在，或不在您的管辖范围内" in other.text
    for person in ("elder_a2", "elder_b1"):
        assert (
            client.get(f"/api/v1/elders/{month.people[person]}", headers=login("admin")).json["status"]
            == "active"
        )


# -- a worker's absence: planned leave, or a sick call this morning that re-plans at once --------------------


def absences(client: FlaskClient, headers: Headers, worker: int) -> list[tuple[str, str, str]]:
    found = client.get(f"/api/v1/workers/{worker}/absences", headers=headers)
    assert found.status_code == 200, found.json
    return [(a["kind"], a["first_day"], a["last_day"]) for a in found.json]


def test_a_sick_call_taken_this_morning_re_plans_the_workers_day_at_once(
    client: FlaskClient,
    console: Console,
    login: Login,
    clock: FixedClock,
    district: District,
    planned: list[PlannedVisit],
    uow: UnitOfWork,
) -> None:
    w_a1 = district.accounts["w_a1"]
    today = first_day_of(w_a1, planned)
    morning_of(clock, today)
    todays = [r for r in planned if r.worker_id == w_a1 and r.day == today]
    console.login("sup_a")
    page = console.get("/console/absences", worker=w_a1)
    assert page.status_code == 200
    assert 'id="sick-today"' in page.text
    sick = console.post(
        f"/console/workers/{w_a1}/absences",
        {"kind": "sick", "first_day": today.isoformat(), "last_day": today.isoformat()},
    )
    assert sick.status_code == 303
    assert sick.headers["Location"] == f"/console/absences?worker={w_a1}"
    shown = console.get(sick.headers["Location"]).text
    assert f"已登记病假：{today.isoformat()}；已立即重新安排（计划第 2 版）：{len(todays)} 次探访" in shown
    assert absences(client, login("sup_a"), w_a1) == [("sick", today.isoformat(), today.isoformat())]
    route = client.get("/api/v1/me/route", query_string={"date": today.isoformat()}, headers=login("w_a1"))
    assert route.json["stops"] == [], "today's visits went to later days or colleagues"
    assert not [r for r in current(uow) if r.worker_id == w_a1 and r.day == today]
    audit = client.get("/api/v1/audit", query_string={"action": "absence.create"}, headers=login("admin"))
    assert [e["actor_id"] for e in audit.json["items"]] == [district.accounts["sup_a"]]


def test_planned_leave_is_stored_for_the_nightly_re_plan_and_withdrawn_before_it_starts(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    w_a2 = district.accounts["w_a2"]
    console.login("sup_a")
    leave = console.post(
        f"/console/workers/{w_a2}/absences",
        {"kind": "leave", "first_day": "2026-12-21", "last_day": "2026-12-23", "note": "年假"},
    )
    assert leave.status_code == 303
    assert (
        "已登记请假：2026-12-21 至 2026-12-23；今晚的重新规划" in console.get(leave.headers["Location"]).text
    )
    assert absences(client, login("sup_a"), w_a2) == [("leave", "2026-12-21", "2026-12-23")]
    plans = client.get("/api/v1/plans", query_string={"month": "2026-12"}, headers=login("sup_a")).json
    assert [v["number"] for v in plans] == [1], "nothing re-planned now"
    (absence,) = client.get(f"/api/v1/workers/{w_a2}/absences", headers=login("sup_a")).json
    withdrawn = console.post(
        f"/console/workers/{w_a2}/absences/{absence['id']}/delete",
        {"next": f"/console/absences?worker={w_a2}"},
    )
    assert withdrawn.status_code == 303
    assert absences(client, login("sup_a"), w_a2) == []


def test_an_absence_with_bad_input_shows_each_error_by_its_field_and_stores_nothing(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    w_a2 = district.accounts["w_a2"]
    console.login("sup_a")
    bad = console.post(
        f"/console/workers/{w_a2}/absences", {"kind": "holiday", "first_day": "", "last_day": "x"}
    )
    assert bad.status_code == 422
    assert field_errors(bad.text) == {
        "kind": "不是可选的值",
        "first_day": "请填写日期",
        "last_day": "日期格式应为 YYYY-MM-DD",
    }
    backwards = console.post(
        f"/console/workers/{w_a2}/absences",
        {"kind": "leave", "first_day": "2026-12-22", "last_day": "2026-12-21"},
    )
    assert backwards.status_code == 422, "the absences service's rule"
    assert field_errors(backwards.text) == {"last_day": "结束日期不能早于开始日期"}
    assert 'value="2026-12-22"' in backwards.text, "what was typed comes back"
    console.post(
        f"/console/workers/{w_a2}/absences",
        {"kind": "leave", "first_day": "2026-12-21", "last_day": "2026-12-21"},
    )
    overlapping = console.post(
        f"/console/workers/{w_a2}/absences",
        {"kind": "training", "first_day": "2026-12-20", "last_day": "2026-12-22"},
    )
    assert overlapping.status_code == 409
    assert field_errors(overlapping.text) == {"first_day": "与已登记的请假重叠"}
    assert absences(client, login("sup_a"), w_a2) == [("leave", "2026-12-21", "2026-12-21")]


def test_absences_are_for_supervisors_of_the_workers_area(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    body = {"kind": "sick", "first_day": "2026-12-10", "last_day": "2026-12-10"}
    console.login("w_a1")
    assert console.get("/console/absences", worker=district.accounts["w_a1"]).status_code == 403
    own = console.post(
        f"/console/workers/{district.accounts['w_a1']}/absences", body, form_page="/console/login"
    )
    assert own.status_code == 403, "a worker reports their own absence on the phone, not at the desk"
    console.post("/console/logout", form_page="/console/login")
    console.login("sup_a")
    w_b1 = district.accounts["w_b1"]
    assert console.get("/console/absences", worker=w_b1).status_code == 404
    assert console.post(f"/console/workers/{w_b1}/absences", body).status_code == 404
    for worker in ("w_a1", "w_b1"):
        assert absences(client, login("admin"), district.accounts[worker]) == []


# -- the urgent follow-ups of empty doorsteps at the top of the queue ----------------------------------------


def test_urgent_empty_doorsteps_head_the_review_queue_marked(
    console: Console, month: December, uow: UnitOfWork
) -> None:
    a1, a2 = month.records["elder_a1"], month.records["elder_a2"]
    concern = make_follow_up(uow, a1, "concern:emotional")
    urgent_finding = make_follow_up(uow, a1, "urgent:safety", urgent=True)
    last_chance = make_follow_up(uow, a2, "not_found_last_chance", urgent=True)
    high_risk = make_follow_up(uow, a2, "not_home_high_risk", urgent=True)
    console.login("sup_a")
    page = console.get("/console/queues", tab="followups").text
    rows = re.findall(r'<tr data-id="(\d+)" class="([^"]*)">', page)
    assert rows == [
        (str(last_chance), "empty-doorstep"),
        (str(high_risk), "empty-doorstep"),
        (str(urgent_finding), ""),
        (str(concern), ""),
    ]
    assert page.count('data-mark="empty-doorstep"') == 2
    assert "最后可探访日上门未遇，电话也未联系上" in page
    assert "请立即联系紧急联系人" in page


# -- the monthly report, downloaded from the coverage page ---------------------------------------------------


def sheets(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_the_monthly_report_downloads_from_the_coverage_page_as_the_api_gives_it_audited(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    console.login("sup_a")
    page = console.get("/console/", month="2026-12")
    assert 'id="monthly-report"' in page.text
    assert 'name="month" value="2026-12"' in page.text
    download = console.post("/console/reports/monthly", {"month": "2026-12"})
    assert download.status_code == 200
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    api = client.get(
        "/api/v1/reports/monthly.xlsx", query_string={"month": "2026-12"}, headers=login("sup_a")
    )
    assert sheets(download.data) == sheets(api.data), "the API's report, sheet for sheet"
    street = console.post("/console/reports/monthly", {"month": "2026-12", "area": district.codes["grid_a1"]})
    assert street.status_code == 200
    missed = sheets(street.data)["未覆盖名单"][1:]
    assert [r[0] for r in missed] == [month.people["elder_a1b"]], "the grid the page was showing"
    audit = client.get("/api/v1/audit", query_string={"action": "report.monthly"}, headers=login("admin"))
    assert [e["actor_id"] for e in audit.json["items"]] == [district.accounts["sup_a"]] * 3


def test_the_monthly_report_is_for_supervisors_of_their_own_area(
    console: Console, district: District, month: December
) -> None:
    console.login("w_a1")
    assert (
        console.post("/console/reports/monthly", {"month": "2026-12"}, form_page="/console/login").status_code
        == 403
    )
    console.post("/console/logout", form_page="/console/login")
    console.login("sup_a")
    other = console.post("/console/reports/monthly", {"month": "2026-12", "area": district.codes["street_b"]})
    assert other.status_code == 404
    assert console.post("/console/reports/monthly", {"month": "2026-13"}).status_code == 422


# -- appointments on the person's page ----------------------------------------------------------------------


def booked(client: FlaskClient, headers: Headers, elder: int) -> list[dict[str, object]]:
    found = client.get("/api/v1/appointments", query_string={"elder_id": elder}, headers=headers)
    assert found.status_code == 200, found.json
    items: list[dict[str, object]] = found.json["items"]
    return items


def client_id_on(html: str) -> str:
    found = re.search(r'name="client_id" value="([0-9a-f-]{36})"', html)
    assert found, "the appointment form carries the identity of what it sends"
    return found.group(1)


def test_an_appointment_made_on_the_persons_page_is_what_the_api_lists_and_is_audited(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    elder = month.people["elder_a1b"]  # planned on 16 December by w_a1
    console.login("sup_a")
    page = console.get(f"/console/elders/{elder}")
    assert 'id="appointment-form"' in page.text
    body = {
        "client_id": client_id_on(page.text),
        "day": "2026-12-16",
        "window_start": "09:30",
        "window_end": "11:00",
        "note": "女儿陪同在家",
    }
    made = console.post(f"/console/elders/{elder}/appointments", body)
    assert made.status_code == 303
    assert made.headers["Location"] == f"/console/elders/{elder}#appointments"
    shown = console.get(f"/console/elders/{elder}").text
    assert "已约定：2026-12-16 09:30–11:00 上门" in shown
    assert "已排入计划" in shown
    assert re.search(
        r'2026-12-16 · 上门探视 · [^<]+ · <span class="tag done" data-appointment="\d+">预约 09:30–11:00',
        shown,
    )
    again = console.post(f"/console/elders/{elder}/appointments", body)
    assert "该预约已记录过" in console.get(again.headers["Location"]).text, "a form sent twice is stored once"
    (stored,) = booked(client, login("sup_a"), elder)
    assert (stored["day"], stored["window_start"], stored["window_end"], stored["state"], stored["note"]) == (
        "2026-12-16",
        "09:30",
        "11:00",
        "agreed",
        "女儿陪同在家",
    )
    assert stored["planned_visit_id"] == month.planned["elder_a1b"]
    recorder: dict[str, object] = stored["recorded_by"]  # type: ignore[assignment]
    assert recorder["id"] == district.accounts["sup_a"]
    audit = client.get("/api/v1/audit", query_string={"action": "appointment.create"}, headers=login("admin"))
    assert [e["actor_id"] for e in audit.json["items"]] == [district.accounts["sup_a"]]


def test_an_appointment_cancelled_on_the_page_is_cancelled_in_the_api(
    client: FlaskClient, console: Console, login: Login, month: December
) -> None:
    elder = month.people["elder_a2"]
    console.login("sup_a")
    page = console.get(f"/console/elders/{elder}")
    body = {
        "client_id": client_id_on(page.text),
        "day": "2026-12-14",
        "window_start": "14:00",
        "window_end": "15:00",
    }
    console.post(f"/console/elders/{elder}/appointments", body)
    (stored,) = booked(client, login("sup_a"), elder)
    listed = console.get(f"/console/elders/{elder}").text
    assert f'action="/console/elders/{elder}/appointments/{stored["id"]}/cancel"' in listed
    cancelled = console.post(f"/console/elders/{elder}/appointments/{stored['id']}/cancel")
    assert cancelled.status_code == 303
    assert "已取消 2026-12-14 的预约" in console.get(cancelled.headers["Location"]).text
    assert [a["state"] for a in booked(client, login("sup_a"), elder)] == ["cancelled"]


def test_an_appointment_with_bad_input_shows_each_error_by_its_field_and_stores_nothing(
    client: FlaskClient, console: Console, login: Login, month: December
) -> None:
    elder = month.people["elder_a2"]
    console.login("sup_a")
    bad = console.post(
        f"/console/elders/{elder}/appointments", {"day": "", "window_start": "9点", "window_end": "25:00"}
    )
    assert bad.status_code == 422
    assert field_errors(bad.text) == {
        "day": "请填写日期",
        "window_start": "时间格式应为 HH:MM",
        "window_end": "时间格式应为 HH:MM",
    }
    rules = console.post(
        f"/console/elders/{elder}/appointments",
        {"day": "2026-12-12", "window_start": "06:00", "window_end": "10:00", "note": "周六"},
    )
    assert rules.status_code == 422, "the appointments service's rules"
    assert field_errors(rules.text) == {"day": "须为工作日", "window_start": "须在 07:00 至 20:00 之间"}
    assert 'value="周六"' in rules.text, "what was typed comes back"
    backwards = console.post(
        f"/console/elders/{elder}/appointments",
        {"day": "2026-12-09", "window_start": "10:00", "window_end": "09:00"},
    )
    assert field_errors(backwards.text) == {"day": "不能早于今天", "window_end": "须晚于开始时间"}
    assert booked(client, login("sup_a"), elder) == []


def test_appointments_are_for_supervisors_of_the_persons_area(
    client: FlaskClient, console: Console, login: Login, month: December
) -> None:
    body = {"day": "2026-12-14", "window_start": "09:00", "window_end": "10:00"}
    console.login("w_a2")
    mine = month.people["elder_a2"]
    assert (
        console.post(f"/console/elders/{mine}/appointments", body, form_page="/console/login").status_code
        == 403
    )
    console.post("/console/logout", form_page="/console/login")
    console.login("sup_a")
    other = month.people["elder_b1"]
    assert console.post(f"/console/elders/{other}/appointments", body).status_code == 404
    console.login("sup_b")
    page = console.get(f"/console/elders/{other}")
    console.post(f"/console/elders/{other}/appointments", {**body, "client_id": client_id_on(page.text)})
    (theirs,) = booked(client, login("sup_b"), other)
    console.post("/console/logout")
    console.login("sup_a")
    assert console.post(f"/console/elders/{other}/appointments/{theirs['id']}/cancel").status_code == 404
    assert [a["state"] for a in booked(client, login("sup_b"), other)] == ["agreed"]
    assert booked(client, login("admin"), mine) == []


def test_moving_an_agreed_visit_asks_for_a_confirming_click_then_moves_it(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    elder = month.people["elder_a1b"]  # planned on 16 December by w_a1
    console.login("sup_a")
    page = console.get(f"/console/elders/{elder}")
    body = {
        "client_id": client_id_on(page.text),
        "day": "2026-12-16",
        "window_start": "09:30",
        "window_end": "11:00",
    }
    console.post(f"/console/elders/{elder}/appointments", body)
    move_page = f"/console/elders/{elder}/move?month=2026-12"
    move = {
        "month": "2026-12",
        "planned_visit_id": month.planned["elder_a1b"],
        "to_worker_id": district.accounts["w_a1"],
        "to_date": "2026-12-17",
        "next": move_page,
    }
    asked = console.post("/console/moves", move)
    assert asked.status_code == 303
    pending = console.get(asked.headers["Location"])
    assert "已与老人约定 2026-12-16 09:30-11:00 上门。移到其他日期会取消该预约" in pending.text
    assert 'name="confirm" value="1"' in pending.text
    assert re.search(r"确认移动：[^<（]+（w_a1） 2026-12-17</button>", pending.text), "whom to, when"
    assert 'name="to_date" value="2026-12-17"' in pending.text, "the move form shows the pending move"
    plans = client.get("/api/v1/plans", query_string={"month": "2026-12"}, headers=login("sup_a")).json
    assert [v["number"] for v in plans] == [1], "nothing moved before the confirming click"
    confirmed = console.post("/console/moves", {**move, "confirm": "1"})
    assert "已调整：2026-12-17" in console.get(confirmed.headers["Location"]).text
    route = client.get("/api/v1/me/route", query_string={"date": "2026-12-17"}, headers=login("w_a1")).json
    assert elder in [stop["elder"]["id"] for stop in route["stops"]]
    assert [a["state"] for a in booked(client, login("sup_a"), elder)] == ["cancelled"], "to be agreed again"
