"""Retries of one appointment arriving at once store one appointment, and two bodies racing for one client_id
store one and conflict on the other: the unique client_id decides, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from tests.conftest import NOW
from tests.factories import PASSWORD, make_district
from visitsvc.config import Settings
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import Appointment

pytestmark = pytest.mark.db
THREADS = 12


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
            response = client.post("/api/v1/appointments", json=body, headers=headers)
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


def stored(fresh: sessionmaker[Session]) -> int:
    with UnitOfWork(fresh) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Appointment)) or 0)


def body(elder_id: int, client_id: str, end: str = "10:00") -> dict[str, Any]:
    return {"client_id": client_id, "elder_id": elder_id, "day": "2026-11-26", "window_start": "09:00",
            "window_end": end}  # fmt: skip


def test_concurrent_retries_store_one_appointment(fresh: sessionmaker[Session]) -> None:
    district = make_district(UnitOfWork(fresh, FixedClock(NOW)))
    sent = body(district.elders["elder_a1"], str(uuid.uuid4()))
    answers = post_all_at_once(fresh, [sent] * THREADS)
    assert Counter(status for status, _ in answers) == {201: 1, 200: THREADS - 1}
    assert len({json["id"] for _, json in answers}) == 1
    assert stored(fresh) == 1


def test_two_bodies_racing_for_one_client_id_store_one_and_the_other_conflicts(
    fresh: sessionmaker[Session],
) -> None:
    district = make_district(UnitOfWork(fresh, FixedClock(NOW)))
    client_id = str(uuid.uuid4())
    one, other = (
        body(district.elders["elder_a1"], client_id),
        body(district.elders["elder_a1"], client_id, "11:00"),
    )
    answers = post_all_at_once(fresh, [one, other] * (THREADS // 2))
    statuses = Counter(status for status, _ in answers)
    assert statuses[201] == 1
    assert statuses[409] >= 1
    assert statuses[200] + statuses[409] == THREADS - 1
    assert stored(fresh) == 1
