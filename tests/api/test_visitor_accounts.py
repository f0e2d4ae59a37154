"""Visitor and coordinator accounts (issue 19) through /api/v1/workers: a supervisor of the area creates them
like grid workers; a visitor has a kind, perhaps an organisation and working weekdays; a coordinator an
organisation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.factories import District
from tests.partner_factories import make_coordinator, make_organisation, make_visitor
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import AuditEntry

Login = Callable[[str], Headers]


@pytest.fixture
def station(district: District, uow: UnitOfWork) -> int:
    return make_organisation(uow, area_codes=(district.codes["street_a"],))


def visitor(district: District, **overrides: object) -> dict[str, object]:
    return {
        "account": "sw_new", "name": "刘社工", "role": "visitor", "visitor_kind": "social_worker",
        "area_code": district.codes["street_a"], "work_weekdays": "531", "visit_minutes_per_day": 180,
        "travel_mode": "walk", "start_lon": 120.13, "start_lat": 30.27, **overrides,
    }  # fmt: skip


def test_a_supervisor_creates_a_social_worker_of_an_organisation(
    client: FlaskClient, district: District, login: Login, station: int, uow: UnitOfWork
) -> None:
    response = client.post(
        "/api/v1/workers", json=visitor(district, organisation_id=station), headers=login("sup_a")
    )
    assert response.status_code == 201, response.json
    assert (response.json["role"], response.json["visitor_kind"], response.json["organisation_id"]) == (
        "visitor", "social_worker", station,
    )  # fmt: skip
    assert response.json["work_weekdays"] == "135"
    assert response.json["grid_codes"] == []
    with uow:
        worker = uow.workers.find_by_account("sw_new")
        assert worker is not None
        assert worker.weekdays == frozenset({1, 3, 5})
        entry = uow.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "worker.create", AuditEntry.record_id == str(worker.id)
            )
        ).one()
        assert entry.details["changes"]["visitor_kind"] == [None, "social_worker"]


def test_an_independent_volunteer_needs_no_organisation(
    client: FlaskClient, district: District, login: Login
) -> None:
    data = visitor(district, account="vol_new", visitor_kind="volunteer", work_weekdays=None)
    response = client.post("/api/v1/workers", json=data, headers=login("sup_a"))
    assert response.status_code == 201, response.json
    assert response.json["organisation_id"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"visitor_kind": None}, "visitor_kind"),
        ({"visitor_kind": "grid_worker"}, "visitor_kind"),
        ({"work_weekdays": "18"}, "work_weekdays"),
        ({"work_weekdays": "113"}, "work_weekdays"),
        ({"area_code": None}, "area_code"),
        ({"grid_codes": ["330106001001001"]}, "grid_codes"),
        ({"role": "coordinator", "visitor_kind": None, "work_weekdays": None}, "organisation_id"),
        ({"role": "grid_worker", "grid_codes": ["330106001001001"], "area_code": None}, "visitor_kind"),
    ],
)
def test_a_bad_field_is_named(
    client: FlaskClient, district: District, login: Login, overrides: dict[str, object], field: str
) -> None:
    response = client.post("/api/v1/workers", json=visitor(district, **overrides), headers=login("sup_a"))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_an_organisation_the_supervisor_does_not_see_is_refused(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    west = make_organisation(uow, "西溪社工站", area_codes=(district.codes["street_b"],))
    response = client.post(
        "/api/v1/workers", json=visitor(district, organisation_id=west), headers=login("sup_a")
    )
    assert response.status_code == 422
    assert "organisation_id" in response.json["errors"]


def test_a_supervisor_creates_a_coordinator_but_still_no_supervisor(
    client: FlaskClient, district: District, login: Login, station: int
) -> None:
    coordinator = {
        "account": "coord_new", "name": "陈协调", "role": "coordinator", "organisation_id": station,
        "area_code": district.codes["street_a"],
    }  # fmt: skip
    response = client.post("/api/v1/workers", json=coordinator, headers=login("sup_a"))
    assert response.status_code == 201, response.json
    assert response.json["visitor_kind"] is None
    supervisor = {
        "account": "sup_new",
        "name": "新督导",
        "role": "supervisor",
        "area_code": district.codes["street_a"],
    }
    assert client.post("/api/v1/workers", json=supervisor, headers=login("sup_a")).status_code == 403


def test_an_update_changes_the_profile_and_a_grid_worker_stays_as_they_were(
    client: FlaskClient, district: District, login: Login, station: int, uow: UnitOfWork
) -> None:
    volunteer = make_visitor(
        uow, "vol_a", organisation_id=None, area_code=district.codes["street_a"],
    )  # fmt: skip
    response = client.patch(
        f"/api/v1/workers/{volunteer}",
        json={"organisation_id": station, "visitor_kind": "service_staff", "work_weekdays": "67"},
        headers=login("sup_a"),
    )
    assert response.status_code == 200, response.json
    changed = response.json
    assert (changed["organisation_id"], changed["visitor_kind"], changed["work_weekdays"]) == (
        station, "service_staff", "67",
    )  # fmt: skip
    grid_worker = client.get(f"/api/v1/workers/{district.accounts['w_a1']}", headers=login("sup_a")).json
    assert (grid_worker["visitor_kind"], grid_worker["organisation_id"], grid_worker["work_weekdays"]) == (
        None, None, None,
    )  # fmt: skip
    grid_patch = client.patch(
        f"/api/v1/workers/{district.accounts['w_a1']}", json={"work_weekdays": "135"}, headers=login("sup_a")
    )
    assert grid_patch.status_code == 422


def test_a_coordinator_lists_their_own_organisations_staff_only(
    client: FlaskClient, district: District, login: Login, station: int, uow: UnitOfWork
) -> None:
    other = make_organisation(uow, "另一机构", area_codes=(district.codes["street_a"],))
    make_coordinator(uow, "coord", organisation_id=station, area_code=district.codes["street_a"])
    mine = make_visitor(uow, "sw_mine", organisation_id=station, area_code=district.codes["street_a"])
    theirs = make_visitor(uow, "sw_theirs", organisation_id=other, area_code=district.codes["street_a"])
    listed = client.get("/api/v1/workers", headers=login("coord"))
    assert listed.status_code == 200, listed.json
    assert sorted(w["account"] for w in listed.json["items"]) == ["coord", "sw_mine"]
    assert client.get(f"/api/v1/workers/{mine}", headers=login("coord")).status_code == 200
    assert client.get(f"/api/v1/workers/{theirs}", headers=login("coord")).status_code == 404


def test_a_new_role_drops_what_belonged_to_the_old_one(
    client: FlaskClient, district: District, login: Login, station: int, uow: UnitOfWork
) -> None:
    social = make_visitor(
        uow, "sw_a", organisation_id=station, area_code=district.codes["street_a"], weekdays="135"
    )
    to_grid = client.patch(
        f"/api/v1/workers/{social}", json={"role": "grid_worker", "grid_codes": [district.codes["grid_a1"]]},
        headers=login("sup_a"),
    )  # fmt: skip
    assert to_grid.status_code == 200, to_grid.json
    assert (to_grid.json["visitor_kind"], to_grid.json["organisation_id"], to_grid.json["work_weekdays"]) == (
        None, None, None,
    )  # fmt: skip
    back = client.patch(
        f"/api/v1/workers/{social}",
        json={"role": "visitor", "visitor_kind": "volunteer"},
        headers=login("sup_a"),
    )
    assert back.status_code == 422  # filed under no area: a visitor needs one
    back = client.patch(
        f"/api/v1/workers/{social}",
        json={"role": "visitor", "visitor_kind": "volunteer", "area_code": district.codes["street_a"]},
        headers=login("sup_a"),
    )
    assert back.status_code == 200, back.json
    assert (back.json["grid_codes"], back.json["visitor_kind"]) == ([], "volunteer")
