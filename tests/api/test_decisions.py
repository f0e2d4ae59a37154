"""A supervisor's decisions: proof-of-visit flags, status-change proposals, quarantine, voids and
refusal of all contact. Each is audited, taken once (409 after), within the supervisor's area (404 outside)
and not for grid workers (403). tests/api/december.py describes the month."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.api.december import December, december
from tests.factories import District, make_flag, make_proposal, make_record
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AuditEntry, ElderStatus, FlagKind, RecordState, VisitOutcome

Login = Callable[[str], Headers]


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def actions(uow: UnitOfWork, record_type: str, record_id: int) -> list[str]:
    with uow:
        query = select(AuditEntry.action).where(
            AuditEntry.record_type == record_type, AuditEntry.record_id == str(record_id)
        )
        return list(uow.session.scalars(query.order_by(AuditEntry.id)))


def covered(client: FlaskClient, headers: Headers) -> tuple[int, int]:
    total = client.get("/api/v1/coverage", query_string={"month": "2026-12"}, headers=headers).json["total"]
    return total["coverable"], total["covered"]


# -- proof-of-visit flags ------------------------------------------------------------------------------


def test_flags_are_listed_by_month_and_area(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, month: December
) -> None:
    far = make_flag(uow, month.records["elder_a1"], FlagKind.TOO_FAR, distance_m=850.0, limit_m=200.0)
    b1 = make_record(
        uow, elder_id=month.people["elder_b1"], worker_id=district.accounts["w_b1"], day=date(2026, 12, 9)
    )
    short = make_flag(uow, b1, FlagKind.TOO_SHORT, minutes=1.5)
    items = client.get("/api/v1/flags", query_string={"month": "2026-12"}, headers=login("sup_a")).json[
        "items"
    ]
    assert [f["id"] for f in items] == [far]
    assert items[0]["kind"] == "too_far"
    assert items[0]["elder"]["id"] == month.people["elder_a1"]
    assert items[0]["worker_name"] == "张网格"
    everything = client.get("/api/v1/flags", headers=login("admin")).json["items"]
    assert [f["id"] for f in everything] == [far, short]
    november = client.get("/api/v1/flags", query_string={"month": "2026-11"}, headers=login("admin")).json
    assert november["items"] == []
    assert client.get("/api/v1/flags", headers=login("w_a1")).status_code == 403


def test_accepting_a_proposed_location_moves_and_verifies_the_home(
    client: FlaskClient, login: Login, uow: UnitOfWork, month: December
) -> None:
    flag = make_flag(
        uow, month.records["elder_a1"], FlagKind.LOCATION_PROPOSED, lon=120.1301, lat=30.2851, accuracy_m=12.0
    )
    accepted = client.post(f"/api/v1/flags/{flag}/accept", headers=login("sup_a"))
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["state"] == "accepted"
    elder = client.get(f"/api/v1/elders/{month.people['elder_a1']}", headers=login("sup_a")).json
    assert (elder["lon"], elder["lat"], elder["location_verified"]) == (120.1301, 30.2851, True)
    assert actions(uow, "visit_flag", flag) == ["flag.accepted"]
    assert "elder.update" in actions(uow, "elder", month.people["elder_a1"])
    again = client.post(f"/api/v1/flags/{flag}/accept", headers=login("sup_a"))
    assert (again.status_code, again.json["code"]) == (409, "already_decided")


def test_only_a_location_proposal_is_accepted_and_any_flag_may_be_dismissed_once(
    client: FlaskClient, login: Login, uow: UnitOfWork, month: December
) -> None:
    far = make_flag(uow, month.records["elder_a1"], FlagKind.TOO_FAR, distance_m=850.0)
    wrong = client.post(f"/api/v1/flags/{far}/accept", headers=login("sup_a"))
    assert (wrong.status_code, wrong.json["code"]) == (409, "not_a_location_proposal")
    assert client.post(f"/api/v1/flags/{far}/dismiss", headers=login("sup_b")).status_code == 404
    assert client.post(f"/api/v1/flags/{far}/dismiss", headers=login("w_a1")).status_code == 403
    dismissed = client.post(f"/api/v1/flags/{far}/dismiss", headers=login("sup_a"))
    assert dismissed.json["state"] == "dismissed"
    assert client.post(f"/api/v1/flags/{far}/dismiss", headers=login("sup_a")).status_code == 409
    assert actions(uow, "visit_flag", far) == ["flag.dismissed"]


# -- status-change proposals ---------------------------------------------------------------------------


@pytest.fixture
def proposal(uow: UnitOfWork, district: District, month: December) -> int:
    record = make_record(
        uow, elder_id=month.people["elder_b1"], worker_id=district.accounts["w_b1"], day=date(2026, 12, 9),
        outcome=VisitOutcome.HOSPITALIZED,
    )  # fmt: skip
    return make_proposal(uow, record, ElderStatus.HOSPITALIZED)


def test_confirming_a_proposal_changes_the_status_from_the_supervisors_date(
    client: FlaskClient, login: Login, uow: UnitOfWork, month: December, proposal: int
) -> None:
    pending = client.get("/api/v1/status-proposals", headers=login("sup_b")).json["items"]
    assert [(p["id"], p["to_status"], p["elder_status"]) for p in pending] == [
        (proposal, "hospitalized", "active")
    ]
    assert client.get("/api/v1/status-proposals", headers=login("sup_a")).json["items"] == []
    confirmed = client.post(
        f"/api/v1/status-proposals/{proposal}/confirm",
        json={"effective_date": "2026-12-08", "note": "家属电话核实"},
        headers=login("sup_b"),
    )
    assert confirmed.status_code == 200, confirmed.json
    assert (confirmed.json["state"], confirmed.json["effective_date"]) == ("confirmed", "2026-12-08")
    assert confirmed.json["elder_status"] == "hospitalized"
    elder_id = month.people["elder_b1"]
    history = client.get(f"/api/v1/elders/{elder_id}/history", headers=login("sup_b")).json
    assert (history[-1]["to_status"], history[-1]["effective_date"]) == ("hospitalized", "2026-12-08")
    assert actions(uow, "status_proposal", proposal) == ["proposal.confirmed"]
    assert actions(uow, "elder", elder_id)[-1] == "elder.status"
    assert client.get("/api/v1/status-proposals", headers=login("sup_b")).json["items"] == []
    decided = client.get(
        "/api/v1/status-proposals", query_string={"state": "confirmed"}, headers=login("sup_b")
    )
    assert [p["id"] for p in decided.json["items"]] == [proposal]
    again = client.post(f"/api/v1/status-proposals/{proposal}/reject", json={}, headers=login("sup_b"))
    assert (again.status_code, again.json["code"]) == (409, "already_decided")


def test_a_confirmation_the_register_refuses_writes_nothing(
    client: FlaskClient, login: Login, month: December, proposal: int
) -> None:
    too_early = client.post(
        f"/api/v1/status-proposals/{proposal}/confirm",
        json={"effective_date": "2020-01-01"},
        headers=login("sup_b"),
    )
    assert too_early.status_code == 409
    assert too_early.json["code"] == "effective_before_last_change"
    still = client.get("/api/v1/status-proposals", headers=login("sup_b")).json["items"]
    assert [p["state"] for p in still] == ["pending"]
    elder = client.get(f"/api/v1/elders/{month.people['elder_b1']}", headers=login("sup_b")).json
    assert elder["status"] == "active"
    missing = client.post(f"/api/v1/status-proposals/{proposal}/confirm", json={}, headers=login("sup_b"))
    assert missing.status_code == 422
    assert "effective_date" in missing.json["errors"]


def test_a_death_confirmed_from_before_the_planned_day_makes_the_person_not_coverable(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, month: December
) -> None:
    record = make_record(
        uow, elder_id=month.people["elder_b1"], worker_id=district.accounts["w_b1"], day=date(2026, 12, 9),
        outcome=VisitOutcome.DECEASED,
    )  # fmt: skip
    proposal = make_proposal(uow, record, ElderStatus.DECEASED)
    assert covered(client, login("sup_b")) == (1, 0)
    response = client.post(
        f"/api/v1/status-proposals/{proposal}/confirm",
        json={"effective_date": "2026-12-01"},
        headers=login("sup_b"),
    )
    assert response.status_code == 200, response.json
    assert covered(client, login("sup_b")) == (0, 0), "left before the planned 4 December: not a miss"


def test_rejecting_a_proposal_leaves_the_register_alone(
    client: FlaskClient, login: Login, uow: UnitOfWork, month: December, proposal: int
) -> None:
    assert (
        client.post(
            f"/api/v1/status-proposals/{proposal}/reject", json={}, headers=login("sup_a")
        ).status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/status-proposals/{proposal}/reject", json={}, headers=login("w_b1")).status_code
        == 403
    )
    rejected = client.post(
        f"/api/v1/status-proposals/{proposal}/reject", json={"note": "本人在家"}, headers=login("sup_b")
    )
    assert (rejected.json["state"], rejected.json["decision_note"]) == ("rejected", "本人在家")
    assert rejected.json["elder_status"] == "active"
    assert actions(uow, "status_proposal", proposal) == ["proposal.rejected"]


# -- quarantine and voids ------------------------------------------------------------------------------


def test_a_late_record_counts_only_once_accepted_and_a_rejected_one_is_kept(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, month: December
) -> None:
    late = make_record(
        uow, elder_id=month.people["elder_b1"], worker_id=district.accounts["w_b1"], day=date(2026, 12, 9),
        state=RecordState.QUARANTINED,
    )  # fmt: skip
    also_late = make_record(
        uow, elder_id=month.people["elder_a2"], worker_id=district.accounts["w_a2"], day=date(2026, 12, 9),
        state=RecordState.QUARANTINED,
    )  # fmt: skip
    assert covered(client, login("sup_b")) == (1, 0)
    held = client.get("/api/v1/quarantine", headers=login("sup_b")).json["items"]
    assert [(r["id"], r["counts"]) for r in held] == [(late, False)]
    accepted = client.post(f"/api/v1/quarantine/{late}/accept", json={}, headers=login("sup_b"))
    assert (accepted.json["state"], accepted.json["counts"]) == ("counted", True)
    assert covered(client, login("sup_b")) == (1, 1)
    assert (
        client.post(f"/api/v1/quarantine/{late}/accept", json={}, headers=login("sup_b")).status_code == 409
    )
    rejected = client.post(f"/api/v1/quarantine/{also_late}/reject", json={}, headers=login("sup_a"))
    assert (rejected.json["state"], rejected.json["counts"]) == ("rejected", False)
    assert client.get("/api/v1/quarantine", headers=login("sup_a")).json["items"] == []
    assert actions(uow, "visit", late) == ["visit.quarantine_accept"]
    assert actions(uow, "visit", also_late) == ["visit.quarantine_reject"]
    counted = month.records["elder_a1"]
    assert (
        client.post(f"/api/v1/quarantine/{counted}/accept", json={}, headers=login("sup_a")).status_code
        == 409
    )
    assert (
        client.post(f"/api/v1/quarantine/{late}/reject", json={}, headers=login("sup_a")).status_code == 404
    )
    assert client.get("/api/v1/quarantine", headers=login("w_b1")).status_code == 403


def test_a_voided_visit_no_longer_counts_and_takes_its_pending_proposal_with_it(
    client: FlaskClient, login: Login, uow: UnitOfWork, month: December
) -> None:
    visit = month.records["elder_a1"]
    proposal = make_proposal(uow, visit, ElderStatus.MOVED_OUT)
    assert covered(client, login("sup_a")) == (3, 1)
    assert (
        client.post(f"/api/v1/visits/{visit}/void", json={"reason": "x"}, headers=login("sup_b")).status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/visits/{visit}/void", json={"reason": "x"}, headers=login("w_a1")).status_code
        == 403
    )
    blank = client.post(f"/api/v1/visits/{visit}/void", json={"reason": "   "}, headers=login("sup_a"))
    assert (blank.status_code, list(blank.json["errors"])) == (422, ["reason"])
    voided = client.post(
        f"/api/v1/visits/{visit}/void", json={"reason": "记到了别人名下"}, headers=login("sup_a")
    )
    assert voided.status_code == 200, voided.json
    assert (voided.json["counts"], voided.json["void_reason"]) == (False, "记到了别人名下")
    assert covered(client, login("sup_a")) == (3, 0)
    again = client.post(f"/api/v1/visits/{visit}/void", json={"reason": "再次"}, headers=login("sup_a"))
    assert (again.status_code, again.json["code"]) == (409, "already_voided")
    states = client.get(
        "/api/v1/status-proposals", query_string={"state": "rejected"}, headers=login("sup_a")
    ).json["items"]
    assert [(p["id"], p["decision_note"]) for p in states] == [(proposal, "探访记录已作废")]
    assert actions(uow, "visit", visit) == ["visit.void"]


# -- refusal of all contact ----------------------------------------------------------------------------


def refuse(client: FlaskClient, headers: Headers, elder_id: int, **body: Any):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/elders/{elder_id}/refuses-contact", json=body, headers=headers)


def test_a_refusal_makes_a_person_not_coverable_until_withdrawn(
    client: FlaskClient, login: Login, uow: UnitOfWork, month: December
) -> None:
    elder_id = month.people["elder_a2"]
    marked = refuse(client, login("sup_a"), elder_id, reason="多次明确拒绝", since="2026-12-05")
    assert marked.status_code == 201, marked.json
    assert marked.json == {"elder_id": elder_id, "refused_contact_on": "2026-12-05", "reason": "多次明确拒绝"}
    assert covered(client, login("sup_a")) == (2, 1)
    twice = refuse(client, login("sup_a"), elder_id, reason="再次")
    assert (twice.status_code, twice.json["code"]) == (409, "already_refusing")
    url = f"/api/v1/elders/{elder_id}/refuses-contact"
    assert client.delete(url, headers=login("sup_a")).status_code == 204
    assert covered(client, login("sup_a")) == (3, 1)
    gone = client.delete(url, headers=login("sup_a"))
    assert (gone.status_code, gone.json["code"]) == (409, "not_refusing")
    assert actions(uow, "elder", elder_id)[-2:] == [
        "elder.refuses_contact",
        "elder.refuses_contact_withdrawn",
    ]


def test_a_refusal_needs_a_reason_a_past_date_a_supervisor_and_the_area(
    client: FlaskClient, login: Login, month: December
) -> None:
    elder_id = month.people["elder_a2"]
    no_reason = refuse(client, login("sup_a"), elder_id, reason="")
    assert (no_reason.status_code, list(no_reason.json["errors"])) == (422, ["reason"])
    future = refuse(client, login("sup_a"), elder_id, reason="拒绝", since="2027-01-01")
    assert (future.status_code, list(future.json["errors"])) == (422, ["since"])
    assert refuse(client, login("w_a2"), elder_id, reason="拒绝").status_code == 403
    assert refuse(client, login("sup_b"), elder_id, reason="拒绝").status_code == 404
    assert (
        client.delete(f"/api/v1/elders/{elder_id}/refuses-contact", headers=login("sup_b")).status_code == 404
    )
    assert refuse(client, login("sup_a"), 999_999, reason="拒绝").status_code == 404
