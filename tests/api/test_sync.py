"""POST /me/sync: a phone's offline records, each one answered and stored on its own."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from api.schemas.visits import SyncRecordSchema
from tests.api.conftest import Headers
from tests.conftest import NOW
from tests.factories import District
from tests.fieldwork import at, ok_findings, plan_day, visit_body
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import VisitRecord

Login = Callable[[str], Headers]
TODAY = date(2026, 11, 25)
URL = "/api/v1/me/sync"


def stored(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(VisitRecord)) or 0)


def test_every_record_gets_its_own_answer_in_order(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    (planned,) = plan_day(
        uow, worker_id=district.accounts["w_a1"], day=TODAY, elder_ids=[district.elders["elder_a1"]]
    )
    kept = visit_body(planned_visit_id=planned, start=at(TODAY, 9), findings=ok_findings())
    client.post("/api/v1/visits", json=kept, headers=login("w_a1"))
    new = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 8))
    reused = {**kept, "outcome": "not_home"}
    broken = {**visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9)), "kind": "telepathy"}
    future = visit_body(elder_id=district.elders["elder_a1"], start=NOW + timedelta(hours=2))
    elsewhere = visit_body(elder_id=district.elders["elder_b1"], start=at(TODAY, 9))
    not_even_an_object = ["x"]
    records = [new, kept, reused, broken, future, elsewhere, not_even_an_object, new]
    response = client.post(URL, json={"records": records}, headers=login("w_a1"))
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert [r["status"] for r in results] == [
        "created", "duplicate", "conflict", "rejected", "rejected", "rejected", "rejected", "duplicate",
    ]  # fmt: skip
    assert [r["client_id"] for r in results[:6]] == [
        r["client_id"] for r in [new, kept, reused, broken, future, elsewhere]
    ]
    assert list(results[3]["errors"]) == ["kind"]
    assert sorted(results[4]["errors"]) == ["ended_at", "started_at"]
    assert list(results[5]["errors"]) == ["elder_id"]
    assert results[6]["client_id"] is None
    assert results[0]["visit_id"] == results[7]["visit_id"]
    assert stored(uow) == 2


def test_late_records_count_in_the_month_they_started(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    last_month = visit_body(elder_id=district.elders["elder_a1"], start=at(date(2026, 10, 30), 15))
    created = client.post(URL, json={"records": [last_month]}, headers=login("w_a1")).json["results"][0]
    visit = client.get(f"/api/v1/visits/{created['visit_id']}", headers=login("w_a1")).json
    # 25 November is past 10 November: kept, but in quarantine for a supervisor.
    assert (visit["month"], visit["state"]) == ("2026-10", "quarantined")


def test_a_malformed_envelope_is_422_and_stores_nothing(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    one = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9))
    for body in ({}, {"records": one}, {"records": [one], "extra": 1}, {"records": [one] * 201}):
        response = client.post(URL, json=body, headers=login("w_a1"))
        assert response.status_code == 422, body
        assert "records" in response.json["errors"] or "extra" in response.json["errors"]
    assert client.post(
        URL, data="not json", content_type="application/json", headers=login("w_a1")
    ).status_code in (
        400,
        422,
    )
    assert stored(uow) == 0


def test_more_than_200_records_are_refused_before_any_is_loaded(
    client: FlaskClient, district: District, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[object] = []
    real_load = SyncRecordSchema.load

    def spy(self: SyncRecordSchema, data: Any, **kwargs: Any) -> Any:
        loaded.append(data)
        return real_load(self, data, **kwargs)

    monkeypatch.setattr(SyncRecordSchema, "load", spy)
    response = client.post(URL, json={"records": [{}] * 201}, headers=login("w_a1"))
    assert response.status_code == 422
    assert response.json["errors"] == {"records": ["每次最多 200 条记录，本次 201 条"]}
    assert loaded == [], "counted first: no record was loaded"
    assert client.post(URL, json={"records": [{}] * 2}, headers=login("w_a1")).status_code == 200
    assert len(loaded) == 2, "the spy sees records that are loaded"


def test_an_empty_batch_is_fine(client: FlaskClient, district: District, login: Login) -> None:
    assert client.post(URL, json={"records": []}, headers=login("w_a1")).json == {
        "results": [],
        "appointments": [],
    }


def test_a_batch_of_200_is_stored_whole(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    records = [
        visit_body(
            elder_id=district.elders["elder_a1"],
            start=at(TODAY, 8) - timedelta(hours=i),
            client_id=str(uuid.uuid4()),
        )
        for i in range(200)
    ]
    results = client.post(URL, json={"records": records}, headers=login("w_a1")).json["results"]
    assert {r["status"] for r in results} == {"created"}
    assert stored(uow) == 200


def test_sync_needs_a_login(client: FlaskClient, district: District) -> None:
    assert client.post(URL, json={"records": []}).status_code == 401


def test_a_conflict_names_the_callers_own_record_that_holds_the_client_id(
    client: FlaskClient, district: District, login: Login
) -> None:
    held = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9))
    stored_id = client.post("/api/v1/visits", json=held, headers=login("w_a1")).json["id"]
    other_body = {**held, "outcome": "not_home"}
    (own,) = client.post(URL, json={"records": [other_body]}, headers=login("w_a1")).json["results"]
    assert (own["status"], own["visit_id"]) == ("conflict", stored_id)
    shown = client.get(f"/api/v1/visits/{own['visit_id']}", headers=login("w_a1")).json
    assert shown["outcome"] == "visited"  # what the phone shows beside its own copy


def test_a_conflict_over_someone_elses_record_names_no_record(
    client: FlaskClient, district: District, login: Login
) -> None:
    held = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9))
    client.post("/api/v1/visits", json=held, headers=login("w_a1"))
    guessed = {**held, "elder_id": district.elders["elder_a2"]}
    (result,) = client.post(URL, json={"records": [guessed]}, headers=login("w_a2")).json["results"]
    assert (result["status"], result["visit_id"]) == ("conflict", None)


def test_a_synced_record_carries_the_advice_a_single_post_gives_also_when_sent_again(
    client: FlaskClient, district: District, login: Login
) -> None:
    refused = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9), outcome="refused")
    first = client.post(URL, json={"records": [refused]}, headers=login("w_a1")).json["results"][0]
    again = client.post(URL, json={"records": [refused]}, headers=login("w_a1")).json["results"][0]
    single = client.post("/api/v1/visits", json=refused, headers=login("w_a1")).json
    assert (first["status"], again["status"]) == ("created", "duplicate")
    assert first["advice"] == again["advice"] == single["advice"] == ["phone_fallback"]
