"""POST /api/v1/me/absences (请假/报病): a future absence is only stored, for the nightly re-plan; one that
covers today re-plans the worker's day at once, as the system, audited as the worker's request; a re-plan
that refuses never loses the absence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.api.solved_december import DECEMBER, current, first_day_of, morning_of, planned
from tests.factories import District, id_number
from visitsvc.field import sick_report
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.model import AuditEntry, PlannedVisit

Login = Callable[[str], Headers]
__all__ = ["planned"]  # a fixture: pytest finds it by name in this module


def away(first_day: date, last_day: date | None = None, kind: str = "sick") -> dict[str, Any]:
    return {"first_day": first_day.isoformat(), "last_day": (last_day or first_day).isoformat(), "kind": kind}


def versions(uow: UnitOfWork) -> list[int]:
    with uow:
        return [v.number for v in uow.plans.versions(DECEMBER)]


def audited(uow: UnitOfWork, action: str) -> list[AuditEntry]:
    with uow:
        entries = list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        uow.session.expunge_all()
        return entries


def absences_of(client: FlaskClient, worker_id: int, login: Login) -> list[str]:
    listed = client.get(f"/api/v1/workers/{worker_id}/absences", headers=login("sup_a"))
    assert listed.status_code == 200, listed.json
    return [a["first_day"] for a in listed.json]


def test_a_same_morning_sick_report_moves_todays_visits_at_once_and_is_audited(
    client: FlaskClient,
    uow: UnitOfWork,
    clock: FixedClock,
    district: District,
    login: Login,
    planned: list[PlannedVisit],
) -> None:
    w_a1 = district.accounts["w_a1"]
    today = first_day_of(w_a1, planned)
    morning_of(clock, today)
    todays = {(r.elder_id, r.obligation) for r in planned if r.worker_id == w_a1 and r.day == today}
    response = client.post("/api/v1/me/absences", json=away(today), headers=login("w_a1"))
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["worker_id"], body["first_day"], body["kind"]) == (w_a1, today.isoformat(), "sick")
    summary = body["replan"]
    assert (summary["done"], summary["created"], summary["version"], summary["refused"]) == (
        True,
        True,
        2,
        None,
    )
    assert summary["moved"] == len(todays) > 0
    after = current(uow)
    assert not [r for r in after if r.worker_id == w_a1 and r.day == today], "nothing left for today"
    for key in todays:
        (row,) = [r for r in after if (r.elder_id, r.obligation) == key]
        assert row.day > today or row.worker_id != w_a1
    (entry,) = audited(uow, "absence.replan_today")
    assert (entry.actor_id, entry.record_id) == (w_a1, str(w_a1)), "who asked"
    assert entry.details == {"absence_id": body["id"], "done": True, "version": 2, "created": True,
                             "moved": len(todays)}  # fmt: skip
    (written,) = [e for e in audited(uow, "plan.create") if e.details["trigger"] == "replan"]
    assert written.actor_id is None, "the re-plan ran as the system"


def test_a_future_absence_re_plans_nothing_now(
    client: FlaskClient,
    uow: UnitOfWork,
    clock: FixedClock,
    district: District,
    login: Login,
    planned: list[PlannedVisit],
) -> None:
    w_a1 = district.accounts["w_a1"]
    today = first_day_of(w_a1, planned)
    morning_of(clock, today)
    tomorrow = today + timedelta(days=1)
    response = client.post("/api/v1/me/absences", json=away(tomorrow, tomorrow + timedelta(days=2)),
                           headers=login("w_a1"))  # fmt: skip
    assert response.status_code == 201, response.json
    assert (response.json["first_day"], response.json["replan"]) == (tomorrow.isoformat(), None)
    assert versions(uow) == [1], "the nightly re-plan moves it"
    assert audited(uow, "absence.replan_today") == []


def test_a_month_without_a_plan_keeps_the_absence_and_leaves_it_to_the_nightly_run(
    client: FlaskClient, uow: UnitOfWork, clock: FixedClock, district: District, login: Login
) -> None:
    clock.set(datetime(2027, 1, 5, 8, 0, tzinfo=SHANGHAI))
    response = client.post("/api/v1/me/absences", json=away(date(2027, 1, 5)), headers=login("w_a1"))
    assert response.status_code == 201, response.json
    summary = response.json["replan"]
    assert (summary["done"], summary["version"], summary["refused"]) == (False, None, "not_found")
    assert "今晚" in summary["message"]
    assert absences_of(client, district.accounts["w_a1"], login) == ["2027-01-05"]
    (entry,) = audited(uow, "absence.replan_today")
    assert entry.details == {"absence_id": response.json["id"], "done": False, "refused": "not_found"}


def test_a_plan_run_holding_the_month_keeps_the_absence_and_the_plan(
    client: FlaskClient,
    uow: UnitOfWork,
    clock: FixedClock,
    district: District,
    login: Login,
    planned: list[PlannedVisit],
) -> None:
    w_a1 = district.accounts["w_a1"]
    today = first_day_of(w_a1, planned)
    morning_of(clock, today)
    with uow:
        uow.planning_locks.take(f"plan:{DECEMBER}", "a running plan", uow.clock.now())
        uow.commit()
    response = client.post("/api/v1/me/absences", json=away(today), headers=login("w_a1"))
    assert response.status_code == 201, response.json
    summary = response.json["replan"]
    assert (summary["done"], summary["created"], summary["refused"]) == (False, False, "plan_running")
    assert absences_of(client, w_a1, login) == [today.isoformat()]
    assert versions(uow) == [1]


def test_a_supervisors_absence_for_a_worker_is_stored_for_the_nightly_run_or_post_replan(
    client: FlaskClient,
    uow: UnitOfWork,
    clock: FixedClock,
    district: District,
    login: Login,
    planned: list[PlannedVisit],
) -> None:
    w_a1 = district.accounts["w_a1"]
    today = first_day_of(w_a1, planned)
    morning_of(clock, today)
    url = f"/api/v1/workers/{w_a1}/absences"
    response = client.post(url, json=away(today), headers=login("sup_a"))
    assert response.status_code == 201, response.json
    assert "replan" not in response.json
    assert versions(uow) == [1]
    mine = client.post("/api/v1/me/absences", json=away(today + timedelta(days=7)), headers=login("sup_a"))
    assert mine.status_code == 422, "only grid workers are away from a route"


def test_a_re_plan_that_breaks_keeps_the_absence_answers_201_and_logs_no_message(
    client: FlaskClient,
    uow: UnitOfWork,
    clock: FixedClock,
    district: District,
    login: Login,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug in the re-plan must not turn a stored absence into a 500 that the phone retries into a 409."""

    number = id_number()  # made at run time: the logged frames quote source lines, never values

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"no route for {number}")  # an error's text may hold personal data

    monkeypatch.setattr(sick_report.replanning, "replan_today", broken)
    clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI))
    response = client.post("/api/v1/me/absences", json=away(date(2026, 12, 7)), headers=login("w_a1"))
    assert response.status_code == 201, response.json
    summary = response.json["replan"]
    assert (summary["done"], summary["refused"]) == (False, "replan_failed")
    assert "今晚" in summary["message"]
    assert absences_of(client, district.accounts["w_a1"], login) == ["2026-12-07"]
    assert "RuntimeError" in caplog.text
    assert number not in caplog.text
