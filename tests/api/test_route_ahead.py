"""GET /me/route beyond the asked day: `next_day`, the first later day with stops, which the phone fetches
ahead and opens on a day without any; and `?since_version=`, what changed in the day since the plan version
the phone holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.december import December, december
from tests.factories import District, make_plan
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import VisitKind

Login = Callable[[str], Headers]
URL = "/api/v1/me/route"
HOME = VisitKind.HOME
FRIDAY, SATURDAY, MONDAY = date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 30)


def get_route(client: FlaskClient, headers: Headers, day: date | None = None, **query: Any) -> Any:
    if day is not None:
        query["date"] = day.isoformat()
    response = client.get(URL, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_a_fridays_answer_names_monday_from_the_current_version_and_the_workers_own_stops(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    w_a1, w_a2 = district.accounts["w_a1"], district.accounts["w_a2"]
    a1, a2, b1 = (district.elders[k] for k in ("elder_a1", "elder_a2", "elder_b1"))
    make_plan(uow, "2026-11", [(a1, w_a1, FRIDAY, HOME), (a2, w_a1, SATURDAY, HOME)])
    # Version 2: the Saturday visit went to Monday; a colleague works this Saturday.
    make_plan(
        uow, "2026-11", [(a1, w_a1, FRIDAY, HOME), (a2, w_a1, MONDAY, HOME), (b1, w_a2, SATURDAY, HOME)]
    )
    headers = login("w_a1")
    assert get_route(client, headers)["next_day"] == "2026-11-27", "today (Wednesday) has none: Friday next"
    friday = get_route(client, headers, FRIDAY)
    assert (len(friday["stops"]), friday["next_day"]) == (1, "2026-11-30")
    saturday = get_route(client, headers, SATURDAY)
    assert (saturday["stops"], saturday["next_day"]) == ([], "2026-11-30"), "the phone opens on Monday"


def test_the_next_day_may_be_in_next_months_current_plan(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    w_a1 = district.accounts["w_a1"]
    a1, a2 = district.elders["elder_a1"], district.elders["elder_a2"]
    make_plan(uow, "2026-11", [(a1, w_a1, MONDAY, HOME)])
    make_plan(uow, "2026-12", [(a2, w_a1, date(2026, 12, 1), HOME)])
    make_plan(uow, "2026-12", [(a2, w_a1, date(2026, 12, 2), HOME)])  # the 1st is no longer planned
    assert get_route(client, login("w_a1"), MONDAY)["next_day"] == "2026-12-02"


def test_a_worker_with_nothing_left_this_month_gets_null(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    w_a1, w_a2 = district.accounts["w_a1"], district.accounts["w_a2"]
    a1, a2 = district.elders["elder_a1"], district.elders["elder_a2"]
    make_plan(uow, "2026-11", [(a1, w_a1, FRIDAY, HOME), (a2, w_a2, MONDAY, HOME)])
    assert get_route(client, login("w_a1"), FRIDAY)["next_day"] is None, "no plan for December yet"
    make_plan(uow, "2026-12", [(a2, w_a2, date(2026, 12, 1), HOME)])
    assert get_route(client, login("w_a1"), FRIDAY)["next_day"] is None, (
        "December's plan has nothing of theirs"
    )
    assert get_route(client, login("w_a2"), FRIDAY)["next_day"] == "2026-11-30"


def test_a_replanned_day_says_which_stops_were_added_removed_and_moved_by_visit_id(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    w_a1 = district.accounts["w_a1"]
    a1, a2, b1 = (district.elders[k] for k in ("elder_a1", "elder_a2", "elder_b1"))
    held_a1, _held_a2 = make_plan(uow, "2026-11", [(a1, w_a1, FRIDAY, HOME), (a2, w_a1, FRIDAY, HOME)])
    # The re-plan: a1 is dropped from Friday, a2 (same time) is now first, b1 comes after it.
    new_a2, new_b1 = make_plan(uow, "2026-11", [(a2, w_a1, FRIDAY, HOME), (b1, w_a1, FRIDAY, HOME)])
    headers = login("w_a1")
    answer = get_route(client, headers, FRIDAY, since_version=1)
    assert [s["visit_id"] for s in answer["stops"]] == [new_a2, new_b1]
    assert answer["changes"] == {"since_version": 1, "added": [new_b1], "removed": [held_a1], "moved": []}, (
        "a2 is first only because a1 is gone: not moved"
    )
    # Version 3 swaps them: one of the two is told as moved, with where it was.
    b1_first, a2_second = make_plan(uow, "2026-11", [(b1, w_a1, FRIDAY, HOME), (a2, w_a1, FRIDAY, HOME)])
    swapped = get_route(client, headers, FRIDAY, since_version=2)["changes"]
    assert (swapped["added"], swapped["removed"]) == ([], [])
    assert swapped["moved"] in (
        [{"visit_id": b1_first, "from_visit_id": new_b1, "from_order": 2, "from_arrival": "09:00",
          "from_kind": "home"}],
        [{"visit_id": a2_second, "from_visit_id": new_a2, "from_order": 1, "from_arrival": "09:00",
          "from_kind": "home"}],
    )  # fmt: skip
    since_first = get_route(client, headers, FRIDAY, since_version=1)["changes"]
    assert (since_first["added"], since_first["removed"], since_first["moved"]) == (
        [b1_first],
        [held_a1],
        [],
    ), "a2 is second as it was in version 1"


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def test_a_visit_moved_by_hand_is_removed_from_one_day_and_added_to_the_other(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    w_a1_day, w_a2_day = date(2026, 12, 16), date(2026, 12, 17)
    assert get_route(client, login("w_a1"))["next_day"] == "2026-12-16"
    body = {
        "moves": [
            {"planned_visit_id": month.planned["elder_a1b"], "to_worker_id": district.accounts["w_a2"],
             "to_date": w_a2_day.isoformat()}
        ]
    }  # fmt: skip
    assert client.post("/api/v1/plans/2026-12/moves", json=body, headers=login("sup_a")).status_code == 201
    giver = client.get(URL, query_string={"date": "2026-12-16", "since_version": 1}, headers=login("w_a1"))
    assert giver.headers["Cache-Control"] == "no-store"
    assert (giver.json["plan_version"], giver.json["stops"]) == (2, [])
    assert giver.json["changes"] == {
        "since_version": 1,
        "added": [],
        "removed": [month.planned["elder_a1b"]],
        "moved": [],
    }
    assert get_route(client, login("w_a1"))["next_day"] is None, "nothing left this month"
    taker = get_route(client, login("w_a2"), w_a2_day, since_version=1)
    (stop,) = taker["stops"]
    assert stop["elder"]["id"] == month.people["elder_a1b"]
    assert taker["changes"] == {"since_version": 1, "added": [stop["visit_id"]], "removed": [], "moved": []}
    assert get_route(client, login("w_a1"), w_a1_day, since_version=2)["changes"] is None, "current"
    assert get_route(client, login("w_a1"), w_a1_day)["changes"] is None, "not asked"


def test_changes_do_not_change_how_an_unchanged_answer_is_revalidated(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    w_a1 = district.accounts["w_a1"]
    make_plan(uow, "2026-11", [(district.elders["elder_a1"], w_a1, FRIDAY, HOME)])
    make_plan(uow, "2026-11", [(district.elders["elder_a2"], w_a1, FRIDAY, HOME)])
    query = {"date": FRIDAY.isoformat(), "since_version": 1}
    first = client.get(URL, query_string=query, headers=login("w_a1"))
    again = client.get(
        URL, query_string=query, headers={**login("w_a1"), "If-None-Match": first.headers["ETag"]}
    )
    assert (again.status_code, again.headers["Cache-Control"]) == (304, "no-store")
    plain = client.get(URL, query_string={"date": FRIDAY.isoformat()}, headers=login("w_a1"))
    assert plain.headers["ETag"] != first.headers["ETag"], "the answer with changes is another answer"


def test_a_version_the_days_month_does_not_have_is_a_422_on_since_version(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    w_a1, a1 = district.accounts["w_a1"], district.elders["elder_a1"]
    headers = login("w_a1")

    def refused(day: str, since: object) -> list[str]:
        response = client.get(URL, query_string={"date": day, "since_version": since}, headers=headers)
        assert response.status_code == 422, response.json
        return list(response.json["errors"])

    assert refused("2026-11-27", 1) == ["since_version"], "no plan this month"
    for _ in range(3):
        make_plan(uow, "2026-11", [(a1, w_a1, FRIDAY, HOME)])
    make_plan(uow, "2026-12", [(a1, w_a1, date(2026, 12, 2), HOME)])
    assert refused("2026-11-27", 4) == ["since_version"], "a version yet to come"
    assert refused("2026-12-02", 3) == ["since_version"], "November's version 3 is not December's"
    assert get_route(client, headers, date(2026, 12, 2), since_version=1)["changes"] is None
    for bad in (0, -1, "two", "1.5", 2**31):
        assert refused("2026-11-27", bad), bad
