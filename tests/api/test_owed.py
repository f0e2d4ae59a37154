"""GET /api/v1/me/owed (本月待访): a grid worker's people still owed a visit this month, counted as the
missed list counts (tests/api/december.py describes the month, judged on 10 December)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.api.conftest import Headers
from tests.api.december import December, december
from tests.factories import District, make_plan
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import PlannedVisit, VisitKind

Login = Callable[[str], Headers]


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def owed(client: FlaskClient, headers: Headers, **query: Any) -> Any:
    response = client.get("/api/v1/me/owed", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_a_worker_sees_the_people_of_their_grid_still_owed_with_the_next_planned_day_and_kind(
    client: FlaskClient, login: Login, month: December
) -> None:
    body = owed(client, login("w_a1"))
    assert (body["month"], body["as_of"], body["next_cursor"]) == ("2026-12", "2026-12-10", None)
    (person,) = body["items"]  # elder_a1 of the same grid is covered
    assert person["elder_id"] == month.people["elder_a1b"]
    assert (person["name"], person["age"], person["categories"]) == ("陈桂兰", 76, ["empty_nest"])
    assert (person["reason"], person["at_risk"]) == ("pending", None)
    assert (person["next_planned"], person["next_kind"], person["next_is_mine"]) == (
        "2026-12-16",
        "home",
        True,
    )
    assert [(o["kind"], o["rule"]) for o in person["owed"]] == [("home", "monthly_home")]
    assert "id_number" not in person, "shown as the route shows a person"
    assert "phone" not in person


def test_a_worker_never_sees_another_grids_people(client: FlaskClient, login: Login, month: December) -> None:
    mine = {p["elder_id"] for p in owed(client, login("w_a1"))["items"]}
    theirs = {p["elder_id"] for p in owed(client, login("w_a2"))["items"]}
    assert mine == {month.people["elder_a1b"]}
    assert theirs == {month.people["elder_a2"]}, "the refuser of a2 is not coverable"
    (not_home,) = owed(client, login("w_a2"))["items"]
    assert (not_home["reason"], not_home["at_risk"], not_home["next_planned"]) == (
        "not_home",
        "no_slot_left",
        None,
    )


def test_people_the_plan_gives_a_worker_from_another_grid_are_theirs_too(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login, month: December
) -> None:
    w = district.accounts
    home = VisitKind.HOME
    people = month.people
    ids = make_plan(
        uow,
        "2026-12",
        [
            (people["elder_a1"], w["w_a1"], date(2026, 12, 2), home),
            (people["elder_a1b"], w["w_a1"], date(2026, 12, 16), home),
            (people["elder_a2"], w["w_a2"], date(2026, 12, 3), home),
            (people["elder_b1"], w["w_a1"], date(2026, 12, 17), VisitKind.PHONE),
        ],
    )
    with uow:
        uow.session.execute(update(PlannedVisit).where(PlannedVisit.id == ids[3]).values(moved=True))
        uow.commit()
    helper = {p["elder_id"]: p for p in owed(client, login("w_a1"))["items"]}
    assert set(helper) == {people["elder_a1b"], people["elder_b1"]}
    moved = helper[people["elder_b1"]]
    assert (moved["next_planned"], moved["next_kind"], moved["next_is_mine"]) == ("2026-12-17", "phone", True)
    (own,) = owed(client, login("w_b1"))["items"]
    assert own["elder_id"] == people["elder_b1"]
    assert (own["next_planned"], own["next_is_mine"]) == ("2026-12-17", False), "a colleague goes"


def test_the_month_defaults_to_this_one_and_the_list_is_paged(
    client: FlaskClient, uow: UnitOfWork, district: District, login: Login, month: December
) -> None:
    make_plan(
        uow,
        "2026-12",
        [(month.people["elder_b1"], district.accounts["w_a1"], date(2026, 12, 17), VisitKind.HOME)],
    )
    with uow:
        uow.session.execute(update(PlannedVisit).values(moved=True))
        uow.commit()
    first = owed(client, login("w_a1"), limit=1)
    assert first["month"] == "2026-12"
    assert [p["elder_id"] for p in first["items"]] == [month.people["elder_b1"]], "by elder id"
    rest = owed(client, login("w_a1"), limit=1, cursor=first["next_cursor"])
    assert ([p["elder_id"] for p in rest["items"]], rest["next_cursor"]) == (
        [month.people["elder_a1b"]],
        None,
    )


def test_supervisors_and_admins_are_turned_away(client: FlaskClient, login: Login, month: December) -> None:
    for account in ("sup_a", "admin"):
        response = client.get("/api/v1/me/owed", headers=login(account))
        assert (response.status_code, response.json["code"]) == (403, "forbidden"), account


def test_a_bad_month_names_the_field(client: FlaskClient, login: Login, month: December) -> None:
    response = client.get("/api/v1/me/owed", query_string={"month": "2026-13"}, headers=login("w_a1"))
    assert response.status_code == 422
    assert "month" in response.json["errors"]
