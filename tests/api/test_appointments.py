"""Appointments (预约) through the API: recorded once per client_id, scoped like the person, checked, listed,
cancelled, synced from a phone; and the call-ahead list of the next working day."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.api.conftest import Headers
from tests.factories import SYSTEM, District, elder_data
from tests.fieldwork import plan_day
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.model import AbsenceKind, Appointment, AuditEntry, VisitKind
from visitsvc.register import absences, elders

Login = Callable[[str], Headers]
URL = "/api/v1/appointments"
TOMORROW = date(2026, 11, 26)  # NOW is Wednesday 25 November 2026, 10:00
FRIDAY = date(2026, 11, 27)


def body(
    elder_id: int, day: date = TOMORROW, start: str = "09:00", end: str = "10:30", **more: Any
) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "elder_id": elder_id, "day": day.isoformat(),
            "window_start": start, "window_end": end, **more}  # fmt: skip


def rows(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(Appointment)) or 0)


def test_recorded_once_per_client_id_a_retry_gets_it_back_another_body_is_409(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    sent = body(district.elders["elder_a1"], note="下午要去医院")
    first = client.post(URL, json=sent, headers=login("w_a1"))
    assert first.status_code == 201, first.json
    assert first.json["state"] == "agreed"
    assert (first.json["window_start"], first.json["window_end"]) == ("09:00", "10:30")
    assert first.json["recorded_by"] == {"id": district.accounts["w_a1"], "name": "张网格"}
    assert (first.json["planned_visit_id"], first.json["needs_new_date"]) == (None, False)
    again = client.post(URL, json=sent, headers=login("w_a1"))
    assert again.status_code == 200
    assert again.json == first.json
    other = client.post(URL, json={**sent, "window_end": "11:00"}, headers=login("w_a1"))
    assert other.status_code == 409
    assert other.json["code"] == "client_id_reused"
    assert rows(uow) == 1


def test_the_office_may_leave_the_client_id_to_the_server_and_it_is_audited(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    sent = body(district.elders["elder_a1"])
    del sent["client_id"]
    response = client.post(URL, json=sent, headers=login("sup_a"))
    assert response.status_code == 201, response.json
    assert uuid.UUID(response.json["client_id"])
    with uow:
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.record_type == "appointment")
        )
        assert list(actions) == ["appointment.create"]


def test_a_person_outside_the_callers_area_is_404(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    for account, elder in (("w_a1", "elder_b1"), ("w_a1", "elder_a2"), ("sup_b", "elder_a1")):
        response = client.post(URL, json=body(district.elders[elder]), headers=login(account))
        assert response.status_code == 404, (account, elder)
    assert rows(uow) == 0


def test_another_areas_client_id_sent_again_is_404_and_shows_nothing(
    client: FlaskClient, district: District, login: Login
) -> None:
    made = body(district.elders["elder_a1"])
    assert client.post(URL, json=made, headers=login("w_a1")).status_code == 201
    again = client.post(URL, json=made, headers=login("sup_b"))
    assert again.status_code == 404
    assert "elder_id" not in again.json
    assert "day" not in again.json


def test_a_day_in_the_past_or_off_work_or_a_bad_window_is_422_by_field(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = district.elders["elder_a1"]
    cases = [
        (body(elder, day=date(2026, 11, 24)), {"day"}),  # yesterday
        (body(elder, day=date(2026, 11, 28)), {"day"}),  # a Saturday
        (body(elder, start="10:00", end="10:00"), {"window_end"}),
        (body(elder, start="06:30", end="08:00"), {"window_start"}),
        (body(elder, start="19:00", end="20:30"), {"window_end"}),
        (body(elder, start=None, end=None), {"window_start", "window_end"}),
        (body(elder, result="no_answer"), {"window_start", "window_end"}),  # nobody answered: no window
        (body(elder, start="9 点"), {"window_start"}),
    ]
    for sent, fields in cases:
        response = client.post(URL, json=sent, headers=login("w_a1"))
        assert response.status_code == 422, sent
        assert set(response.json["errors"]) == fields, (sent, response.json)
    assert rows(uow) == 0


def test_a_new_agreement_replaces_the_earlier_one(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    elder = district.elders["elder_a1"]
    first = client.post(URL, json=body(elder), headers=login("w_a1")).json
    second = client.post(URL, json=body(elder, day=FRIDAY), headers=login("sup_a")).json
    listed = client.get(URL, query_string={"elder_id": elder}, headers=login("w_a1")).json["items"]
    assert [(a["id"], a["state"]) for a in listed] == [(first["id"], "cancelled"), (second["id"], "agreed")]


def test_an_unanswered_call_ahead_is_kept_without_a_window_and_cancels_nothing(
    client: FlaskClient, district: District, login: Login
) -> None:
    elder = district.elders["elder_a1"]
    agreed = client.post(URL, json=body(elder, day=FRIDAY), headers=login("w_a1")).json
    call = client.post(URL, json=body(elder, start=None, end=None, result="no_answer"), headers=login("w_a1"))
    assert call.status_code == 201, call.json
    assert (call.json["state"], call.json["window_start"]) == ("no_answer", None)
    again = client.get(f"{URL}/{agreed['id']}", headers=login("w_a1")).json
    assert again["state"] == "agreed"


def test_delete_cancels_and_is_404_outside_the_area(
    client: FlaskClient, district: District, login: Login
) -> None:
    made = client.post(URL, json=body(district.elders["elder_a1"]), headers=login("w_a1")).json
    assert client.delete(f"{URL}/{made['id']}", headers=login("sup_b")).status_code == 404
    assert client.delete(f"{URL}/{made['id']}", headers=login("w_a2")).status_code == 404
    cancelled = client.delete(f"{URL}/{made['id']}", headers=login("sup_a"))
    assert cancelled.status_code == 200
    assert cancelled.json["state"] == "cancelled"
    assert client.delete(f"{URL}/{made['id']}", headers=login("w_a1")).json["state"] == "cancelled"


def test_the_list_is_scoped_and_filtered(client: FlaskClient, district: District, login: Login) -> None:
    made = {
        name: client.post(URL, json=body(district.elders[name]), headers=login("admin")).json["id"]
        for name in ("elder_a1", "elder_a2", "elder_b1")
    }

    def ids(account: str, **query: Any) -> list[int]:
        response = client.get(URL, query_string=query, headers=login(account))
        assert response.status_code == 200, response.json
        return [a["id"] for a in response.json["items"]]

    assert ids("sup_a") == [made["elder_a1"], made["elder_a2"]]
    assert ids("sup_b") == [made["elder_b1"]]
    assert ids("w_a1") == [made["elder_a1"]]
    assert ids("sup_a", worker_id=district.accounts["w_a2"]) == [made["elder_a2"]]
    assert ids("sup_a", month="2026-12") == []
    assert ids("sup_a", state="cancelled") == []
    assert (
        client.get(
            URL, query_string={"worker_id": district.accounts["w_b1"]}, headers=login("sup_a")
        ).status_code
        == 404
    )
    first = client.get(URL, query_string={"limit": 1}, headers=login("admin")).json
    rest = client.get(URL, query_string={"cursor": first["next_cursor"]}, headers=login("admin")).json
    assert [a["id"] for a in first["items"] + rest["items"]] == sorted(made.values())


def test_planned_visit_and_needs_new_date(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    a1, a2 = district.elders["elder_a1"], district.elders["elder_a2"]
    (visit,) = plan_day(uow, worker_id=district.accounts["w_a1"], day=TOMORROW, elder_ids=[a1])
    fixed = client.post(URL, json=body(a1), headers=login("sup_a")).json
    assert (fixed["planned_visit_id"], fixed["needs_new_date"]) == (visit, False)
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=district.accounts["w_a2"], first_day=TOMORROW, last_day=TOMORROW,
        kind=AbsenceKind.SICK,
    )  # fmt: skip
    lost = client.post(URL, json=body(a2), headers=login("sup_a")).json
    assert (lost["planned_visit_id"], lost["needs_new_date"]) == (None, True)


def test_an_appointment_made_offline_arrives_once_when_synced_twice(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    made = body(district.elders["elder_a1"])
    batch = {
        "records": [],
        "appointments": [
            made,
            {**body(district.elders["elder_b1"])},  # another street's person
            {**body(district.elders["elder_a1"]), "day": "2026-11-28"},  # a Saturday
            {"client_id": "not-a-uuid", "elder_id": 1},
        ],
    }
    first = client.post("/api/v1/me/sync", json=batch, headers=login("w_a1"))
    assert first.status_code == 200, first.json
    results = first.json["appointments"]
    assert [r["status"] for r in results] == ["created", "not_found", "invalid", "invalid"]
    assert list(results[2]["errors"]) == ["day"]
    assert results[3]["client_id"] == "not-a-uuid"
    again = client.post(
        "/api/v1/me/sync",
        json={"records": [], "appointments": [made, {**made, "window_end": "12:00"}]},
        headers=login("w_a1"),
    ).json["appointments"]
    assert [r["status"] for r in again] == ["duplicate", "conflict"]
    assert again[0]["appointment_id"] == results[0]["appointment_id"]
    assert rows(uow) == 1


def test_a_sync_without_appointments_answers_as_before(
    client: FlaskClient, district: District, login: Login
) -> None:
    response = client.post("/api/v1/me/sync", json={"records": []}, headers=login("w_a1"))
    assert response.json == {"results": [], "appointments": []}


def test_call_ahead_lists_the_next_working_days_unbooked_home_visits(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    grid = district.codes["grid_a1"]
    more = [
        elders.create_elder(uow, caller=SYSTEM, data=elder_data(grid, name=n)).id
        for n in ("钱甲", "孙乙", "周丙")
    ]
    a1 = district.elders["elder_a1"]
    booked, unanswered, by_phone = more
    plan_day(
        uow, worker_id=district.accounts["w_a1"], day=TOMORROW, elder_ids=[a1, booked, unanswered, by_phone],
        kinds=[VisitKind.HOME, VisitKind.HOME, VisitKind.HOME, VisitKind.PHONE],
    )  # fmt: skip
    assert client.post(URL, json=body(booked), headers=login("w_a1")).status_code == 201
    call = body(unanswered, start=None, end=None, result="no_answer")
    assert client.post(URL, json=call, headers=login("w_a1")).status_code == 201
    response = client.get("/api/v1/me/call-ahead", headers=login("w_a1"))
    assert response.status_code == 200, response.json
    assert response.json["date"] == TOMORROW.isoformat()
    stops = response.json["stops"]
    assert [s["elder"]["id"] for s in stops] == [a1, unanswered]
    assert stops[0]["last_call"] is None
    assert stops[1]["last_call"]["result"] == "no_answer"
    assert stops[0]["elder"]["phone"]
    assert "*" not in stops[0]["elder"]["phone"]
    assert stops[0]["planned_arrival"] == "09:00"
    # 86 and living alone: a weekly visit, whose week runs to Monday the 30th (a month's last week of one
    # working day joins the one before).
    assert stops[0]["last_day"] == "2026-11-30"
    with uow:
        shown = uow.session.scalars(
            select(AuditEntry.record_id).where(AuditEntry.action == "route.phone_shown")
        )
        assert sorted(map(int, shown)) == sorted([a1, unanswered])
    assert (
        client.get("/api/v1/me/call-ahead", query_string={"day": "2026-11-27"}, headers=login("w_a1")).json[
            "stops"
        ]
        == []
    )


def test_on_a_day_off_the_call_ahead_list_is_of_the_next_working_day(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock
) -> None:
    monday = date(2026, 11, 30)
    (visit,) = plan_day(
        uow, worker_id=district.accounts["w_a1"], day=monday, elder_ids=[district.elders["elder_a1"]]
    )
    clock.set(datetime(2026, 11, 29, 20, 0, tzinfo=SHANGHAI))  # a Sunday evening
    listed = client.get("/api/v1/me/call-ahead", headers=login("w_a1")).json
    assert listed["date"] == monday.isoformat()
    assert [s["visit_id"] for s in listed["stops"]] == [visit]
