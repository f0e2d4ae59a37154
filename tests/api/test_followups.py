"""GET/PATCH /api/v1/followups: the queue, urgent first; open -> in progress -> closed, never back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.api.december import December, december
from tests.factories import District, make_follow_up, make_record
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AuditEntry, FollowUp, VisitOutcome

Login = Callable[[str], Headers]


@dataclass
class Queue:
    concern_a2: int  # street A, not urgent
    urgent_a1: int  # street A, urgent
    urgent_b1: int  # street B, urgent


@pytest.fixture
def queue(uow: UnitOfWork, clock: FixedClock, district: District) -> Queue:
    month: December = december(uow, clock, district)
    b1 = make_record(
        uow, elder_id=month.people["elder_b1"], worker_id=district.accounts["w_b1"], day=date(2026, 12, 9),
        outcome=VisitOutcome.VISITED,
    )  # fmt: skip
    return Queue(
        concern_a2=make_follow_up(uow, month.records["elder_a2"], "not_home_high_risk"),
        urgent_a1=make_follow_up(uow, month.records["elder_a1"], "urgent:safety", urgent=True),
        urgent_b1=make_follow_up(uow, b1, "urgent:daily_care", urgent=True),
    )


def ids(client: FlaskClient, headers: Headers, **query: object) -> list[int]:
    response = client.get("/api/v1/followups", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def patch(client: FlaskClient, headers: Headers, item: int, status: str, note: str | None = None):  # type: ignore[no-untyped-def]
    return client.patch(f"/api/v1/followups/{item}", json={"status": status, "note": note}, headers=headers)


def test_urgent_items_come_first_and_each_supervisor_sees_their_own_area(
    client: FlaskClient, login: Login, queue: Queue
) -> None:
    assert ids(client, login("sup_a")) == [queue.urgent_a1, queue.concern_a2]
    assert ids(client, login("sup_b")) == [queue.urgent_b1]
    assert ids(client, login("admin")) == [queue.urgent_a1, queue.urgent_b1, queue.concern_a2]


def test_pages_keep_urgent_first_order(client: FlaskClient, login: Login, queue: Queue) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        query: dict[str, object] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/followups", query_string=query, headers=login("admin")).json
        seen += [item["id"] for item in response["items"]]
        cursor = response["next_cursor"]
        if cursor is None:
            break
    assert seen == [queue.urgent_a1, queue.urgent_b1, queue.concern_a2]


def test_urgent_empty_doorsteps_come_before_other_urgent_items_on_every_page(
    client: FlaskClient, login: Login, queue: Queue, uow: UnitOfWork
) -> None:
    visit_a2 = uow_visit_of(uow, queue.concern_a2)
    last_chance = make_follow_up(uow, visit_a2, "not_found_last_chance", urgent=True)
    high_risk = make_follow_up(uow, visit_a2, "not_home_high_risk", urgent=True)
    expected = [last_chance, high_risk, queue.urgent_a1, queue.urgent_b1, queue.concern_a2]
    assert ids(client, login("admin")) == expected
    seen: list[int] = []
    cursor = None
    while True:
        query: dict[str, object] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/followups", query_string=query, headers=login("admin")).json
        seen += [item["id"] for item in response["items"]]
        cursor = response["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    assert ids(client, login("sup_a")) == [last_chance, high_risk, queue.urgent_a1, queue.concern_a2]


def uow_visit_of(uow: UnitOfWork, follow_up_id: int) -> int:
    with uow:
        found = uow.session.get_one(FollowUp, follow_up_id).visit_id
        assert found is not None
        return found


def test_a_follow_up_moves_forward_to_closed_and_leaves_the_queue(
    client: FlaskClient, login: Login, queue: Queue, uow: UnitOfWork
) -> None:
    started = patch(client, login("sup_a"), queue.concern_a2, "in_progress", "已电话联系家属")
    assert started.status_code == 200, started.json
    assert started.json["status"] == "in_progress"
    assert started.json["updated_by"] is not None
    closed = patch(client, login("sup_a"), queue.concern_a2, "closed")
    assert closed.json["status"] == "closed"
    assert ids(client, login("sup_a")) == [queue.urgent_a1], "the queue holds open and in-progress items"
    assert ids(client, login("sup_a"), status="closed") == [queue.concern_a2]
    with uow:
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "followup.status").order_by(AuditEntry.id)
        ).all()
        assert [e.details["changes"]["status"] for e in entries] == [
            ["open", "in_progress"],
            ["in_progress", "closed"],
        ]
        assert entries[0].details["note"] == "已电话联系家属"


def test_an_open_item_may_be_closed_at_once(client: FlaskClient, login: Login, queue: Queue) -> None:
    assert patch(client, login("sup_a"), queue.urgent_a1, "closed").status_code == 200


@pytest.mark.parametrize(
    ("path", "wrong"),
    [
        (["closed"], "open"),
        (["closed"], "in_progress"),
        (["in_progress"], "open"),
        ([], "open"),
        (["in_progress"], "in_progress"),
    ],
)
def test_no_going_back_and_no_standing_still(
    client: FlaskClient, login: Login, queue: Queue, path: list[str], wrong: str
) -> None:
    for step in path:
        assert patch(client, login("sup_a"), queue.concern_a2, step).status_code == 200
    response = patch(client, login("sup_a"), queue.concern_a2, wrong)
    assert response.status_code == 409
    assert response.json["code"] == "wrong_transition"
    assert "status" in response.json["errors"]


def test_scoping_roles_and_bad_input(client: FlaskClient, login: Login, queue: Queue) -> None:
    assert patch(client, login("sup_b"), queue.concern_a2, "in_progress").status_code == 404
    assert patch(client, login("sup_a"), 999_999, "in_progress").status_code == 404
    assert patch(client, login("w_a2"), queue.concern_a2, "in_progress").status_code == 403
    assert client.get("/api/v1/followups", headers=login("w_a2")).status_code == 403
    bad = patch(client, login("sup_a"), queue.concern_a2, "done")
    assert bad.status_code == 422
    assert "status" in bad.json["errors"]
    extra = client.patch(
        f"/api/v1/followups/{queue.concern_a2}", json={"status": "closed", "owner": 1}, headers=login("sup_a")
    )
    assert extra.status_code == 422
    assert (
        client.get("/api/v1/followups", query_string={"status": "x"}, headers=login("sup_a")).status_code
        == 422
    )
