"""A call after an empty doorstep (上门未遇，电话探访): on the last working day a home visit's window allows,
nobody at home is answered with `call_now`; the call that reaches the person or their family settles the
visit, says who answered, and one that reaches nobody is an urgent follow-up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import District
from tests.fieldwork import at, plan_day, set_elder, visit_body
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.model import FollowUp

Login = Callable[[str], Headers]
LAST_DAY = date(2026, 11, 30)  # November's last working day: a monthly home visit's last chance
EARLIER = date(2026, 11, 27)
VISITS = "/api/v1/visits"


@pytest.fixture
def person(uow: UnitOfWork, district: District) -> int:
    """Living alone at 71: owed one home visit in November, whose last working day is 30 November."""
    elder = district.elders["elder_a1"]
    set_elder(uow, elder, birth_date=date(1955, 3, 1))
    return elder


def evening(clock: FixedClock, day: date) -> None:
    clock.set(at(day, 19).astimezone(SHANGHAI))


def post(client: FlaskClient, headers: Headers, body: dict[str, Any]) -> Any:
    return client.post(VISITS, json=body, headers=headers)


def coverage(client: FlaskClient, headers: Headers, grid: str) -> Any:
    """November's figures of one grid (the person's)."""
    query = {"month": "2026-11", "area": grid}
    response = client.get("/api/v1/coverage", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["total"]


def test_the_route_marks_a_home_stop_on_the_last_day_its_visit_allows(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock, person: int
) -> None:
    worker = district.accounts["w_a1"]
    evening(clock, LAST_DAY)
    plan_day(uow, worker_id=worker, day=EARLIER, elder_ids=[person])
    (stop,) = client.get("/api/v1/me/route", query_string={"date": "2026-11-27"}, headers=login("w_a1")).json[
        "stops"
    ]
    assert "last_chance" not in stop  # false is left out: a 25-stop day stays under 30 KB
    plan_day(uow, worker_id=worker, day=LAST_DAY, elder_ids=[person])
    (stop,) = client.get("/api/v1/me/route", query_string={"date": "2026-11-30"}, headers=login("w_a1")).json[
        "stops"
    ]
    assert stop["last_chance"] is True


def test_a_call_after_nobody_was_home_on_the_last_possible_day_settles_the_visit(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock, person: int
) -> None:
    evening(clock, LAST_DAY)
    (stop,) = plan_day(uow, worker_id=district.accounts["w_a1"], day=LAST_DAY, elder_ids=[person])
    door = visit_body(planned_visit_id=stop, start=at(LAST_DAY, 9), outcome="not_home")
    first = post(client, login("w_a1"), door)
    assert first.status_code == 201, first.json
    assert "call_now" in first.json["advice"]
    assert post(client, login("w_a1"), door).json["advice"] == first.json["advice"]  # a retry: the same
    call = visit_body(elder_id=person, start=at(LAST_DAY, 9, 25), kind="phone", minutes=5)
    unsaid = post(client, login("w_a1"), call)
    assert unsaid.status_code == 422
    assert "answered_by" in unsaid.json["errors"]
    answered = post(client, login("w_a1"), {**call, "answered_by": "family"})
    assert answered.status_code == 201, answered.json
    total = coverage(client, login("sup_a"), district.codes["grid_a1"])
    assert total["home_visits"] == {"owed": 1, "at_home": 0, "by_call_after_empty_doorstep": 1}
    assert total["covered"] == total["coverable"]


def test_a_call_after_an_earlier_empty_doorstep_does_not_settle_the_visit(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock, person: int
) -> None:
    """The door can still be knocked on: the call stays a call, and who answered is not asked for."""
    evening(clock, EARLIER)
    (stop,) = plan_day(uow, worker_id=district.accounts["w_a1"], day=EARLIER, elder_ids=[person])
    door = post(
        client, login("w_a1"), visit_body(planned_visit_id=stop, start=at(EARLIER, 9), outcome="not_home")
    )
    assert door.status_code == 201
    assert "call_now" not in door.json["advice"]
    call = post(client, login("w_a1"), visit_body(elder_id=person, start=at(EARLIER, 9, 30), kind="phone"))
    assert call.status_code == 201, call.json
    total = coverage(client, login("sup_a"), district.codes["grid_a1"])
    assert total["home_visits"]["by_call_after_empty_doorstep"] == 0
    assert total["covered"] < total["coverable"]


def test_a_call_nobody_answers_after_the_last_empty_doorstep_is_an_urgent_follow_up(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock, person: int
) -> None:
    evening(clock, LAST_DAY)
    (stop,) = plan_day(uow, worker_id=district.accounts["w_a1"], day=LAST_DAY, elder_ids=[person])
    post(client, login("w_a1"), visit_body(planned_visit_id=stop, start=at(LAST_DAY, 9), outcome="not_home"))
    # Recorded against the home stop itself, as the phone may.
    call = visit_body(planned_visit_id=stop, start=at(LAST_DAY, 9, 25), kind="phone", outcome="unreachable")
    answer = post(client, login("w_a1"), call)
    assert answer.status_code == 201, answer.json
    assert answer.json["follow_ups"][0]["kind"] == "not_found_last_chance"
    assert answer.json["follow_ups"][0]["urgent"] is True
    with uow:
        (row,) = [f for f in uow.session.query(FollowUp).all() if f.kind == "not_found_last_chance"]
        assert row.urgent
        assert row.elder_id == person
        assert row.note is not None
        assert "紧急联系人" in row.note


def test_an_offline_phone_syncs_the_empty_doorstep_and_the_call_together(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock, person: int
) -> None:
    evening(clock, LAST_DAY)
    (stop,) = plan_day(uow, worker_id=district.accounts["w_a1"], day=LAST_DAY, elder_ids=[person])
    door = visit_body(planned_visit_id=stop, start=at(LAST_DAY, 9), outcome="not_home")
    call = visit_body(elder_id=person, start=at(LAST_DAY, 9, 25), kind="phone", minutes=5)
    # The call first in the batch: the order of the times decides, not the order of the list.
    response = client.post("/api/v1/me/sync", json={"records": [call, door]}, headers=login("w_a1"))
    assert response.status_code == 200, response.json
    refused, stored = response.json["results"]
    assert refused["status"] == "rejected"
    assert "answered_by" in refused["errors"]
    assert stored["status"] == "created"
    assert "call_now" in stored["advice"]
    again = client.post(
        "/api/v1/me/sync", json={"records": [{**call, "answered_by": "self"}]}, headers=login("w_a1")
    )
    assert again.json["results"][0]["status"] == "created", again.json
    assert (
        coverage(client, login("sup_a"), district.codes["grid_a1"])["home_visits"][
            "by_call_after_empty_doorstep"
        ]
        == 1
    )


def test_who_answered_is_only_told_of_a_call_that_reached_someone(
    client: FlaskClient, district: District, login: Login, person: int
) -> None:
    body = visit_body(elder_id=person, start=at(date(2026, 11, 25), 9), answered_by="self")
    answer = post(client, login("w_a1"), body)
    assert answer.status_code == 422
    assert "answered_by" in answer.json["errors"]
    wrong = post(client, login("w_a1"), {**body, "kind": "phone", "answered_by": "neighbour"})
    assert wrong.status_code == 422
