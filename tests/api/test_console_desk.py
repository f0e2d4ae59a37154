"""The desk's actions in the console (issue 17): each goes through the service the API uses, so the API then
reports what the page did; bad input is the form again with each message beside its field and nothing
stored; a grid worker is refused and another street's records are not found (tests/api/december.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.console import Console
from tests.api.december import December, december
from tests.factories import District
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock

Login = Callable[[str], Headers]


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
