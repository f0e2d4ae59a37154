"""The visit policy per area through the API: admins change it, supervisors read it, each value inherited
from the nearest area above that sets it (issue 20)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.factories import District
from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import AuditEntry

Login = Callable[[str], Headers]


def area_id(uow: UnitOfWork, code: str) -> int:
    with uow:
        return uow.areas.get_by_code(Scope.everything(), code).id


def url(uow: UnitOfWork, district: District, key: str) -> str:
    return f"/api/v1/areas/{area_id(uow, district.codes[key])}/policy"


def test_an_area_without_settings_has_the_code_defaults(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login
) -> None:
    response = client.get(url(uow, district, "grid_a1"), headers=login("sup_a"))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["effective"] == {
        "high_risk_min_age": 80, "new_elder_workdays": 5, "back_from_hospital_workdays": 3,
        "min_workdays_in_week": 3, "substitute_phone": True, "weekly_home_to_calls_when_short": False,
        "reach_minutes": 30,
    }  # fmt: skip
    assert set(body["own"].values()) == {None}
    assert set(body["inherited_from"].values()) == {None}


def test_a_street_setting_overrides_the_districts_for_its_grids_only(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login
) -> None:
    admin = login("admin")
    put = client.put(
        url(uow, district, "district"), json={"high_risk_min_age": 75, "reach_minutes": 45}, headers=admin
    )
    assert put.status_code == 200, put.json
    street = client.put(url(uow, district, "street_a"), json={"high_risk_min_age": 70}, headers=admin)
    assert street.json["own"]["high_risk_min_age"] == 70

    a1 = client.get(url(uow, district, "grid_a1"), headers=admin).json
    assert (a1["effective"]["high_risk_min_age"], a1["inherited_from"]["high_risk_min_age"]) == (
        70, district.codes["street_a"],
    )  # fmt: skip
    assert (a1["effective"]["reach_minutes"], a1["inherited_from"]["reach_minutes"]) == (
        45, district.codes["district"],
    )  # fmt: skip
    assert a1["inherited_from"]["min_workdays_in_week"] is None
    b1 = client.get(url(uow, district, "grid_b1"), headers=admin).json
    assert b1["effective"]["high_risk_min_age"] == 75


def test_null_or_absent_inherits_again(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login
) -> None:
    admin = login("admin")
    client.put(url(uow, district, "street_a"), json={"min_workdays_in_week": 2}, headers=admin)
    cleared = client.put(url(uow, district, "street_a"), json={"min_workdays_in_week": None}, headers=admin)
    assert cleared.status_code == 200
    assert cleared.json["effective"]["min_workdays_in_week"] == 3
    assert cleared.json["own"]["min_workdays_in_week"] is None


def test_a_change_is_audited_with_its_values_before_and_after(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login
) -> None:
    admin = login("admin")
    client.put(url(uow, district, "street_a"), json={"weekly_home_to_calls_when_short": True}, headers=admin)
    client.put(url(uow, district, "street_a"), json={"reach_minutes": 60}, headers=admin)
    with uow:
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "area.policy").order_by(AuditEntry.id)
        ).all()
    assert [(e.record_id, e.details["changes"]) for e in entries] == [
        (district.codes["street_a"], {"weekly_home_to_calls_when_short": [None, True]}),
        (
            district.codes["street_a"],
            {"weekly_home_to_calls_when_short": [True, None], "reach_minutes": [None, 60]},
        ),
    ]
    assert all(e.actor_id == district.accounts["admin"] for e in entries)


def test_supervisors_read_but_do_not_change_and_grid_workers_do_neither(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login
) -> None:
    street = url(uow, district, "street_a")
    assert client.get(street, headers=login("sup_a")).status_code == 200
    assert client.put(street, json={"reach_minutes": 60}, headers=login("sup_a")).status_code == 403
    grid = url(uow, district, "grid_a1")
    assert client.get(grid, headers=login("w_a1")).status_code == 403
    assert client.put(grid, json={"reach_minutes": 60}, headers=login("w_a1")).status_code == 403


def test_an_area_outside_the_callers_is_not_found(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login
) -> None:
    assert client.get(url(uow, district, "street_b"), headers=login("sup_a")).status_code == 404
    assert client.get(url(uow, district, "district"), headers=login("sup_a")).status_code == 404
    assert client.get("/api/v1/areas/999999/policy", headers=login("admin")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"high_risk_min_age": 200}, "high_risk_min_age"),
        ({"min_workdays_in_week": 0}, "min_workdays_in_week"),
        ({"reach_minutes": "30"}, "reach_minutes"),
        ({"reach_minutes": 2.5}, "reach_minutes"),
        ({"substitute_phone": "yes"}, "substitute_phone"),
        ({"substitute_phone": 1}, "substitute_phone"),
        ({"visits_per_week": 2}, "visits_per_week"),
    ],
)
def test_a_bad_value_is_422_naming_the_field_and_changes_nothing(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login, body: dict[str, Any], field: str
) -> None:
    refused = client.put(url(uow, district, "street_a"), json=body, headers=login("admin"))
    assert refused.status_code == 422, refused.json
    assert field in refused.json["errors"]
    with uow:
        assert uow.area_policies.find(area_id(uow, district.codes["street_a"])) is None
