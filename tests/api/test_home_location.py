"""Where the home is: a position typed into the 台账 is a guess until a home visit stands at it (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.api.test_ledger import csv_of, row, upload
from tests.factories import District
from tests.fieldwork import HOME, at, set_elder, visit_body
from visitsvc.field.home_location import LOCATION_VERIFIED
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import AuditEntry, Elder, VisitFlag

Login = Callable[[str], Headers]
TODAY = date(2026, 11, 25)
METRE = 1 / 111_320  # degrees of latitude per metre, near enough
AT_THE_DOOR = {"lon": HOME[0], "lat": HOME[1] + 30 * METRE, "accuracy_m": 10}
A_KILOMETRE_AWAY = {"lon": HOME[0], "lat": HOME[1] + 1000 * METRE, "accuracy_m": 10}


def verified(uow: UnitOfWork, elder_id: int) -> bool:
    with uow:
        return bool(uow.session.scalar(select(Elder.location_verified).where(Elder.id == elder_id)))


def verifications(uow: UnitOfWork, elder_id: int) -> list[AuditEntry]:
    with uow:
        query = select(AuditEntry).where(
            AuditEntry.action == LOCATION_VERIFIED, AuditEntry.record_id == str(elder_id)
        )
        entries = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return entries


def a_guess(uow: UnitOfWork, district: District) -> int:
    """elder_a1, registered at HOME with that position not yet confirmed."""
    elder = district.elders["elder_a1"]
    set_elder(uow, elder, location_verified=False)
    return elder


def visit(client: FlaskClient, login: Login, elder: int, location: dict[str, Any], **extra: Any) -> Any:
    body = visit_body(elder_id=elder, start=at(TODAY, 9), location=location, **extra)
    response = client.post("/api/v1/visits", json=body, headers=login("w_a1"))
    assert response.status_code == 201, response.json
    return response.json


def test_imported_positions_start_unverified_and_a_reimport_keeps_a_confirmed_one(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    content = csv_of([row(district.codes["grid_a1"], 姓名="钱阿公")])
    assert upload(client, login("sup_a"), content).status_code == 200
    (person,) = client.get("/api/v1/elders", query_string={"q": "钱阿公"}, headers=login("sup_a")).json[
        "items"
    ]
    assert (person["lon"], person["lat"], person["location_verified"]) == (120.1401, 30.2651, False)
    set_elder(uow, person["id"], location_verified=True)  # confirmed since by a visit
    again = upload(client, login("sup_a"), content)
    assert again.json["unchanged"] == 1, again.json
    assert verified(uow, person["id"])


def test_a_registered_or_corrected_position_is_a_guess_again(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = district.elders["elder_a1"]
    assert verified(uow, elder)
    url = f"/api/v1/elders/{elder}"
    same_place = client.patch(url, json={"address": "桂花苑3幢2单元302室"}, headers=login("sup_a"))
    assert (same_place.status_code, same_place.json["location_verified"]) == (200, True)
    moved = client.patch(url, json={"lon": 120.1301, "lat": 30.2851}, headers=login("sup_a"))
    assert (moved.status_code, moved.json["location_verified"]) == (200, False)
    with uow:
        details = uow.session.scalars(
            select(AuditEntry.details)
            .where(AuditEntry.action == "elder.update", AuditEntry.record_id == str(elder))
            .order_by(AuditEntry.id.desc())
        ).first()
    assert details is not None
    assert details["changes"]["location_verified"] == [True, False]


def test_a_good_home_visit_at_the_door_verifies_the_home_as_the_system_with_one_entry(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = a_guess(uow, district)
    recorded = visit(client, login, elder, AT_THE_DOOR)
    assert (recorded["flags"], recorded["counts"]) == ([], True)
    assert verified(uow, elder)
    (entry,) = verifications(uow, elder)
    with uow:
        grid_path = uow.elders.by_ids([elder])[elder].grid.path  # filed where the grid's supervisors read
    assert (entry.actor_id, entry.record_type, entry.area_path) == (None, "elder", grid_path)
    assert entry.details["visit_id"] == recorded["id"]
    assert entry.details["changes"] == {"location_verified": [False, True]}
    assert not {"lon", "lat"} & set(entry.details), "no coordinates in the audit log"
    visit(client, login, elder, AT_THE_DOOR)  # a later visit finds it verified already
    assert len(verifications(uow, elder)) == 1


def test_a_good_fix_far_from_the_registered_home_proposes_its_position_and_verifies_nothing(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = a_guess(uow, district)
    recorded = visit(client, login, elder, A_KILOMETRE_AWAY)
    assert recorded["flags"] == ["location_proposed"]
    assert 990 < recorded["distance_m"] < 1010
    assert not verified(uow, elder)
    assert verifications(uow, elder) == []
    with uow:
        (flag,) = uow.session.scalars(select(VisitFlag).where(VisitFlag.elder_id == elder))
        assert (flag.detail["lon"], flag.detail["lat"]) == (A_KILOMETRE_AWAY["lon"], A_KILOMETRE_AWAY["lat"])


def test_a_visit_that_did_not_meet_the_person_confirms_nothing_and_a_vague_fix_neither(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = a_guess(uow, district)
    nobody_home = visit(client, login, elder, AT_THE_DOOR, outcome="not_home", minutes=2)
    assert nobody_home["flags"] == [], "the fix agrees with the register: nothing to propose"
    vague = visit(client, login, elder, {**AT_THE_DOOR, "accuracy_m": 80})  # met, but where exactly?
    assert vague["flags"] == []
    assert not verified(uow, elder)
    assert verifications(uow, elder) == []


def test_a_record_replayed_or_synced_again_verifies_once(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = a_guess(uow, district)
    body = visit_body(elder_id=elder, start=at(TODAY, 9), location=AT_THE_DOOR)
    synced = client.post("/api/v1/me/sync", json={"records": [body, body]}, headers=login("w_a1"))
    assert [r["status"] for r in synced.json["results"]] == ["created", "duplicate"]
    replayed = client.post("/api/v1/visits", json=body, headers=login("w_a1"))
    assert replayed.status_code == 200
    set_elder(uow, elder, location_verified=False)  # even were it a guess again, a replay is not a visit
    again = client.post("/api/v1/me/sync", json={"records": [body]}, headers=login("w_a1"))
    assert [r["status"] for r in again.json["results"]] == ["duplicate"]
    assert not verified(uow, elder)
    assert len(verifications(uow, elder)) == 1


def test_a_home_moved_after_the_visit_was_checked_is_not_verified_by_it(
    district: District, uow: UnitOfWork
) -> None:
    elder = a_guess(uow, district)
    set_elder(uow, elder, lon=120.1301, lat=30.2851)  # a supervisor moved it in between
    with uow:
        assert not uow.elders.verify_location(elder, lon=HOME[0], lat=HOME[1], at=uow.clock.now())
        uow.commit()
    with uow:
        assert uow.elders.verify_location(elder, lon=120.1301, lat=30.2851, at=uow.clock.now())
        assert not uow.elders.verify_location(elder, lon=120.1301, lat=30.2851, at=uow.clock.now())
        uow.commit()
    assert verified(uow, elder)
