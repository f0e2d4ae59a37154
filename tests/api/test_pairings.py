"""POST/GET /api/v1/pairings and POST /api/v1/pairings/{id}/end: 结对帮扶 through the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import District
from tests.partner_factories import make_coordinator, make_organisation, make_pairing, make_visitor
from visitsvc.infrastructure.uow import UnitOfWork

Login = Callable[[str], Headers]


@pytest.fixture
def station(district: District, uow: UnitOfWork) -> int:
    return make_organisation(uow, area_codes=(district.codes["district"],))


@pytest.fixture
def social_worker(district: District, uow: UnitOfWork, station: int) -> int:
    return make_visitor(uow, "sw_a", organisation_id=station, area_code=district.codes["street_a"])


def test_a_supervisor_pairs_a_person_with_a_visitor_and_ends_it(
    client: FlaskClient, district: District, login: Login, station: int, social_worker: int
) -> None:
    elder = district.elders["elder_a1"]
    created = client.post(
        "/api/v1/pairings", json={"elder_id": elder, "visitor_id": social_worker, "first_day": "2026-11-01"},
        headers=login("sup_a"),
    )  # fmt: skip
    assert created.status_code == 201, created.json
    assert created.json["organisation_id"] == station
    assert created.json["last_day"] is None
    ended = client.post(f"/api/v1/pairings/{created.json['id']}/end", json={}, headers=login("sup_a"))
    assert ended.status_code == 200, ended.json
    assert ended.json["last_day"] == "2026-11-25"  # today (the tests' clock)
    assert ended.json["ended_by"] == district.accounts["sup_a"]


def test_a_period_backwards_is_named(
    client: FlaskClient, district: District, login: Login, social_worker: int
) -> None:
    response = client.post(
        "/api/v1/pairings",
        json={"elder_id": district.elders["elder_a1"], "visitor_id": social_worker, "first_day": "2026-12-01",
              "last_day": "2026-11-30"},
        headers=login("sup_a"),
    )  # fmt: skip
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["last_day"]


def test_an_overlapping_pairing_is_a_conflict(
    client: FlaskClient, district: District, login: Login, station: int, social_worker: int, uow: UnitOfWork
) -> None:
    elder = district.elders["elder_a1"]
    make_pairing(
        uow, elder, organisation_id=station, first_day=date(2026, 12, 1), last_day=date(2026, 12, 31)
    )
    response = client.post(
        "/api/v1/pairings", json={"elder_id": elder, "visitor_id": social_worker, "first_day": "2026-12-31"},
        headers=login("sup_a"),
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json["code"] == "pairing_overlaps"


def test_a_person_outside_the_callers_scope_is_not_found(
    client: FlaskClient, district: District, login: Login, social_worker: int, uow: UnitOfWork
) -> None:
    response = client.post(
        "/api/v1/pairings",
        json={"elder_id": district.elders["elder_b1"], "visitor_id": social_worker,
              "first_day": "2026-12-01"},
        headers=login("sup_a"),
    )  # fmt: skip
    assert response.status_code == 404
    theirs = make_pairing(
        uow, district.elders["elder_b1"], visitor_id=social_worker, first_day=date(2026, 12, 1)
    )
    assert client.post(f"/api/v1/pairings/{theirs}/end", json={}, headers=login("sup_a")).status_code == 404
    listed = client.get(f"/api/v1/pairings?elder_id={district.elders['elder_b1']}", headers=login("sup_a"))
    assert listed.json["items"] == []


@pytest.mark.parametrize("account", ["w_a1", "sw_a", "coord"])
def test_grid_workers_visitors_and_coordinators_may_not_pair(
    client: FlaskClient, district: District, login: Login, station: int, social_worker: int, uow: UnitOfWork,
    account: str,
) -> None:  # fmt: skip
    make_coordinator(uow, "coord", organisation_id=station, area_code=district.codes["street_a"])
    pairing = make_pairing(
        uow, district.elders["elder_a1"], visitor_id=social_worker, first_day=date(2026, 12, 1)
    )
    response = client.post(
        "/api/v1/pairings",
        json={"elder_id": district.elders["elder_a2"], "visitor_id": social_worker,
              "first_day": "2026-12-01"},
        headers=login(account),
    )  # fmt: skip
    assert response.status_code == 403
    assert client.post(f"/api/v1/pairings/{pairing}/end", json={}, headers=login(account)).status_code == 403


def test_lists_by_person_visitor_and_organisation_and_a_coordinator_sees_only_their_own(
    client: FlaskClient, district: District, login: Login, station: int, social_worker: int, uow: UnitOfWork
) -> None:
    other = make_organisation(uow, "另一机构", area_codes=(district.codes["district"],))
    make_coordinator(uow, "coord", organisation_id=station, area_code=district.codes["street_a"])
    mine = make_pairing(
        uow, district.elders["elder_a1"], visitor_id=social_worker, first_day=date(2026, 11, 1)
    )
    by_org = make_pairing(
        uow, district.elders["elder_a2"], organisation_id=station, first_day=date(2026, 11, 1)
    )
    theirs = make_pairing(
        uow, district.elders["elder_b1"], organisation_id=other, first_day=date(2026, 11, 1)
    )

    def ids(query: str, account: str = "admin") -> list[int]:
        response = client.get(f"/api/v1/pairings{query}", headers=login(account))
        assert response.status_code == 200, response.json
        return [p["id"] for p in response.json["items"]]

    assert ids("") == [mine, by_org, theirs]
    assert ids(f"?elder_id={district.elders['elder_a2']}") == [by_org]
    assert ids(f"?visitor_id={social_worker}") == [mine]
    assert ids(f"?organisation_id={station}") == [mine, by_org]
    assert ids("", "sup_a") == [mine, by_org]
    assert ids("", "coord") == [mine, by_org]
    assert ids(f"?organisation_id={other}", "coord") == []
    assert client.get("/api/v1/pairings", headers=login("w_a1")).status_code == 403
