"""POST /api/v1/replan: a worker reports sick in the morning; a supervisor moves their day at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.solved_december import DECEMBER, current, planned
from tests.factories import SYSTEM, District
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.model import AbsenceKind, PlannedVisit
from visitsvc.register import absences

Login = Callable[[str], Headers]
__all__ = ["planned"]  # a fixture: pytest finds it by name in this module


def sick_today(uow: UnitOfWork, clock: FixedClock, worker_id: int, rows: list[PlannedVisit]) -> date:
    today = min(r.day for r in rows if r.worker_id == worker_id)
    clock.set(datetime.combine(today, time(8, 0), SHANGHAI))
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=worker_id, first_day=today, last_day=today, kind=AbsenceKind.SICK
    )
    return today


def test_an_absence_this_morning_moves_the_days_visits_to_later_days_or_colleagues(
    client: FlaskClient,
    uow: UnitOfWork,
    clock: FixedClock,
    district: District,
    login: Login,
    planned: list[PlannedVisit],
) -> None:
    w_a1 = district.accounts["w_a1"]
    today = sick_today(uow, clock, w_a1, planned)
    todays = {(r.elder_id, r.obligation) for r in planned if r.worker_id == w_a1 and r.day == today}
    response = client.post(
        "/api/v1/replan", query_string={"worker": w_a1, "date": today.isoformat()}, headers=login("sup_a")
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["created"], body["today"], body["version"]) == (True, today.isoformat(), 2)
    assert body["moved"] == len(todays) > 0
    after = current(uow)
    assert not [r for r in after if r.worker_id == w_a1 and r.day == today]
    for key in todays:
        (row,) = [r for r in after if (r.elder_id, r.obligation) == key]
        assert row.day > today
    others = [r for r in planned if r.worker_id != w_a1 and r.day <= today]
    assert all(
        any(
            (o.elder_id, o.obligation, o.worker_id, o.day) == (r.elder_id, r.obligation, r.worker_id, r.day)
            for r in after
        )
        for o in others
    )
    again = client.post("/api/v1/replan", query_string={"worker": w_a1}, headers=login("sup_a"))
    assert (again.status_code, again.json["created"], again.json["version"]) == (200, False, 2)


def test_grid_workers_may_not_replan(
    client: FlaskClient, district: District, login: Login, planned: list[PlannedVisit]
) -> None:
    response = client.post(
        "/api/v1/replan", query_string={"worker": district.accounts["w_a1"]}, headers=login("w_a1")
    )
    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_a_worker_outside_the_supervisors_area_is_not_found(
    client: FlaskClient, district: District, login: Login, planned: list[PlannedVisit]
) -> None:
    outside = client.post(
        "/api/v1/replan", query_string={"worker": district.accounts["w_a1"]}, headers=login("sup_b")
    )
    assert outside.status_code == 404
    missing = client.post("/api/v1/replan", query_string={"worker": 999999}, headers=login("admin"))
    assert missing.status_code == 404


def test_bad_requests_name_the_field(
    client: FlaskClient,
    uow: UnitOfWork,
    clock: FixedClock,
    district: District,
    login: Login,
    planned: list[PlannedVisit],
) -> None:
    w_a1 = district.accounts["w_a1"]
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=SHANGHAI))
    cases = [
        ({}, "worker"),
        ({"worker": w_a1, "date": "2026-12-04"}, "date"),
        ({"worker": w_a1, "date": "12/03/2026"}, "date"),
        ({"worker": "w_a1"}, "worker"),
    ]
    for query, field in cases:
        response = client.post("/api/v1/replan", query_string=query, headers=login("sup_a"))
        assert response.status_code == 422, (query, response.json)
        assert field in response.json["errors"], (query, response.json)
    supervisor = client.post(
        "/api/v1/replan", query_string={"worker": district.accounts["sup_a"]}, headers=login("admin")
    )
    assert (supervisor.status_code, list(supervisor.json["errors"])) == (422, ["worker"])
    with uow:
        assert [v.number for v in uow.plans.versions(DECEMBER)] == [1], "nothing was written"


def test_a_month_without_a_plan_is_not_found(
    client: FlaskClient, district: District, login: Login, clock: FixedClock
) -> None:
    clock.set(datetime(2027, 1, 5, 8, 0, tzinfo=SHANGHAI))
    response = client.post(
        "/api/v1/replan", query_string={"worker": district.accounts["w_a1"]}, headers=login("admin")
    )
    assert response.status_code == 404
