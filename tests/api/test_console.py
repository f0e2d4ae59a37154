"""The supervisor console (/console) through Flask's test client: the same accounts, sessions with CSRF tokens
and a Content-Security-Policy, the same scoping and figures as the API, friendly pages for every error
(tests/api/december.py describes the month)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from tests.api.conftest import Headers
from tests.api.console import Console, figures
from tests.api.december import December, december
from tests.api.test_ledger import count, csv_of, row
from tests.factories import District, make_follow_up
from visitsvc.config import Settings
from visitsvc.field import navigation
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock

Login = Callable[[str], Headers]
PAGES = [
    "/console/",
    "/console/missed",
    "/console/routes",
    "/console/queues",
    "/console/ledger",
    "/console/plans",
]


@pytest.fixture
def console(client: FlaskClient) -> Console:
    return Console(client)


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def test_a_supervisor_logs_in_to_a_session_cookie_and_out_again(console: Console, district: District) -> None:
    assert console.get("/console/missed").headers["Location"] == "/console/login?next=/console/missed"
    response = console.login("sup_a")
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/console" in cookie
    assert "Secure" not in cookie, "test settings are not HTTPS"
    page = console.get("/console/")
    assert page.status_code == 200
    assert "sup_a" in page.text
    assert console.post("/console/logout").headers["Location"] == "/console/login"
    assert console.get("/console/").status_code == 303, "logged out"


def test_logging_out_revokes_the_token_even_where_the_cookie_was_copied(
    client: FlaskClient, console: Console, district: District
) -> None:
    console.login("sup_a")
    stolen = client.get_cookie("visitsvc_console", path="/console")
    assert stolen is not None
    console.post("/console/logout")
    client.set_cookie(stolen.key, stolen.value, path="/console")
    assert client.get("/console/").status_code == 303, "the session's token was revoked by the auth service"


def test_a_wrong_password_stays_on_the_login_page(console: Console, district: District) -> None:
    response = console.login("sup_a", "not-the-password")
    assert response.status_code == 401
    assert "账号或密码错误" in response.text
    assert console.get("/console/").status_code == 303


def test_the_login_goes_back_to_a_console_page_only(console: Console, district: District) -> None:
    for target, landing in (("/console/queues", "/console/queues"), ("https://evil.example/", "/console/")):
        token = console.token()  # a login starts a new session: the last page's token is gone with it
        response = console.client.post(
            "/console/login",
            data={"username": "sup_a", "password": "test-pass-1234", "csrf_token": token, "next": target},
        )
        assert response.headers["Location"] == landing


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient, console: Console, login: Login, month: December
) -> None:
    no_token = client.post("/console/login", data={"username": "sup_a", "password": "test-pass-1234"})
    assert no_token.status_code == 400
    assert "页面已过期" in no_token.text
    console.login("sup_a")
    elder = month.people["elder_a2"]
    forged = client.post(f"/console/elders/{elder}/refuses-contact", data={"reason": "伪造"})
    assert forged.status_code == 400
    wrong = client.post(
        f"/console/elders/{elder}/refuses-contact", data={"reason": "伪造", "csrf_token": "x" * 40}
    )
    assert wrong.status_code == 400
    missed = client.get("/api/v1/missed", query_string={"month": "2026-12"}, headers=login("sup_a")).json
    assert elder in {item["elder_id"] for item in missed["items"]}, "still coverable: nothing was recorded"


def test_console_pages_carry_a_strict_content_security_policy_and_no_inline_script(
    console: Console, month: December
) -> None:
    console.login("admin")
    for path in [*PAGES, "/console/jobs", "/console/audit", f"/console/elders/{month.people['elder_a1']}"]:
        page = console.get(path)
        assert page.status_code == 200, path
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert page.headers["Cache-Control"] == "no-store"
        for script in re.findall(r"<script([^>]*)>", page.text):
            assert "src=" in script or 'type="application/json"' in script, (path, script)
        assert " style=" not in page.text, f"{path}: an inline style the policy would block"


def test_the_api_is_untouched_by_sessions_and_csrf(
    client: FlaskClient, login: Login, district: District
) -> None:
    response = client.post(
        f"/api/v1/elders/{district.elders['elder_a1']}/status",
        json={"status": "hospitalized", "effective_date": "2026-11-25", "reason": "住院"},
        headers=login("sup_a"),
    )
    assert response.status_code == 201, response.json
    assert "Set-Cookie" not in response.headers
    assert "Content-Security-Policy" not in response.headers


def test_a_grid_worker_is_refused_every_supervisor_page(console: Console, month: December) -> None:
    assert console.login("w_a1").status_code == 303
    for path in [*PAGES, f"/console/elders/{month.people['elder_a1']}", "/console/audit"]:
        page = console.get(path)
        assert page.status_code == 403, path
        assert "无权" in page.text
    refusal = console.post(
        f"/console/elders/{month.people['elder_a1']}/refuses-contact",
        {"reason": "x"},
        form_page="/console/login",
    )
    assert refusal.status_code == 403


def test_another_streets_records_are_the_not_found_page(
    console: Console, month: December, district: District
) -> None:
    console.login("sup_a")
    elder_b1 = month.people["elder_b1"]
    for path in (
        f"/console/elders/{elder_b1}",
        f"/console/elders/{elder_b1}/move",
        f"/console/routes?worker={district.accounts['w_b1']}",
        f"/console/?area={district.codes['street_b']}",
    ):
        page = console.get(path)
        assert page.status_code == 404, path
        assert "不存在，或不在您的管辖范围内" in page.text
    assert console.post(f"/console/elders/{elder_b1}/refuses-contact", {"reason": "x"}).status_code == 404
    assert console.post(f"/console/elders/{elder_b1}/unmask").status_code == 404
    assert console.get("/console/no-such-page").status_code == 404


def test_bad_input_is_a_page_not_json_or_a_500(console: Console, month: December) -> None:
    console.login("sup_a")
    for path in ("/console/?month=2026-13", "/console/missed?worker=abc", "/console/routes?date=tomorrow"):
        page = console.get(path)
        assert page.status_code == 422, path
        assert page.mimetype == "text/html"
        assert "输入有误" in page.text


def test_the_overview_shows_the_apis_coverage_figures(
    client: FlaskClient, console: Console, login: Login, month: December
) -> None:
    api = client.get("/api/v1/coverage", query_string={"month": "2026-12"}, headers=login("sup_a")).json
    console.login("sup_a")
    page = console.get("/console/", month="2026-12")
    assert page.status_code == 200
    shown = figures(page.text)
    total = api["total"]
    assert shown[(None, None, "total.coverage_pct")] == f"{total['coverage_pct']}%"
    assert shown[(None, None, "total.covered")] == str(total["covered"])
    assert shown[(None, None, "total.coverable")] == str(total["coverable"])
    assert shown[(None, None, "total.at_risk")] == str(total["at_risk"])
    for name, value in total["home_visits"].items():
        assert shown[(None, None, f"total.home_visits.{name}")] == str(value)
    for line in api["by_area"]:
        for name, value in line["home_visits"].items():
            assert shown[("by-area", line["area"], f"home_visits.{name}")] == str(value)
    for table, rows, key in (
        ("by-area", api["by_area"], "area"),
        ("by-category", api["by_category"], "category"),
    ):
        assert rows, "the month has figures to compare"
        for line in rows:
            for name in ("coverable", "covered", "at_risk"):
                assert shown[(table, line[key], name)] == str(line[name]), (table, line[key], name)
            assert shown[(table, line[key], "coverage_pct")] == f"{line['coverage_pct']}%"
    assert (total["covered"], total["coverable"]) == (1, 3), "a1 covered of a1, a1b, a2 (december.py)"


def test_the_overview_counts_each_queue_as_its_list_does(console: Console, month: December) -> None:
    console.login("sup_a")
    shown = figures(console.get("/console/", month="2026-12").text)
    assert shown[(None, None, "waiting.follow_ups")] == "0"
    assert shown[(None, None, "waiting.proposals")] == "0"
    assert shown[(None, None, "waiting.flags")] == "0"


def test_the_missed_list_filters_and_shows_attempts_next_date_and_days_left(
    console: Console, month: December
) -> None:
    console.login("sup_a")
    page = console.get("/console/missed", month="2026-12")
    assert page.status_code == 200
    assert 'data-elder="{}"'.format(month.people["elder_a2"]) in page.text
    assert 'data-elder="{}"'.format(month.people["elder_a1b"]) in page.text
    assert 'data-elder="{}"'.format(month.people["elder_b1"]) not in page.text, "another street"
    assert "2026-12-03 未遇到" in page.text, "the attempt"
    assert "2026-12-16" in page.text, "the next planned date"
    at_risk = console.get("/console/missed", month="2026-12", at_risk="1").text
    assert 'data-elder="{}"'.format(month.people["elder_a2"]) in at_risk
    assert 'data-elder="{}"'.format(month.people["elder_a1b"]) not in at_risk


def test_a_visit_moved_from_the_console_is_in_the_other_workers_route(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    console.login("sup_a")
    elder = month.people["elder_a1b"]
    form = console.get(f"/console/elders/{elder}/move", month="2026-12")
    assert f'value="{month.planned["elder_a1b"]}"' in form.text
    moved = console.post(
        "/console/moves",
        {
            "month": "2026-12",
            "planned_visit_id": month.planned["elder_a1b"],
            "to_worker_id": district.accounts["w_a2"],
            "to_date": "2026-12-17",
            "next": f"/console/elders/{elder}/move?month=2026-12",
        },
    )
    assert moved.status_code == 303
    assert moved.headers["Location"] == f"/console/elders/{elder}/move?month=2026-12"
    assert "已调整：2026-12-17" in console.get(moved.headers["Location"]).text
    route = client.get("/api/v1/me/route", query_string={"date": "2026-12-17"}, headers=login("w_a2")).json
    assert elder in [stop["elder"]["id"] for stop in route["stops"]]
    page = console.get("/console/routes", worker=district.accounts["w_a2"], date="2026-12-17")
    assert f'href="/console/elders/{elder}"' in page.text


def test_a_move_the_rules_refuse_is_said_on_the_page_and_writes_nothing(
    client: FlaskClient, console: Console, login: Login, month: December
) -> None:
    console.login("sup_a")
    saturday = console.post(
        "/console/moves",
        {"month": "2026-12", "planned_visit_id": month.planned["elder_a1b"], "to_date": "2026-12-19"},
    )
    assert saturday.status_code == 303
    assert "不是工作日" in console.get(saturday.headers["Location"]).text
    versions = client.get("/api/v1/plans", query_string={"month": "2026-12"}, headers=login("sup_a")).json
    assert [v["number"] for v in versions] == [1]


def test_refusal_of_all_contact_needs_a_reason_and_takes_the_person_off_the_list(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    console.login("sup_a")
    elder = month.people["elder_a2"]
    empty = console.post(f"/console/elders/{elder}/refuses-contact", {"reason": " "})
    assert "须填写原因" in console.get(empty.headers["Location"]).text
    done = console.post(f"/console/elders/{elder}/refuses-contact", {"reason": "家属代为拒绝一切联系"})
    assert "已登记为拒绝一切联系" in console.get(done.headers["Location"]).text
    missed = client.get("/api/v1/missed", query_string={"month": "2026-12"}, headers=login("sup_a")).json
    assert elder not in {item["elder_id"] for item in missed["items"]}
    audit = client.get(
        "/api/v1/audit", query_string={"action": "elder.refuses_contact"}, headers=login("admin")
    )
    assert [e["actor_id"] for e in audit.json["items"] if e["record_id"] == str(elder)] == [
        district.accounts["sup_a"]
    ]


def test_the_profile_is_masked_and_unmasking_is_a_post_that_is_audited(
    client: FlaskClient, console: Console, login: Login, district: District, month: December
) -> None:
    console.login("sup_a")
    elder = month.people["elder_a2"]
    full = client.get(f"/api/v1/elders/{elder}", query_string={"unmask": "true"}, headers=login("admin")).json
    masked = console.get(f"/console/elders/{elder}", month="2026-12")
    assert masked.status_code == 200
    assert full["id_number"] not in masked.text
    assert "13812345678" not in masked.text
    assert "未遇到" in masked.text, "the visit with its outcome"
    assert "2026-12-03" in masked.text, "the month's plan entry"
    shown = console.post(f"/console/elders/{elder}/unmask")
    assert shown.status_code == 200
    assert full["id_number"] in shown.text
    assert "13812345678" in shown.text
    audit = client.get("/api/v1/audit", query_string={"action": "elder.unmask"}, headers=login("admin")).json
    readers = [e["actor_id"] for e in audit["items"] if e["record_id"] == str(elder)]
    assert sorted(readers) == sorted([district.accounts["admin"], district.accounts["sup_a"]])


def test_a_ledger_check_lists_the_bad_row_and_imports_nothing(
    client: FlaskClient, console: Console, login: Login, district: District
) -> None:
    console.login("sup_a")
    before = count(client, login("sup_a"))
    good = row(district.codes["grid_a1"])
    bad = row(district.codes["grid_a1"], 身份证号="110101194005170000")
    content = csv_of([good, bad])
    for path in ("/console/ledger/check", "/console/ledger/import"):
        response = console.post(
            path, {"file": (io.BytesIO(content), "台账.csv")}, form_page="/console/ledger",
            content_type="multipart/form-data",
        )  # fmt: skip
        assert response.status_code == 422, path
        assert '<table id="row-errors">' in response.text
        assert re.search(r"<tr><td>3</td><td>身份证号</td><td>[^<]+</td></tr>", response.text), response.text
        assert count(client, login("sup_a")) == before, f"{path}: nothing imported"


def test_a_ledger_check_counts_then_the_import_writes(
    client: FlaskClient, console: Console, login: Login, district: District
) -> None:
    console.login("sup_a")
    before = count(client, login("sup_a"))
    content = csv_of([row(district.codes["grid_a1"]), row(district.codes["grid_a2"])])
    checked = console.post(
        "/console/ledger/check", {"file": (io.BytesIO(content), "台账.csv")}, form_page="/console/ledger",
        content_type="multipart/form-data", headers={"X-Fragment": "1"},
    )  # fmt: skip
    assert checked.status_code == 200
    assert checked.text.lstrip().startswith('<div id="ledger-result" data-ok="1"'), "only the fragment"
    assert '<td data-count="created">2</td>' in checked.text
    assert count(client, login("sup_a")) == before
    imported = console.post(
        "/console/ledger/import", {"file": (io.BytesIO(content), "台账.csv")}, form_page="/console/ledger",
        content_type="multipart/form-data",
    )  # fmt: skip
    assert imported.status_code == 200
    assert "已导入" in imported.text
    assert count(client, login("sup_a")) == before + 2


def test_an_export_is_a_masked_download_and_audited(
    client: FlaskClient, console: Console, login: Login, district: District
) -> None:
    console.login("sup_a")
    export = console.post("/console/ledger/export", {"format": "csv"}, form_page="/console/ledger")
    assert export.status_code == 200
    assert export.headers["Content-Disposition"].startswith("attachment;")
    assert "********" in export.text
    assert not re.search(r"\d{17}[\dX]", export.text), "no whole ID number"
    unmasked = console.post(
        "/console/ledger/export", {"format": "csv", "unmask": "1"}, form_page="/console/ledger"
    )
    assert unmasked.status_code == 403, "unmasked exports are for admins (the ledger service's rule)"
    audit = client.get("/api/v1/audit", query_string={"action": "ledger.export"}, headers=login("admin")).json
    assert len(audit["items"]) == 1


def test_a_days_route_shows_each_stop_in_order_with_its_status(
    console: Console, district: District, month: December
) -> None:
    console.login("sup_a")
    page = console.get("/console/routes", worker=district.accounts["w_a1"], date="2026-12-02")
    assert page.status_code == 200
    assert 'class="stop done" data-order="1"' in page.text
    assert '<script type="application/json" id="map-data">' in page.text
    assert "13812345678" not in page.text, "phones masked for supervisors"
    by_grid = console.get("/console/routes", grid=district.codes["grid_a1"], date="2026-12-16")
    assert 'class="stop pending" data-order="1"' in by_grid.text, "a grid with one worker is that worker"


def test_admin_pages_are_for_admins(console: Console, month: December) -> None:
    console.login("sup_a")
    assert console.get("/console/jobs").status_code == 403
    assert console.get("/console/audit").status_code == 403
    assert console.get("/console/plans", month="2026-12").status_code == 200
    console.post("/console/logout")
    console.login("admin")
    assert console.get("/console/jobs").status_code == 200
    audit = console.get("/console/audit", action="elder.refuses_contact")
    assert audit.status_code == 200
    assert "登记拒绝一切联系" in audit.text


def test_queue_decisions_go_through_the_review_services(
    client: FlaskClient, console: Console, login: Login, month: December, uow: UnitOfWork
) -> None:
    item = make_follow_up(uow, month.records["elder_a2"], urgent=True)
    console.login("sup_a")
    queue = console.get("/console/queues", tab="followups")
    assert f'data-id="{item}"' in queue.text
    assert "紧急" in queue.text
    moved = console.post(f"/console/followups/{item}", {"status": "in_progress", "note": "已电话联系家属"})
    assert moved.status_code == 303
    backwards = console.post(f"/console/followups/{item}", {"status": "open"})
    assert "不能从" in console.get(backwards.headers["Location"]).text
    listed = client.get("/api/v1/followups", headers=login("sup_a")).json["items"]
    assert [(f["id"], f["status"]) for f in listed] == [(item, "in_progress")]


def test_with_gcj02_tiles_the_map_gets_shifted_points_and_the_policy_their_host(
    sessions: sessionmaker[Session], clock: FixedClock, district: District, month: December
) -> None:
    tiles = "https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"
    settings = Settings(
        database_url="unused://", secret_key="t" * 48, environment="test",
        extra={"VISITSVC_TILE_URL": tiles, "VISITSVC_TILE_DATUM": "GCJ-02"},
    )  # fmt: skip
    app = create_app(settings, sessions=sessions, clock=clock)
    console = Console(app.test_client())
    console.login("sup_a")
    page = console.get("/console/routes", worker=district.accounts["w_a1"], date="2026-12-02")
    assert "img-src 'self' data: https://*.is.autonavi.com;" in page.headers["Content-Security-Policy"]
    data = json.loads(re.search(r'id="map-data">(.*?)</script>', page.text, re.S).group(1))  # type: ignore[union-attr]
    assert data["tiles"] == tiles
    glon, glat = navigation.gcj02(120.1201, 30.2801)  # the factory's elder, stored in WGS-84
    assert data["stops"][0]["at"] == [glat, glon]
