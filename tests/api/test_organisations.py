"""Organisations (issue 19): registered by the admins and supervisors of the areas they serve, read by
them and by the organisation's own coordinator; the 统一社会信用代码 checked and unique."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.factories import District
from tests.partner_factories import a_credit_code, make_coordinator, make_organisation, make_visitor
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import AuditEntry

Login = Callable[[str], Headers]


def body(district: District, **overrides: object) -> dict[str, object]:
    return {
        "name": "北山社工站", "kind": "social_work_station", "credit_code": a_credit_code(),
        "area_codes": [district.codes["street_a"]], "contact_name": "王站长", "contact_phone": "13800001234",
        **overrides,
    }  # fmt: skip


def audit_actions(uow: UnitOfWork, record_type: str) -> list[str]:
    with uow:
        query = select(AuditEntry.action).where(AuditEntry.record_type == record_type).order_by(AuditEntry.id)
        return list(uow.session.scalars(query))


def test_a_supervisor_registers_an_organisation_of_their_street(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    response = client.post("/api/v1/organisations", json=body(district), headers=login("sup_a"))
    assert response.status_code == 201, response.json
    assert response.json["area_codes"] == [district.codes["street_a"]]
    assert response.json["contact_phone"] == "138****1234"
    assert audit_actions(uow, "organisation") == ["organisation.create"]


def test_the_credit_code_is_normalised_and_its_check_character_verified(
    client: FlaskClient, district: District, login: Login
) -> None:
    code = a_credit_code()
    good = client.post(
        "/api/v1/organisations", json=body(district, credit_code=" " + code.lower()), headers=login("admin")
    )
    assert good.status_code == 201, good.json
    assert good.json["credit_code"] == code
    wrong_check = code[:17] + ("0" if code[17] != "0" else "1")
    bad = client.post(
        "/api/v1/organisations", json=body(district, credit_code=wrong_check), headers=login("admin")
    )
    assert bad.status_code == 422
    assert bad.json["errors"]["credit_code"] == ["统一社会信用代码校验位不符"]


def test_a_code_registered_already_is_a_conflict(
    client: FlaskClient, district: District, login: Login
) -> None:
    code = a_credit_code()
    assert (
        client.post(
            "/api/v1/organisations", json=body(district, credit_code=code), headers=login("admin")
        ).status_code
        == 201
    )
    again = client.post(
        "/api/v1/organisations", json=body(district, credit_code=code), headers=login("sup_a")
    )
    assert again.status_code == 409
    assert "credit_code" in again.json["errors"]


def test_areas_served_outside_the_callers_are_not_found(
    client: FlaskClient, district: District, login: Login
) -> None:
    response = client.post(
        "/api/v1/organisations",
        json=body(district, area_codes=[district.codes["street_b"]]),
        headers=login("sup_a"),
    )
    assert response.status_code == 404
    nowhere = client.post(
        "/api/v1/organisations", json=body(district, area_codes=["999999"]), headers=login("admin")
    )
    assert nowhere.status_code == 404


@pytest.mark.parametrize("account", ["w_a1", "vol_a"])
def test_grid_workers_and_visitors_may_not_manage(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, account: str
) -> None:
    organisation = make_organisation(uow, area_codes=(district.codes["street_a"],))
    make_visitor(uow, "vol_a", organisation_id=None, area_code=district.codes["street_a"])
    assert (
        client.post("/api/v1/organisations", json=body(district), headers=login(account)).status_code == 403
    )
    patch = client.patch(
        f"/api/v1/organisations/{organisation}", json={"name": "改名"}, headers=login(account)
    )
    assert patch.status_code == 403
    assert client.get("/api/v1/organisations", headers=login(account)).status_code == 403


def test_each_supervisor_sees_the_organisations_serving_their_street(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    north = make_organisation(uow, "北山社工站", area_codes=(district.codes["street_a"],))
    whole = make_organisation(uow, "区志愿者协会", area_codes=(district.codes["district"],))
    west = make_organisation(uow, "西溪社工站", area_codes=(district.codes["street_b"],))

    def listed(account: str) -> list[int]:
        response = client.get("/api/v1/organisations", headers=login(account))
        assert response.status_code == 200, response.json
        return [o["id"] for o in response.json["items"]]

    assert listed("sup_a") == [north, whole]
    assert listed("sup_b") == [whole, west]
    assert listed("admin") == [north, whole, west]
    assert client.get(f"/api/v1/organisations/{west}", headers=login("sup_a")).status_code == 404


def test_a_coordinator_reads_only_their_own_organisation_and_its_staff(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    mine = make_organisation(uow, "北山社工站", area_codes=(district.codes["street_a"],))
    other = make_organisation(uow, "北山志愿者协会", area_codes=(district.codes["street_a"],))
    make_coordinator(uow, "coord_a", organisation_id=mine, area_code=district.codes["street_a"])
    social = make_visitor(uow, "sw_a", organisation_id=mine, area_code=district.codes["street_a"])
    make_visitor(uow, "vol_other", organisation_id=other, area_code=district.codes["street_a"])

    listed = client.get("/api/v1/organisations", headers=login("coord_a"))
    assert [o["id"] for o in listed.json["items"]] == [mine]
    assert client.get(f"/api/v1/organisations/{other}", headers=login("coord_a")).status_code == 404
    assert client.get(f"/api/v1/organisations/{other}/staff", headers=login("coord_a")).status_code == 404
    staff = client.get(f"/api/v1/organisations/{mine}/staff", headers=login("coord_a"))
    assert staff.status_code == 200, staff.json
    assert [w["account"] for w in staff.json] == ["coord_a", "sw_a"]
    assert next(w for w in staff.json if w["id"] == social)["visitor_kind"] == "social_worker"
    patch = client.patch(f"/api/v1/organisations/{mine}", json={"name": "改名"}, headers=login("coord_a"))
    assert patch.status_code == 403
    assert (
        client.get(f"/api/v1/organisations/{mine}?unmask=true", headers=login("coord_a")).status_code == 403
    )


def test_the_contact_phone_unmasked_on_request_is_audited(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    organisation = make_organisation(uow, area_codes=(district.codes["street_a"],))
    assert (
        client.get(f"/api/v1/organisations/{organisation}", headers=login("sup_a")).json["contact_phone"]
        == "138****1111"
    )
    assert audit_actions(uow, "organisation") == []
    response = client.get(f"/api/v1/organisations/{organisation}?unmask=true", headers=login("sup_a"))
    assert response.json["contact_phone"] == "13800001111"
    assert response.json["masked"] is False
    assert audit_actions(uow, "organisation") == ["organisation.unmask"]


def test_an_update_is_audited_with_before_and_after_and_keeps_areas_the_caller_cannot_see(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    organisation = make_organisation(uow, area_codes=(district.codes["street_a"], district.codes["street_b"]))
    response = client.patch(
        f"/api/v1/organisations/{organisation}",
        json={"name": "北山西溪社工站", "area_codes": [district.codes["community_a"]], "active": False},
        headers=login("sup_a"),
    )
    assert response.status_code == 200, response.json
    assert response.json["area_codes"] == [district.codes["community_a"], district.codes["street_b"]]
    assert response.json["active"] is False
    with uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "organisation.update")
        ).one()
        assert entry.details["changes"]["name"] == ["西湖区社工站", "北山西溪社工站"]
        assert entry.details["changes"]["active"] == [True, False]


def test_a_duplicate_code_on_update_is_a_conflict_and_nothing_changes(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    first = make_organisation(uow, area_codes=(district.codes["street_a"],))
    second = make_organisation(uow, "另一个", area_codes=(district.codes["street_a"],))
    code = client.get(f"/api/v1/organisations/{first}", headers=login("admin")).json["credit_code"]
    response = client.patch(
        f"/api/v1/organisations/{second}", json={"credit_code": code, "name": "新名"}, headers=login("admin")
    )
    assert response.status_code == 409
    assert client.get(f"/api/v1/organisations/{second}", headers=login("admin")).json["name"] == "另一个"


def test_the_list_is_paged(client: FlaskClient, district: District, login: Login, uow: UnitOfWork) -> None:
    ids = [make_organisation(uow, f"站{i}", area_codes=(district.codes["street_a"],)) for i in range(3)]
    first = client.get("/api/v1/organisations?limit=2", headers=login("sup_a")).json
    assert [o["id"] for o in first["items"]] == ids[:2]
    rest = client.get(
        f"/api/v1/organisations?limit=2&cursor={first['next_cursor']}", headers=login("sup_a")
    ).json
    assert [o["id"] for o in rest["items"]] == ids[2:]
    assert rest["next_cursor"] is None
