"""Fifty retries of one record arriving at once store one record: the unique client_id decides, on SQLite and
on PostgreSQL alike."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from tests.conftest import NOW
from tests.factories import PASSWORD, make_district
from tests.fieldwork import HOME, at, set_elder, visit_body
from visitsvc.config import Settings
from visitsvc.field.home_location import LOCATION_VERIFIED
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AuditEntry, Elder, VisitRecord

pytestmark = pytest.mark.db
THREADS = 50


def post_all_at_once(fresh: sessionmaker[Session], bodies: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    settings = Settings(database_url="unused://", secret_key="t" * 48, environment="test")
    app = create_app(settings, sessions=fresh, clock=FixedClock(NOW))
    login = app.test_client().post("/api/v1/auth/token", json={"username": "w_a1", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json['access_token']}"}  # type: ignore[index]
    start = threading.Barrier(len(bodies))
    answers: list[tuple[int, Any]] = []
    errors: list[BaseException] = []

    def post(body: dict[str, Any]) -> None:
        try:
            client = app.test_client()
            start.wait()
            response = client.post("/api/v1/visits", json=body, headers=headers)
            answers.append((response.status_code, response.json))
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(answers) == len(bodies)
    return answers


def stored(fresh: sessionmaker[Session], client_id: str) -> int:
    with UnitOfWork(fresh) as uow:
        query = select(func.count()).select_from(VisitRecord).where(VisitRecord.client_id == client_id)
        return int(uow.session.scalar(query) or 0)


def test_fifty_concurrent_retries_store_one_visit(fresh: sessionmaker[Session]) -> None:
    district = make_district(UnitOfWork(fresh, FixedClock(NOW)))
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(date(2026, 11, 25), 9))
    answers = post_all_at_once(fresh, [body] * THREADS)
    assert Counter(status for status, _ in answers) == {201: 1, 200: THREADS - 1}
    assert len({json["id"] for _, json in answers}) == 1
    assert stored(fresh, body["client_id"]) == 1


def test_two_bodies_racing_for_one_client_id_store_one_and_the_other_conflicts(
    fresh: sessionmaker[Session],
) -> None:
    district = make_district(UnitOfWork(fresh, FixedClock(NOW)))
    client_id = str(uuid.uuid4())
    visited = visit_body(
        elder_id=district.elders["elder_a1"], start=at(date(2026, 11, 25), 9), client_id=client_id
    )
    not_home = {**visited, "outcome": "not_home"}
    answers = post_all_at_once(fresh, [visited, not_home] * (THREADS // 2))
    (winner,) = [json for status, json in answers if status == 201]
    same = sum(1 for status, json in answers if status == 200 and json["outcome"] == winner["outcome"])
    assert Counter(status for status, _ in answers) == {201: 1, 200: same, 409: THREADS - 1 - same}
    assert same == THREADS // 2 - 1
    assert stored(fresh, client_id) == 1


def test_visits_confirming_one_home_at_once_verify_it_once(fresh: sessionmaker[Session]) -> None:
    """Retries of one record and other records of the same person, all at the registered door at once."""
    district = make_district(UnitOfWork(fresh, FixedClock(NOW)))
    elder = district.elders["elder_a1"]
    set_elder(UnitOfWork(fresh, FixedClock(NOW)), elder, location_verified=False)
    door = {"lon": HOME[0], "lat": HOME[1] + 0.0002, "accuracy_m": 10}  # about 22 m north
    retried = visit_body(elder_id=elder, start=at(date(2026, 11, 25), 9), location=door)
    others = [visit_body(elder_id=elder, start=at(date(2026, 11, 25), 8), location=door) for _ in range(9)]
    answers = post_all_at_once(fresh, [retried] * 10 + others)
    assert Counter(status for status, _ in answers) == {201: 10, 200: 9}
    with UnitOfWork(fresh) as uow:
        assert uow.session.scalar(select(Elder.location_verified).where(Elder.id == elder)) is True
        entries = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == LOCATION_VERIFIED)
        assert uow.session.scalar(entries) == 1
