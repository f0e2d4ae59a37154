"""POST /visits: an outcome is recorded once and only once, and sets its follow-ups, proposals and flags."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.api.conftest import Headers
from tests.conftest import NOW
from tests.factories import District
from tests.fieldwork import at, ok_findings, plan_day, set_elder, visit_body
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import Elder, ElderStatus, FollowUp, StatusProposal, VisitFlag, VisitRecord

Login = Callable[[str], Headers]
TODAY = date(2026, 11, 25)
URL = "/api/v1/visits"


def count(uow: UnitOfWork, model: type, **where: object) -> int:
    with uow:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(uow.session.scalar(query) or 0)


def test_an_outcome_is_recorded_once_201_then_200_with_the_same_answer(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    (planned,) = plan_day(
        uow, worker_id=district.accounts["w_a1"], day=TODAY, elder_ids=[district.elders["elder_a1"]]
    )
    body = visit_body(planned_visit_id=planned, start=at(TODAY, 9), findings=ok_findings())
    first = client.post(URL, json=body, headers=login("w_a1"))
    assert first.status_code == 201, first.json
    assert (first.json["state"], first.json["counts"], first.json["month"]) == ("counted", True, "2026-11")
    # The same JSON after parsing: other key order, other whitespace.
    again = json.dumps(dict(reversed(list(body.items()))), indent=3)
    retry = client.post(URL, data=again, content_type="application/json", headers=login("w_a1"))
    assert retry.status_code == 200
    assert retry.json == first.json
    assert count(uow, VisitRecord) == 1


def test_the_same_client_id_with_another_body_is_a_conflict(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9))
    assert client.post(URL, json=body, headers=login("w_a1")).status_code == 201
    changed = client.post(URL, json={**body, "outcome": "not_home"}, headers=login("w_a1"))
    assert changed.status_code == 409
    assert changed.json["code"] == "client_id_reused"
    assert count(uow, VisitRecord) == 1


def test_the_idempotency_key_header_is_the_client_id(
    client: FlaskClient, district: District, login: Login
) -> None:
    key = str(uuid.uuid4())
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9))
    del body["client_id"]
    headers = {**login("w_a1"), "Idempotency-Key": key}
    created = client.post(URL, json=body, headers=headers)
    assert (created.status_code, created.json["client_id"]) == (201, key)
    assert client.post(URL, json={**body, "client_id": key}, headers=login("w_a1")).status_code == 200
    other = client.post(URL, json={**body, "client_id": str(uuid.uuid4())}, headers=headers)
    assert (other.status_code, list(other.json["errors"])) == (422, ["client_id"])
    missing = client.post(URL, json=body, headers=login("w_a1"))
    assert (missing.status_code, list(missing.json["errors"])) == (422, ["client_id"])
    garbled = client.post(URL, json=body, headers={**login("w_a1"), "Idempotency-Key": "not-a-uuid"})
    assert (garbled.status_code, list(garbled.json["errors"])) == (422, ["Idempotency-Key"])


def test_someone_elses_planned_visit_or_person_is_not_found(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    (theirs,) = plan_day(
        uow, worker_id=district.accounts["w_a2"], day=TODAY, elder_ids=[district.elders["elder_a2"]]
    )
    planned = client.post(
        URL, json=visit_body(planned_visit_id=theirs, start=at(TODAY, 9)), headers=login("w_a1")
    )
    assert (planned.status_code, list(planned.json["errors"])) == (404, ["planned_visit_id"])
    elsewhere = visit_body(elder_id=district.elders["elder_b1"], start=at(TODAY, 9))
    assert client.post(URL, json=elsewhere, headers=login("w_a1")).status_code == 404
    missing = visit_body(elder_id=999_999, start=at(TODAY, 9))
    assert client.post(URL, json=missing, headers=login("w_a1")).status_code == 404
    assert count(uow, VisitRecord) == 0


def test_bad_times_are_422_with_the_field(client: FlaskClient, district: District, login: Login) -> None:
    elder = district.elders["elder_a1"]
    future = client.post(
        URL, json=visit_body(elder_id=elder, start=NOW + timedelta(minutes=10)), headers=login("w_a1")
    )
    assert (future.status_code, sorted(future.json["errors"])) == (422, ["ended_at", "started_at"])
    naive = visit_body(elder_id=elder, start=at(TODAY, 9))
    naive["started_at"] = "2026-11-25T09:00:00"
    assert list(client.post(URL, json=naive, headers=login("w_a1")).json["errors"]) == ["started_at"]
    backwards = visit_body(elder_id=elder, start=at(TODAY, 9), minutes=-5)
    assert list(client.post(URL, json=backwards, headers=login("w_a1")).json["errors"]) == ["ended_at"]
    nobody = visit_body(start=at(TODAY, 9))
    assert list(client.post(URL, json=nobody, headers=login("w_a1")).json["errors"]) == ["elder_id"]


def test_an_urgent_finding_opens_an_urgent_follow_up_at_once(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    findings = ok_findings()
    findings["safety"] = {"status": "concern", "note": "昨晚在卫生间摔倒", "urgent": True}
    findings["emotional"] = {"status": "concern", "note": "情绪低落"}
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9), findings=findings)
    response = client.post(URL, json=body, headers=login("w_a1"))
    assert [(f["kind"], f["urgent"]) for f in response.json["follow_ups"]] == [
        ("urgent:safety", True),
        ("concern:emotional", False),
    ]
    assert count(uow, FollowUp, urgent=True, elder_id=district.elders["elder_a1"]) == 1


def test_not_home_of_a_high_risk_person_asks_for_a_call_today(
    client: FlaskClient, district: District, login: Login
) -> None:
    # The factories' people are 86 and live alone: high risk.
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9), minutes=2, outcome="not_home")
    response = client.post(URL, json=body, headers=login("w_a1")).json
    assert response["advice"] == ["phone_same_day"]
    assert [f["kind"] for f in response["follow_ups"]] == ["not_home_high_risk"]


def test_refused_is_recorded_and_offers_the_phone_fallback(
    client: FlaskClient, district: District, login: Login
) -> None:
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9), minutes=1, outcome="refused")
    response = client.post(URL, json=body, headers=login("w_a1")).json
    assert (response["outcome"], response["advice"], response["counts"]) == (
        "refused",
        ["phone_fallback"],
        True,
    )


def test_a_death_is_proposed_to_the_supervisor_and_the_register_does_not_change(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = district.elders["elder_a1"]
    body = visit_body(elder_id=elder, start=at(TODAY, 9), outcome="deceased")
    proposal = client.post(URL, json=body, headers=login("w_a1")).json["status_proposal"]
    assert (proposal["to_status"], proposal["proposed_date"]) == ("deceased", "2026-11-25")
    assert count(uow, StatusProposal, elder_id=elder, state="pending") == 1
    with uow:
        assert uow.session.get(Elder, elder).status is ElderStatus.ACTIVE  # type: ignore[union-attr]


def test_a_visit_far_from_home_is_flagged_and_still_counts(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    far = {"lon": 120.1201, "lat": 30.2901, "accuracy_m": 12}  # about 1.1 km north
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9), minutes=2, location=far)
    response = client.post(URL, json=body, headers=login("w_a1")).json
    assert (sorted(response["flags"]), response["counts"]) == (["too_far", "too_short"], True)
    assert 1000 < response["distance_m"] < 1200
    assert count(uow, VisitFlag, elder_id=district.elders["elder_a1"]) == 2


def test_an_unverified_home_and_a_good_fix_propose_the_location(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    set_elder(uow, district.elders["elder_a1"], location_verified=False)
    fix = {"lon": 120.1301, "lat": 30.2851, "accuracy_m": 8}
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9), location=fix)
    assert client.post(URL, json=body, headers=login("w_a1")).json["flags"] == ["location_proposed"]


def test_a_record_arriving_after_the_10th_of_next_month_waits_in_quarantine(
    client: FlaskClient, district: District, login: Login, clock: FixedClock, uow: UnitOfWork
) -> None:
    clock.set(NOW.replace(month=12, day=11, hour=8))
    headers = login("w_a1")
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(date(2026, 11, 28), 9))
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert (response.json["month"], response.json["state"], response.json["counts"]) == (
        "2026-11",
        "quarantined",
        False,
    )
    assert count(uow, VisitRecord, state="quarantined") == 1


def test_a_record_reads_back_only_for_its_worker(
    client: FlaskClient, district: District, login: Login
) -> None:
    created = client.post(
        URL, json=visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9)), headers=login("w_a1")
    ).json
    assert client.get(f"{URL}/{created['id']}", headers=login("w_a1")).json == created
    assert client.get(f"{URL}/{created['id']}", headers=login("w_a2")).status_code == 404
