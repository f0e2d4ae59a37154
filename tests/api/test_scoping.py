"""Who may see and change what: every register endpoint against callers inside and outside the area.

The target records all sit in street A, grid A1. Outside the caller's area a record answers 404, exactly
like a missing one; a grid worker may not change the register at all (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import District

Request = Callable[[District], tuple[str, str, dict[str, Any] | None]]


def elder_get(d: District) -> tuple[str, str, None]:
    return "GET", f"/api/v1/elders/{d.elders['elder_a1']}", None


def elder_patch(d: District) -> tuple[str, str, dict[str, Any]]:
    return "PATCH", f"/api/v1/elders/{d.elders['elder_a1']}", {"notes": "耳背"}


def elder_status(d: District) -> tuple[str, str, dict[str, Any]]:
    body = {"status": "hospitalized", "effective_date": "2026-11-25", "reason": "住院"}
    return "POST", f"/api/v1/elders/{d.elders['elder_a1']}/status", body


def elder_history(d: District) -> tuple[str, str, None]:
    return "GET", f"/api/v1/elders/{d.elders['elder_a1']}/history", None


def worker_get(d: District) -> tuple[str, str, None]:
    return "GET", f"/api/v1/workers/{d.accounts['w_a1']}", None


def worker_patch(d: District) -> tuple[str, str, dict[str, Any]]:
    return "PATCH", f"/api/v1/workers/{d.accounts['w_a1']}", {"name": "张新名"}


def export_area(d: District) -> tuple[str, str, None]:
    return "GET", f"/api/v1/elders/export?format=csv&area={d.codes['street_a']}", None


def area_children(d: District) -> tuple[str, str, None]:
    return "GET", f"/api/v1/areas?parent={d.codes['community_a']}", None


MATRIX: list[tuple[Request, dict[str, int]]] = [
    (elder_get, {"w_a1": 200, "w_a2": 404, "w_b1": 404, "sup_a": 200, "sup_b": 404, "admin": 200}),
    (elder_patch, {"w_a1": 403, "w_b1": 403, "sup_a": 200, "sup_b": 404, "admin": 200}),
    (elder_status, {"w_a1": 403, "w_b1": 403, "sup_a": 201, "sup_b": 404, "admin": 201}),
    (elder_history, {"w_a1": 200, "w_b1": 404, "sup_a": 200, "sup_b": 404, "admin": 200}),
    (worker_get, {"w_a1": 200, "w_b1": 404, "sup_a": 200, "sup_b": 404, "admin": 200}),
    (worker_patch, {"w_a1": 403, "w_b1": 404, "sup_a": 200, "sup_b": 404, "admin": 200}),
    (export_area, {"w_a1": 403, "sup_a": 200, "sup_b": 404, "admin": 200}),
    (area_children, {"w_b1": 404, "sup_a": 200, "sup_b": 404, "admin": 200}),
]
CASES = [
    pytest.param(request, account, status, id=f"{request.__name__}-{account}")
    for request, expected in MATRIX
    for account, status in expected.items()
]


@pytest.mark.parametrize(("request_of", "account", "status"), CASES)
def test_scoping_matrix(
    client: FlaskClient,
    district: District,
    login: Callable[[str], Headers],
    request_of: Request,
    account: str,
    status: int,
) -> None:
    method, url, body = request_of(district)
    response = client.open(url, method=method, json=body, headers=login(account))
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 404:
        nowhere = District(
            district.codes, dict.fromkeys(district.accounts, 999_999), dict.fromkeys(district.elders, 999_999)
        )
        _, missing, _ = request_of(nowhere)
        if missing != url:
            other = client.open(missing, method=method, json=body, headers=login(account))
            assert (other.status_code, other.json) == (404, response.json), "outside must look like missing"


@pytest.mark.parametrize(
    ("account", "visible"),
    [
        ("w_a1", {"elder_a1"}),
        ("w_b1", {"elder_b1"}),
        ("sup_a", {"elder_a1", "elder_a2"}),
        ("sup_b", {"elder_b1"}),
        ("admin", {"elder_a1", "elder_a2", "elder_b1"}),
    ],
)
def test_lists_show_only_the_callers_area(
    client: FlaskClient, district: District, login: Callable[[str], Headers], account: str, visible: set[str]
) -> None:
    response = client.get("/api/v1/elders", headers=login(account))
    assert {item["id"] for item in response.json["items"]} == {district.elders[k] for k in visible}


def test_workers_and_areas_lists_stay_inside_the_area(
    client: FlaskClient, district: District, login: Callable[[str], Headers]
) -> None:
    workers = client.get("/api/v1/workers", headers=login("sup_b")).json["items"]
    assert {w["account"] for w in workers} == {"sup_b", "w_b1"}
    codes = {a["code"] for a in client.get("/api/v1/areas", headers=login("sup_b")).json}
    assert codes == {district.codes[k] for k in ("street_b", "community_b", "grid_b1")}


def test_a_supervisor_cannot_register_into_another_street(
    client: FlaskClient, district: District, login: Callable[[str], Headers]
) -> None:
    from tests.api.test_elders import elder_body

    response = client.post(
        "/api/v1/elders", json=elder_body(district.codes["grid_a1"]), headers=login("sup_b")
    )
    assert response.status_code == 422
    assert "grid_code" in response.json["errors"]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        (
            "POST",
            "/api/v1/areas",
            {"code": "330106003", "name": "新街道", "level": "street", "parent_code": "330106"},
        ),
        ("GET", "/api/v1/audit", None),
    ],
)
def test_admin_only_endpoints_answer_403_to_others(
    client: FlaskClient, district: District, login: Callable[[str], Headers], method: str, url: str, body: Any
) -> None:
    for account in ("w_a1", "sup_a"):
        assert client.open(url, method=method, json=body, headers=login(account)).status_code == 403
    assert client.open(url, method=method, json=body, headers=login("admin")).status_code in (200, 201)
