"""Contracts of purchased visits (政府购买服务): prices in yuan with 2 places, a period, a quota, the areas
covered within the manager's; read by the organisation's coordinator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.factories import District
from tests.partner_factories import make_contract, make_coordinator, make_organisation, make_pairing
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import AuditEntry

Login = Callable[[str], Headers]


@pytest.fixture
def station(district: District, uow: UnitOfWork) -> int:
    return make_organisation(uow, area_codes=(district.codes["street_a"],))


def body(district: District, **overrides: object) -> dict[str, object]:
    return {
        "code": "XH-2026-001", "first_day": "2026-12-01", "last_day": "2027-11-30",
        "covered_area_codes": [district.codes["community_a"]], "prices": {"home": "45.50", "phone": 8},
        "monthly_quota": 2000, **overrides,
    }  # fmt: skip


def post(client: FlaskClient, organisation: int, json: dict[str, object], headers: Headers):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/organisations/{organisation}/contracts", json=json, headers=headers)


def test_a_supervisor_files_a_contract_under_their_own_street_by_default(
    client: FlaskClient, district: District, login: Login, station: int, uow: UnitOfWork
) -> None:
    response = post(client, station, body(district), login("sup_a"))
    assert response.status_code == 201, response.json
    assert response.json["area_code"] == district.codes["street_a"]
    assert response.json["prices"] == {"home": "45.50", "phone": "8.00"}
    assert response.json["monthly_quota"] == 2000
    assert response.json["pays_not_found"] is False
    read = client.get(f"/api/v1/contracts/{response.json['id']}", headers=login("sup_a"))
    assert read.json == response.json
    with uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "contract.create")).one()
        assert entry.details["changes"]["prices"][1] == {"home": "45.50", "phone": "8"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"prices": {"home": "45.555"}}, "prices.home"),
        ({"prices": {"home": "-1"}}, "prices.home"),
        ({"prices": {}}, "prices"),
        ({"first_day": "2027-01-01", "last_day": "2026-12-31"}, "last_day"),
        ({"monthly_quota": -1}, "monthly_quota"),
        ({"code": "   "}, "code"),
    ],
)
def test_a_bad_field_is_named(
    client: FlaskClient,
    district: District,
    login: Login,
    station: int,
    overrides: dict[str, object],
    field: str,
) -> None:
    response = post(client, station, body(district, **overrides), login("admin"))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_a_price_is_never_rounded_silently(
    client: FlaskClient, district: District, login: Login, station: int
) -> None:
    response = post(client, station, body(district, prices={"home": 45.555}), login("admin"))
    assert response.status_code == 422
    assert response.json["errors"]["prices.home"] == ["单价最多两位小数（元）"]


def test_a_contract_code_is_unique(
    client: FlaskClient, district: District, login: Login, station: int
) -> None:
    assert post(client, station, body(district), login("admin")).status_code == 201
    again = post(client, station, body(district), login("sup_a"))
    assert again.status_code == 409
    assert "code" in again.json["errors"]


def test_areas_outside_the_callers_are_not_found(
    client: FlaskClient, district: District, login: Login, station: int
) -> None:
    outside = body(district, covered_area_codes=[district.codes["community_b"]])
    assert post(client, station, outside, login("sup_a")).status_code == 404
    filed_outside = body(district, area_code=district.codes["street_b"])
    assert post(client, station, filed_outside, login("sup_a")).status_code == 404


def test_another_streets_organisation_and_contract_are_not_found(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    west = make_organisation(uow, "西溪社工站", area_codes=(district.codes["street_b"],))
    contract = make_contract(
        uow, west, area_code=district.codes["street_b"], first_day=date(2026, 12, 1),
        last_day=date(2027, 11, 30), quota=100,
    )  # fmt: skip
    assert post(client, west, body(district), login("sup_a")).status_code == 404
    assert client.get(f"/api/v1/organisations/{west}/contracts", headers=login("sup_a")).status_code == 404
    assert client.get(f"/api/v1/contracts/{contract}", headers=login("sup_a")).status_code == 404
    patch = client.patch(f"/api/v1/contracts/{contract}", json={"monthly_quota": 1}, headers=login("sup_a"))
    assert patch.status_code == 404
    assert client.get(f"/api/v1/contracts/{contract}", headers=login("sup_b")).status_code == 200


def test_grid_workers_may_not_manage_and_coordinators_only_read_their_own(
    client: FlaskClient, district: District, login: Login, station: int, uow: UnitOfWork
) -> None:
    other = make_organisation(uow, "另一机构", area_codes=(district.codes["street_a"],))
    make_coordinator(uow, "coord_a", organisation_id=station, area_code=district.codes["street_a"])
    mine = make_contract(
        uow, station, area_code=district.codes["street_a"], first_day=date(2026, 12, 1),
        last_day=date(2027, 11, 30), quota=10,
    )  # fmt: skip
    theirs = make_contract(
        uow, other, area_code=district.codes["street_a"], first_day=date(2026, 12, 1),
        last_day=date(2027, 11, 30), quota=10,
    )  # fmt: skip
    assert post(client, station, body(district), login("w_a1")).status_code == 403
    assert post(client, station, body(district), login("coord_a")).status_code == 403
    listed = client.get(f"/api/v1/organisations/{station}/contracts", headers=login("coord_a"))
    assert [c["id"] for c in listed.json["items"]] == [mine]
    assert client.get(f"/api/v1/contracts/{theirs}", headers=login("coord_a")).status_code == 404
    patch = client.patch(f"/api/v1/contracts/{mine}", json={"monthly_quota": 1}, headers=login("coord_a"))
    assert patch.status_code == 403


def test_an_update_is_audited_and_may_not_leave_a_pairing_outside_the_period(
    client: FlaskClient, district: District, login: Login, station: int, uow: UnitOfWork
) -> None:
    contract = make_contract(
        uow, station, area_code=district.codes["street_a"], first_day=date(2026, 12, 1),
        last_day=date(2027, 11, 30), quota=10,
    )  # fmt: skip
    make_pairing(
        uow, district.elders["elder_a1"], organisation_id=station, contract_id=contract,
        first_day=date(2027, 1, 1), last_day=date(2027, 6, 30),
    )  # fmt: skip
    shorter = client.patch(
        f"/api/v1/contracts/{contract}", json={"last_day": "2027-03-31"}, headers=login("sup_a")
    )
    assert shorter.status_code == 409
    response = client.patch(
        f"/api/v1/contracts/{contract}",
        json={"monthly_quota": 1500, "prices": {"home": "60.00"}, "pays_not_found": True},
        headers=login("sup_a"),
    )
    assert response.status_code == 200, response.json
    assert response.json["prices"] == {"home": "60.00"}
    assert response.json["last_day"] == "2027-11-30"
    with uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "contract.update")).one()
        assert entry.details["changes"]["monthly_quota"] == [10, 1500]
        assert entry.details["changes"]["pays_not_found"] == [False, True]
