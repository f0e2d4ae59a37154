"""Visitors and coordinators through every endpoint (issue 19).

A volunteer of street A's social-work station is paired with elder_a1 and planned to visit them today; the
grid workers' people (elder_a2 in grid A2, elder_b1 in street B) are not theirs. The station's coordinator
manages its staff; street B's care provider has its own visitor. A volunteer sees exactly their people, and
of each only what a visit needs; a coordinator sees their organisation's staff and nothing of the register;
outside a scope a record answers 404 exactly like a missing one, a role that never may answers 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.api.conftest import Headers
from tests.factories import District, make_plan
from tests.fieldwork import at, ok_findings, set_elder, visit_body
from tests.partner_factories import make_coordinator, make_organisation, make_pairing, make_visitor
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import Appointment, AuditEntry, OrganisationKind, VisitKind, VisitorKind, VisitRecord

Login = Callable[[str], Headers]
TODAY = date(2026, 11, 25)  # tests.conftest.NOW
MISSING = 999_999
# Everything a visitor gets of a person, and nothing else (docs/adr/0031-what-a-visitor-sees.md).
VISIT_FIELDS = {
    "id", "name", "id_number", "sex", "age", "phone", "address", "lon", "lat", "location_verified",
    "categories", "notes", "masked",
}  # fmt: skip
REGISTER_ONLY = {
    "birth_date", "birth_year", "emergency_contact", "emergency_phone", "ability_level", "disability_grade",
    "status", "status_since", "grid_code", "grid_name", "willingness", "preferred_start", "preferred_end",
    "created_at", "updated_at", "version",
}  # fmt: skip


@dataclass
class Team:
    d: District
    station: int
    vol: int
    coord: int
    staff_b: int
    mine: int  # the volunteer's planned visit of elder_a1 today
    colleague: int  # w_a2's planned visit of elder_a2 today


@pytest.fixture
def team(district: District, uow: UnitOfWork) -> Team:
    d = district
    street_a, street_b = d.codes["street_a"], d.codes["street_b"]
    station = make_organisation(uow, "北山社工站", area_codes=(street_a,))
    care_b = make_organisation(
        uow, "西溪养老服务中心", area_codes=(street_b,), kind=OrganisationKind.CARE_PROVIDER
    )
    vol = make_visitor(uow, "vol", organisation_id=station, area_code=street_a, kind=VisitorKind.VOLUNTEER)
    coord = make_coordinator(uow, "coord", organisation_id=station, area_code=street_a)
    staff_b = make_visitor(
        uow, "staff_b", organisation_id=care_b, area_code=street_b, kind=VisitorKind.SERVICE_STAFF
    )
    make_pairing(uow, d.elders["elder_a1"], visitor_id=vol, first_day=date(2026, 11, 1))
    make_pairing(uow, d.elders["elder_b1"], visitor_id=staff_b, first_day=date(2026, 11, 1))
    set_elder(
        uow, d.elders["elder_a1"], phone="13911112222", emergency_contact="王女儿",
        emergency_phone="13833334444", notes="耳背，敲门要大声",
    )  # fmt: skip
    mine, colleague = make_plan(
        uow,
        "2026-11",
        [
            (d.elders["elder_a1"], vol, TODAY, VisitKind.HOME),
            (d.elders["elder_a2"], d.accounts["w_a2"], TODAY, VisitKind.HOME),
        ],
    )
    return Team(d, station, vol, coord, staff_b, mine, colleague)


def records(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(VisitRecord)) or 0)


# -- a volunteer: exactly their people ---------------------------------------------------------------------


def test_a_volunteer_lists_only_their_people(client: FlaskClient, team: Team, login: Login) -> None:
    items = client.get("/api/v1/elders", headers=login("vol")).json["items"]
    assert [item["id"] for item in items] == [team.d.elders["elder_a1"]]


@pytest.mark.parametrize("other", ["elder_a2", "elder_b1"])
def test_anyone_else_is_not_found_like_a_missing_person(
    client: FlaskClient, team: Team, login: Login, other: str
) -> None:
    outside = client.get(f"/api/v1/elders/{team.d.elders[other]}", headers=login("vol"))
    missing = client.get(f"/api/v1/elders/{MISSING}", headers=login("vol"))
    assert (outside.status_code, outside.json) == (404, missing.json)


def test_a_volunteer_gets_only_what_a_visit_needs(client: FlaskClient, team: Team, login: Login) -> None:
    person = client.get(f"/api/v1/elders/{team.d.elders['elder_a1']}", headers=login("vol")).json
    assert set(person) == VISIT_FIELDS
    assert not REGISTER_ONLY & set(person)
    assert "*" in person["id_number"]
    assert person["phone"] != "13911112222"  # masked here: shown, audited, on their route
    assert person["notes"] == "耳背，敲门要大声"
    listed = client.get("/api/v1/elders", headers=login("vol")).json["items"][0]
    assert listed == person


def test_a_grid_worker_still_gets_the_register_entry(client: FlaskClient, team: Team, login: Login) -> None:
    person = client.get(f"/api/v1/elders/{team.d.elders['elder_a1']}", headers=login("w_a1")).json
    assert set(person) >= REGISTER_ONLY


@pytest.mark.parametrize(
    "query", ["unmask=true", "ability_level=severe", "status=active", "id_number=330106194005170032"]
)
def test_a_volunteer_may_not_unmask_nor_filter_by_what_they_do_not_see(
    client: FlaskClient, team: Team, login: Login, query: str
) -> None:
    response = client.get(f"/api/v1/elders?{query}", headers=login("vol"))
    assert response.status_code in (403, 422), response.json  # id_number: no such query field at all
    if query == "unmask=true":
        one = client.get(f"/api/v1/elders/{team.d.elders['elder_a1']}?unmask=true", headers=login("vol"))
        assert one.status_code == 403


def test_their_route_shows_the_phone_audited_and_no_emergency_contact(
    client: FlaskClient, team: Team, login: Login, uow: UnitOfWork
) -> None:
    route = client.get("/api/v1/me/route", headers=login("vol")).json
    assert [s["visit_id"] for s in route["stops"]] == [team.mine]
    elder = route["stops"][0]["elder"]
    assert elder["phone"] == "13911112222"
    assert elder["emergency_contact"] is None
    assert elder["ability_level"] is None
    assert "*" in elder["id_number"]
    with uow:
        actions = set(uow.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == team.vol)))
    assert actions == {"route.phone_shown"}


def test_a_grid_worker_route_keeps_the_emergency_contact(
    client: FlaskClient, team: Team, login: Login, uow: UnitOfWork
) -> None:
    make_plan(uow, "2026-11", [(team.d.elders["elder_a1"], team.d.accounts["w_a1"], TODAY, VisitKind.HOME)])
    elder = client.get("/api/v1/me/route", headers=login("w_a1")).json["stops"][0]["elder"]
    assert elder["emergency_contact"] == {"name": "王女儿", "phone": "13833334444"}


def test_what_they_owe_is_of_their_people_only(client: FlaskClient, team: Team, login: Login) -> None:
    response = client.get("/api/v1/me/owed", headers=login("vol"))
    assert response.status_code == 200, response.json
    assert {item["elder_id"] for item in response.json["items"]} == {team.d.elders["elder_a1"]}


def test_a_volunteer_records_their_own_visit(
    client: FlaskClient, team: Team, login: Login, uow: UnitOfWork
) -> None:
    body = visit_body(planned_visit_id=team.mine, start=at(TODAY, 9), findings=ok_findings())
    response = client.post("/api/v1/visits", json=body, headers=login("vol"))
    assert response.status_code == 201, response.json
    assert client.get(f"/api/v1/visits/{response.json['id']}", headers=login("vol")).status_code == 200
    assert client.get(f"/api/v1/visits/{response.json['id']}", headers=login("w_a1")).status_code == 404


@pytest.mark.parametrize("whose", ["another_person", "another_workers_visit"])
def test_a_visit_of_someone_else_is_not_found_and_nothing_is_written(
    client: FlaskClient, team: Team, login: Login, uow: UnitOfWork, whose: str
) -> None:
    start = at(TODAY, 9)
    if whose == "another_person":
        body, missing = (
            visit_body(elder_id=team.d.elders["elder_b1"], start=start),
            visit_body(elder_id=MISSING, start=start),
        )
    else:
        body, missing = (
            visit_body(planned_visit_id=team.colleague, start=start),
            visit_body(planned_visit_id=MISSING, start=start),
        )
    response = client.post("/api/v1/visits", json=body, headers=login("vol"))
    expected = client.post("/api/v1/visits", json=missing, headers=login("vol"))
    assert (response.status_code, response.json) == (404, expected.json)
    synced = client.post("/api/v1/me/sync", json={"records": [body, missing]}, headers=login("vol")).json
    outside, nowhere = synced["results"]
    assert outside["status"] == nowhere["status"] == "rejected"
    assert outside["errors"] == nowhere["errors"]
    assert records(uow) == 0


def test_a_synced_outcome_of_their_own_person_is_stored(
    client: FlaskClient, team: Team, login: Login, uow: UnitOfWork
) -> None:
    mine = visit_body(planned_visit_id=team.mine, start=at(TODAY, 9), findings=ok_findings())
    elsewhere = visit_body(elder_id=team.d.elders["elder_a2"], start=at(TODAY, 10))
    response = client.post("/api/v1/me/sync", json={"records": [mine, elsewhere]}, headers=login("vol"))
    assert [r["status"] for r in response.json["results"]] == ["created", "rejected"]
    with uow:
        stored = list(uow.session.execute(select(VisitRecord.elder_id, VisitRecord.worker_id)))
    assert [tuple(r) for r in stored] == [(team.d.elders["elder_a1"], team.vol)]


def test_an_appointment_with_someone_else_is_not_found(
    client: FlaskClient, team: Team, login: Login, uow: UnitOfWork
) -> None:
    def booking(elder_id: int) -> dict[str, Any]:
        return {"client_id": str(uuid.uuid4()), "elder_id": elder_id, "day": "2026-11-26",
                "window_start": "09:00", "window_end": "10:30"}  # fmt: skip

    outside = client.post(
        "/api/v1/appointments", json=booking(team.d.elders["elder_a2"]), headers=login("vol")
    )
    assert outside.status_code == 404
    own = client.post("/api/v1/appointments", json=booking(team.d.elders["elder_a1"]), headers=login("vol"))
    assert own.status_code == 201, own.json
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_the_app_is_told_who_is_logged_in_and_as_what(client: FlaskClient, team: Team, login: Login) -> None:
    me = client.get("/api/v1/me", headers=login("vol")).json
    assert (me["role"], me["kind"], me["organisation"]) == ("visitor", "volunteer", "北山社工站")
    grid_worker = client.get("/api/v1/me", headers=login("w_a1")).json
    assert (grid_worker["kind"], grid_worker["organisation"]) == ("grid_worker", None)


# -- register endpoints: 403 to a role that never may ------------------------------------------------------

REGISTER_READS = [
    "/api/v1/elders/{elder}/history",
    "/api/v1/areas",
    "/api/v1/plans?month=2026-11",
    "/api/v1/plans/2026-11/shortfall",
    "/api/v1/coverage?month=2026-11",
    "/api/v1/missed?month=2026-11",
    "/api/v1/workers/{worker}/absences",
    "/api/v1/flags",
    "/api/v1/reports/monthly.xlsx?month=2026-11",
    "/api/v1/audit",
]
FIELD_WORK = ["/api/v1/me/route", "/api/v1/me/owed", "/api/v1/me/call-ahead", "/api/v1/appointments"]
PEOPLE = ["/api/v1/elders", "/api/v1/elders/{elder}"]


def _url(template: str, team: Team) -> str:
    return template.format(elder=team.d.elders["elder_a1"], worker=team.vol)


@pytest.mark.parametrize("template", [*REGISTER_READS, "/api/v1/workers", "/api/v1/workers/{worker}"])
def test_the_register_is_not_a_volunteers(
    client: FlaskClient, team: Team, login: Login, template: str
) -> None:
    response = client.get(_url(template, team), headers=login("vol"))
    assert response.status_code == 403, response.get_data(as_text=True)


@pytest.mark.parametrize("template", [*REGISTER_READS, *FIELD_WORK, *PEOPLE])
def test_a_coordinator_sees_nothing_of_the_register_nor_of_field_work(
    client: FlaskClient, team: Team, login: Login, template: str
) -> None:
    response = client.get(_url(template, team), headers=login("coord"))
    assert response.status_code == 403, response.get_data(as_text=True)


def test_a_coordinator_cannot_record_or_sync_a_visit(
    client: FlaskClient, team: Team, login: Login, uow: UnitOfWork
) -> None:
    body = visit_body(elder_id=team.d.elders["elder_a1"], start=at(TODAY, 9))
    assert client.post("/api/v1/visits", json=body, headers=login("coord")).status_code == 403
    assert client.post("/api/v1/me/sync", json={"records": [body]}, headers=login("coord")).status_code == 403
    assert records(uow) == 0


# -- a coordinator: their organisation's staff -------------------------------------------------------------


def test_a_coordinator_lists_their_organisation_staff_only(
    client: FlaskClient, team: Team, login: Login
) -> None:
    items = client.get("/api/v1/workers", headers=login("coord")).json["items"]
    assert {w["account"] for w in items} == {"vol", "coord"}


@pytest.mark.parametrize("other", ["staff_b", "w_a1", "sup_a"])
def test_anyone_outside_their_organisation_is_not_found(
    client: FlaskClient, team: Team, login: Login, other: str
) -> None:
    worker_id = team.staff_b if other == "staff_b" else team.d.accounts[other]
    outside = client.get(f"/api/v1/workers/{worker_id}", headers=login("coord"))
    missing = client.get(f"/api/v1/workers/{MISSING}", headers=login("coord"))
    assert (outside.status_code, outside.json) == (404, missing.json)
    assert client.get(f"/api/v1/workers/{team.vol}", headers=login("coord")).status_code == 200


def test_a_coordinator_changes_no_one(client: FlaskClient, team: Team, login: Login) -> None:
    response = client.patch(f"/api/v1/workers/{team.vol}", json={"name": "新名字"}, headers=login("coord"))
    assert response.status_code == 403


# -- supervisors: unchanged, and the visitors filed under their area ---------------------------------------


def test_supervisors_see_the_visitors_filed_under_their_area(
    client: FlaskClient, team: Team, login: Login
) -> None:
    listed = {w["account"] for w in client.get("/api/v1/workers", headers=login("sup_a")).json["items"]}
    assert {"vol", "coord"} <= listed
    assert "staff_b" not in listed
    assert client.get(f"/api/v1/workers/{team.vol}", headers=login("sup_b")).status_code == 404
    assert client.get(f"/api/v1/workers/{team.staff_b}", headers=login("sup_b")).status_code == 200


def test_a_supervisor_still_sees_the_paired_person_in_full(
    client: FlaskClient, team: Team, login: Login
) -> None:
    person = client.get(f"/api/v1/elders/{team.d.elders['elder_a1']}", headers=login("sup_a")).json
    assert person["emergency_contact"] == "王女儿"


def test_a_volunteer_reports_their_own_sick_day(
    client: FlaskClient, team: Team, login: Login, uow: UnitOfWork
) -> None:
    sick = {"first_day": "2026-11-26", "last_day": "2026-11-27", "kind": "sick"}
    response = client.post("/api/v1/me/absences", json=sick, headers=login("vol"))
    assert response.status_code == 201, response.json
    assert response.json["worker_id"] == team.vol
    desk = client.post("/api/v1/me/absences", json=sick, headers=login("coord"))
    assert desk.status_code == 422, "a coordinator, like a supervisor, has no route to be away from"
