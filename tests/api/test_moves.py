"""POST /api/v1/plans/{month}/moves: a supervisor moves planned visits to another worker or day. The
receiving day is re-sequenced and proved by the routing checker, the result is a new plan version whose
moved visits are pinned, and nothing is written when a move is refused (tests/api/december.py: the month).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.december import December, december
from tests.factories import SYSTEM, District
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AbsenceKind
from visitsvc.register import absences

Login = Callable[[str], Headers]
THURSDAY = date(2026, 12, 17)


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def move(client: FlaskClient, headers: Headers, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/plans/2026-12/moves", json=body, headers=headers)


def versions(client: FlaskClient, headers: Headers) -> list[int]:
    response = client.get("/api/v1/plans", query_string={"month": "2026-12"}, headers=headers)
    assert response.status_code == 200, response.json
    return sorted(v["number"] for v in response.json)


def route(client: FlaskClient, headers: Headers, day: date) -> list[int]:
    response = client.get("/api/v1/me/route", query_string={"date": day.isoformat()}, headers=headers)
    assert response.status_code == 200, response.json
    return [stop["elder"]["id"] for stop in response.json["stops"]]


def test_a_visit_moved_to_a_colleague_is_a_new_pinned_version_and_in_their_route(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    w_a2 = district.accounts["w_a2"]
    response = move(
        client,
        login("sup_a"),
        {
            "moves": [
                {
                    "planned_visit_id": month.planned["elder_a1b"],
                    "to_worker_id": w_a2,
                    "to_date": "2026-12-17",
                }
            ]
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["version"] == 2
    [moved] = body["moved"]
    assert (moved["elder_id"], moved["worker_id"], moved["date"]) == (
        month.people["elder_a1b"],
        w_a2,
        "2026-12-17",
    )
    assert (moved["from_worker_id"], moved["from_date"]) == (district.accounts["w_a1"], "2026-12-16")
    assert moved["seq"] == 1, "re-sequenced by the solver"
    assert moved["arrival"] is not None
    assert month.people["elder_a1b"] in route(client, login("w_a2"), THURSDAY)
    assert month.people["elder_a1b"] not in route(client, login("w_a1"), date(2026, 12, 16))
    # Another grid's person is the receiving worker's to see while the visit is theirs.
    assert client.get(f"/api/v1/elders/{month.people['elder_a1b']}", headers=login("w_a2")).status_code == 200
    assert client.get(f"/api/v1/elders/{month.people['elder_a1']}", headers=login("w_a2")).status_code == 404


def test_all_of_a_workers_remaining_visits_go_to_another_worker_and_the_past_stays(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    w_a1, w_a2 = district.accounts["w_a1"], district.accounts["w_a2"]
    response = move(client, login("sup_a"), {"from_worker_id": w_a1, "to_worker_id": w_a2})
    assert response.status_code == 201, response.json
    assert [(m["elder_id"], m["date"]) for m in response.json["moved"]] == [
        (month.people["elder_a1b"], "2026-12-16")
    ], "the visit of 2 December is past and stays w_a1's"


def test_a_refused_move_writes_nothing_and_says_which_field(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    sup = login("sup_a")
    a1b = month.planned["elder_a1b"]
    saturday = move(client, sup, {"moves": [{"planned_visit_id": a1b, "to_date": "2026-12-19"}]})
    assert saturday.status_code == 422
    assert "moves.0.to_date" in saturday.json["errors"]
    past = move(
        client, sup, {"moves": [{"planned_visit_id": month.planned["elder_a1"], "to_date": "2026-12-17"}]}
    )
    assert (past.status_code, past.json["code"]) == (409, "past_visit")
    unchanged = move(
        client, sup, {"moves": [{"planned_visit_id": a1b, "to_worker_id": district.accounts["w_a1"]}]}
    )
    assert unchanged.status_code == 422
    nothing = move(client, sup, {"moves": [{"planned_visit_id": a1b}]})
    assert nothing.status_code == 422
    assert "moves.0" in nothing.json["errors"]
    both = move(
        client, sup, {"moves": [{"planned_visit_id": a1b, "to_date": "2026-12-17"}], "from_worker_id": 1}
    )
    assert both.status_code == 422
    assert versions(client, sup) == [1]


def test_a_move_onto_a_day_of_leave_is_a_conflict(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, month: December
) -> None:
    w_a2 = district.accounts["w_a2"]
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=w_a2, first_day=THURSDAY, last_day=THURSDAY, kind=AbsenceKind.LEAVE
    )
    body = {
        "moves": [
            {"planned_visit_id": month.planned["elder_a1b"], "to_worker_id": w_a2, "to_date": "2026-12-17"}
        ]
    }
    response = move(client, login("sup_a"), body)
    assert (response.status_code, response.json["code"]) == (409, "worker_absent")
    assert versions(client, login("sup_a")) == [1]


def test_an_id_of_a_replaced_version_is_stale(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    sup = login("sup_a")
    first = {"moves": [{"planned_visit_id": month.planned["elder_a1b"], "to_date": "2026-12-17"}]}
    assert move(client, sup, first).status_code == 201
    again = move(
        client, sup, {"moves": [{"planned_visit_id": month.planned["elder_a1b"], "to_date": "2026-12-18"}]}
    )
    assert (again.status_code, again.json["code"]) == (409, "stale_plan")


def test_moves_stay_inside_the_supervisors_area_and_are_not_for_grid_workers(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    a1b = month.planned["elder_a1b"]
    other_street = move(
        client, login("sup_b"), {"moves": [{"planned_visit_id": a1b, "to_date": "2026-12-17"}]}
    )
    assert other_street.status_code == 404
    to_outsider = {"moves": [{"planned_visit_id": a1b, "to_worker_id": district.accounts["w_b1"]}]}
    assert move(client, login("sup_a"), to_outsider).status_code == 404
    worker = move(client, login("w_a1"), {"moves": [{"planned_visit_id": a1b, "to_date": "2026-12-17"}]})
    assert worker.status_code == 403
    assert versions(client, login("admin")) == [1]


def test_a_move_of_a_visit_with_an_appointment_warns_first_then_goes_with_confirm(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    a1b = month.people["elder_a1b"]
    agreed = {"elder_id": a1b, "day": "2026-12-16", "window_start": "14:00", "window_end": "15:30"}
    booked = client.post("/api/v1/appointments", json=agreed, headers=login("sup_a")).json
    assert booked["planned_visit_id"] == month.planned["elder_a1b"]
    sup = login("sup_a")
    body = {"moves": [{"planned_visit_id": month.planned["elder_a1b"], "to_date": "2026-12-17"}]}
    warned = move(client, sup, body)
    assert warned.status_code == 409
    assert warned.json["code"] == "appointment"
    assert "2026-12-16 14:00-15:30" in warned.json["message"]
    assert list(warned.json["errors"]) == ["moves.0"]
    assert versions(client, sup) == [1], "nothing written"
    moved = move(client, sup, {**body, "confirm": True})
    assert moved.status_code == 201, moved.json
    assert moved.json["moved"][0]["date"] == "2026-12-17"
    after = client.get(f"/api/v1/appointments/{booked['id']}", headers=sup).json
    assert after["state"] == "cancelled", "moved off the agreed day on purpose: the person is called again"


def test_a_confirmed_move_to_a_colleague_on_the_agreed_day_keeps_the_agreed_time(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    a1b = month.people["elder_a1b"]
    agreed = {"elder_id": a1b, "day": "2026-12-16", "window_start": "14:00", "window_end": "15:30"}
    booked = client.post("/api/v1/appointments", json=agreed, headers=login("sup_a")).json
    w_a2 = district.accounts["w_a2"]
    body = {
        "moves": [{"planned_visit_id": month.planned["elder_a1b"], "to_worker_id": w_a2}],
        "confirm": True,
    }
    moved = move(client, login("sup_a"), body)
    assert moved.status_code == 201, moved.json
    assert "14:00:00" <= moved.json["moved"][0]["arrival"] <= "15:30:00"
    after = client.get(f"/api/v1/appointments/{booked['id']}", headers=login("sup_a")).json
    assert (after["state"], after["planned_visit_id"]) == (
        "agreed",
        moved.json["moved"][0]["planned_visit_id"],
    )
    stops = client.get("/api/v1/me/route", query_string={"date": "2026-12-16"}, headers=login("w_a2")).json
    (stop,) = [s for s in stops["stops"] if s["elder"]["id"] == a1b]
    assert stop["appointment"] == {"id": booked["id"], "window_start": "14:00", "window_end": "15:30"}
