"""GET /api/v1/missed: every coverable person not yet covered, with what a supervisor acts on at 4 pm
(tests/api/december.py describes the month)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.december import WORKDAYS_LEFT, December, december
from tests.factories import District
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock

Login = Callable[[str], Headers]


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def missed(client: FlaskClient, headers: Headers, **query: Any) -> Any:
    response = client.get("/api/v1/missed", query_string={"month": "2026-12", **query}, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_each_person_not_covered_comes_with_reason_risk_days_left_next_slot_and_attempts(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    body = missed(client, login("sup_a"))
    assert (body["as_of"], body["days_left"]) == ("2026-12-10", WORKDAYS_LEFT)
    items = {item["elder_id"]: item for item in body["items"]}
    assert list(items) == [month.people["elder_a2"], month.people["elder_a1b"]], "by elder id"
    not_home = items[month.people["elder_a2"]]
    assert not_home["reason"] == "not_home"
    assert (not_home["at_risk"], not_home["at_risk_reason"]) == (True, "no_slot_left")
    assert not_home["attempts"] == [{"day": "2026-12-03", "kind": "home", "outcome": "not_home"}]
    assert (not_home["next_planned"], not_home["next_worker"]) == (None, None)
    assert not_home["days_left"] == WORKDAYS_LEFT
    assert not_home["grid_code"] == district.codes["grid_a2"]
    pending = items[month.people["elder_a1b"]]
    assert (pending["reason"], pending["at_risk"], pending["attempts"]) == ("pending", False, [])
    assert pending["next_planned"] == "2026-12-16"
    assert pending["next_worker"] == {"id": district.accounts["w_a1"], "name": "张网格"}
    assert pending["categories"] == ["empty_nest"]


def test_the_covered_and_the_not_coverable_are_not_listed(
    client: FlaskClient, login: Login, month: December
) -> None:
    listed = {item["elder_id"] for item in missed(client, login("admin"))["items"]}
    assert month.people["elder_a1"] not in listed, "covered"
    assert month.people["refuser"] not in listed, "refuses all contact: not coverable"
    assert listed == {month.people[k] for k in ("elder_a2", "elder_a1b", "elder_b1")}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"reason": "not_home"}, ["elder_a2"]),
        ({"reason": "missed"}, ["elder_b1"]),
        ({"at_risk": "true"}, ["elder_a2", "elder_b1"]),
        ({"at_risk": "false"}, ["elder_a1b"]),
        ({"category": "empty_nest"}, ["elder_a1b"]),
        ({"category": "living_alone", "at_risk": "true"}, ["elder_a2", "elder_b1"]),
        ({"area": "street_b"}, ["elder_b1"]),
    ],
)
def test_filters(
    client: FlaskClient,
    district: District,
    login: Login,
    month: December,
    query: dict[str, str],
    expected: list[str],
) -> None:
    if "area" in query:
        query = {**query, "area": district.codes[query["area"]]}
    items = missed(client, login("admin"), **query)["items"]
    assert [item["elder_id"] for item in items] == [month.people[k] for k in expected]


def test_a_workers_list_holds_their_grids_people_and_those_they_are_sent_to_next(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    items = missed(client, login("admin"), worker=district.accounts["w_a1"])["items"]
    assert [item["elder_id"] for item in items] == [month.people["elder_a1b"]]
    items = missed(client, login("admin"), worker=district.accounts["w_a2"])["items"]
    assert [item["elder_id"] for item in items] == [month.people["elder_a2"]]


def test_pages_follow_the_cursor_to_the_end(client: FlaskClient, login: Login, month: December) -> None:
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        query: dict[str, Any] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = missed(client, login("admin"), **query)
        seen += [item["elder_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(month.people[k] for k in ("elder_a2", "elder_a1b", "elder_b1"))


def test_scoping_and_bad_input(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    street_b = missed(client, login("sup_b"))["items"]
    assert [item["elder_id"] for item in street_b] == [month.people["elder_b1"]]
    assert missed(client, login("w_b1"))["items"] == street_b, "a grid worker sees their own grid"
    outside = {"month": "2026-12", "area": district.codes["street_a"]}
    assert client.get("/api/v1/missed", query_string=outside, headers=login("sup_b")).status_code == 404
    other_worker = {"month": "2026-12", "worker": district.accounts["w_a1"]}
    assert client.get("/api/v1/missed", query_string=other_worker, headers=login("sup_b")).status_code == 404
    for bad in ({"reason": "lazy"}, {"cursor": "not-a-cursor"}, {"limit": 0}, {"at_risk": "maybe"}):
        response = client.get(
            "/api/v1/missed", query_string={"month": "2026-12", **bad}, headers=login("sup_a")
        )
        assert response.status_code == 422, bad
        assert set(response.json["errors"]) == set(bad), response.json
