from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import SYSTEM, District, id_number
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.register.retention import run_retention

Login = Callable[[str], Headers]


def elder_body(grid_code: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": "李桂兰",
        "id_number": id_number(male=False),
        "sex": "female",
        "birth_date": "1940-05-17",
        "phone": "13912345678",
        "address": "北山街道保俶路12号",
        "lon": 120.1401,
        "lat": 30.2651,
        "grid_code": grid_code,
        "categories": ["living_alone", "disabled"],
        "ability_level": "moderate",
    }
    body.update(overrides)
    return body


def audit_actions(client: FlaskClient, login: Login, **query: str) -> list[str]:
    response = client.get("/api/v1/audit", query_string=query, headers=login("admin"))
    return [entry["action"] for entry in response.json["items"]]


def test_register_a_person_and_read_them_back_masked(
    client: FlaskClient, district: District, login: Login
) -> None:
    body = elder_body(district.codes["grid_a1"])
    created = client.post("/api/v1/elders", json=body, headers=login("sup_a"))
    assert created.status_code == 201, created.json
    elder = created.json
    assert elder["id_number"] == body["id_number"][:6] + "********" + body["id_number"][-4:]
    assert elder["phone"] == "139****5678"
    assert elder["age"] == 86
    assert set(elder["categories"]) == {"living_alone", "disabled", "very_old"}, "高龄 is added at 80+"
    assert elder["status"] == "active"
    history = client.get(f"/api/v1/elders/{elder['id']}/history", headers=login("sup_a")).json
    assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "active")]


def test_unmasking_is_for_supervisors_and_admins_and_is_audited(
    client: FlaskClient, district: District, login: Login
) -> None:
    url = f"/api/v1/elders/{district.elders['elder_a1']}?unmask=true"
    assert client.get(url, headers=login("w_a1")).status_code == 403
    response = client.get(url, headers=login("sup_a"))
    assert response.status_code == 200
    assert "*" not in response.json["id_number"]
    assert response.json["masked"] is False
    assert audit_actions(client, login, action="elder.unmask") == ["elder.unmask"]


def full_number(client: FlaskClient, login: Login, elder_id: int) -> str:
    number: str = client.get(f"/api/v1/elders/{elder_id}?unmask=true", headers=login("admin")).json[
        "id_number"
    ]
    return number


def test_a_lookup_by_id_number_is_a_post_and_is_audited(
    client: FlaskClient, district: District, login: Login
) -> None:
    number = full_number(client, login, district.elders["elder_a1"])
    found = client.post("/api/v1/elders/lookup", json={"id_number": number}, headers=login("sup_a"))
    assert found.status_code == 200, found.json
    assert [e["id"] for e in found.json["items"]] == [district.elders["elder_a1"]]
    assert found.json["next_cursor"] is None
    assert found.json["items"][0]["masked"] is True
    assert "elder.search_id_number" in audit_actions(client, login)


def test_a_lookup_finds_no_one_outside_the_callers_area(
    client: FlaskClient, district: District, login: Login
) -> None:
    number = full_number(client, login, district.elders["elder_b1"])
    found = client.post("/api/v1/elders/lookup", json={"id_number": number}, headers=login("sup_a"))
    assert (found.status_code, found.json["items"]) == (200, [])
    assert audit_actions(client, login, action="elder.search_id_number") == ["elder.search_id_number"]


def test_an_id_number_in_the_query_string_is_refused(
    client: FlaskClient, district: District, login: Login
) -> None:
    number = full_number(client, login, district.elders["elder_a1"])
    refused = client.get("/api/v1/elders", query_string={"id_number": number}, headers=login("sup_a"))
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"id_number"}
    assert "elder.search_id_number" not in audit_actions(client, login)


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "id_number"), ({"id_number": "1" * 31}, "id_number"), ({"id_number": "x", "q": "李"}, "q")],
)
def test_a_bad_lookup_is_422_naming_the_field(
    client: FlaskClient, district: District, login: Login, body: dict[str, Any], field: str
) -> None:
    refused = client.post("/api/v1/elders/lookup", json=body, headers=login("sup_a"))
    assert refused.status_code == 422
    assert field in refused.json["errors"]


def test_paging_walks_the_whole_list_once(client: FlaskClient, district: District, login: Login) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        query = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/elders", query_string=query, headers=login("admin")).json
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(district.elders.values())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unknown_field": 1}, "unknown_field"),
        ({"birth_date": "not a date"}, "birth_date"),
        ({"name": "长" * 51}, "name"),
        ({"categories": []}, "categories"),
        ({"categories": ["rich"]}, "categories.0"),
        ({"lon": 120.1, "lat": None}, "lon"),
        ({"lon": 30.28, "lat": 120.12}, "lat"),
        ({"phone": "12345"}, "phone"),
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"birth_date": "1941-05-17"}, "birth_date"),
        ({"sex": "male"}, "sex"),
        ({"grid_code": "330106001001"}, "grid_code"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(
    client: FlaskClient, district: District, login: Login, change: dict[str, Any], field: str
) -> None:
    body = {**elder_body(district.codes["grid_a1"]), **change}
    response = client.post("/api/v1/elders", json=body, headers=login("sup_a"))
    assert response.status_code == 422, response.json
    assert response.json["code"] == "invalid"
    assert field in response.json["errors"], response.json
    assert len(client.get("/api/v1/elders", headers=login("sup_a")).json["items"]) == 2


@pytest.mark.parametrize("query", [{"limit": 1000}, {"limit": 0}, {"limit": "many"}, {"cursor": "garbage"}])
def test_absurd_paging_is_422(
    client: FlaskClient, district: District, login: Login, query: dict[str, Any]
) -> None:
    response = client.get("/api/v1/elders", query_string=query, headers=login("sup_a"))
    assert response.status_code == 422
    assert set(response.json["errors"]) <= {"limit", "cursor"}


def test_a_body_that_is_not_json_is_a_4xx_not_a_500(
    client: FlaskClient, district: District, login: Login
) -> None:
    response = client.post(
        "/api/v1/elders", data="{not json", headers={**login("sup_a"), "Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert set(response.json) >= {"code", "message", "errors"}


def test_the_same_person_twice_is_409_and_outside_the_area_says_neither_where_nor_who(
    client: FlaskClient, district: District, login: Login
) -> None:
    body = elder_body(district.codes["grid_a1"])
    assert client.post("/api/v1/elders", json=body, headers=login("sup_a")).status_code == 201
    again = client.post("/api/v1/elders", json=body, headers=login("sup_a"))
    assert again.status_code == 409
    assert again.json["code"] == "already_registered"
    elsewhere = client.post(
        "/api/v1/elders", json={**body, "grid_code": district.codes["grid_b1"]}, headers=login("sup_b")
    )
    assert elsewhere.status_code == 409
    assert elsewhere.json["code"] == "registered_elsewhere"
    assert "330106001" not in str(elsewhere.json)
    assert body["name"] not in str(elsewhere.json)


def test_a_transfer_needs_both_areas_and_is_audited(
    client: FlaskClient, district: District, login: Login
) -> None:
    url = f"/api/v1/elders/{district.elders['elder_a1']}"
    to_b = {"grid_code": district.codes["grid_b1"]}
    assert client.patch(url, json=to_b, headers=login("sup_a")).status_code == 422
    moved = client.patch(url, json=to_b, headers=login("admin"))
    assert moved.status_code == 200
    assert moved.json["grid_code"] == district.codes["grid_b1"]
    assert client.get(url, headers=login("sup_b")).status_code == 200
    assert client.get(url, headers=login("sup_a")).status_code == 404
    assert "elder.transfer" in audit_actions(client, login)


def test_every_change_is_audited_with_old_and_new_values(
    client: FlaskClient, district: District, login: Login
) -> None:
    url = f"/api/v1/elders/{district.elders['elder_a1']}"
    client.patch(url, json={"address": "新地址1号"}, headers=login("sup_a"))
    entries = client.get(
        "/api/v1/audit", query_string={"action": "elder.update"}, headers=login("admin")
    ).json["items"]
    assert entries[0]["details"]["changes"]["address"][1] == "新地址1号"


def test_a_stale_version_is_a_409(client: FlaskClient, district: District, login: Login) -> None:
    url = f"/api/v1/elders/{district.elders['elder_a1']}"
    version = client.get(url, headers=login("sup_a")).json["version"]
    assert (
        client.patch(url, json={"notes": "一", "version": version}, headers=login("sup_a")).status_code == 200
    )
    stale = client.patch(url, json={"notes": "二", "version": version}, headers=login("sup_a"))
    assert stale.status_code == 409
    assert client.get(url, headers=login("sup_a")).json["notes"] == "一"


def test_status_changes_are_kept_as_history_and_checked(
    client: FlaskClient, district: District, login: Login, clock: FixedClock
) -> None:
    url = f"/api/v1/elders/{district.elders['elder_a1']}"
    first = {"status": "hospitalized", "effective_date": "2026-11-25", "reason": "脑梗住院"}
    assert client.post(f"{url}/status", json=first, headers=login("sup_a")).status_code == 201
    same = client.post(f"{url}/status", json=first, headers=login("sup_a"))
    assert same.status_code == 409
    clock.advance(timedelta(days=4))
    later = login("admin")  # the supervisor's token of four days ago has expired
    earlier = {"status": "active", "effective_date": "2026-11-24", "reason": "出院"}
    assert client.post(f"{url}/status", json=earlier, headers=later).status_code == 409
    back = {"status": "active", "effective_date": "2026-11-28", "reason": "出院"}
    assert client.post(f"{url}/status", json=back, headers=later).status_code == 201
    history = client.get(f"{url}/history", headers=later).json
    assert [h["to_status"] for h in history] == ["active", "hospitalized", "active"]
    assert client.get(url, headers=later).json["status"] == "active"


def test_a_pseudonymised_person_reads_as_such_and_is_never_edited_again(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder_id = district.elders["elder_a1"]
    url = f"/api/v1/elders/{elder_id}"
    died = {"status": "deceased", "effective_date": "2026-11-25", "reason": "病故"}
    assert client.post(f"{url}/status", json=died, headers=login("sup_a")).status_code == 201
    four_years_on = date(2030, 11, 26)
    assert run_retention(uow, caller=SYSTEM, today=four_years_on, dry_run=False).people == 1
    read = client.get(url, headers=login("sup_a")).json
    assert (read["name"], read["phone"], read["address"]) == (f"已匿名-{elder_id}", None, "已匿名")
    patched = client.patch(url, json={"address": "新地址1号"}, headers=login("sup_a"))
    assert (patched.status_code, patched.json["code"]) == (409, "pseudonymised")
    back = {"status": "active", "effective_date": "2026-11-25", "reason": "登记有误"}
    changed = client.post(f"{url}/status", json=back, headers=login("admin"))
    assert (changed.status_code, changed.json["code"]) == (409, "pseudonymised")


def test_the_openapi_document_and_swagger_ui_are_served(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    assert "/api/v1/elders" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert b"/swagger-ui/swagger-ui-bundle.js" in docs.data
    assert client.get("/swagger-ui/swagger-ui-bundle.js").status_code == 200
