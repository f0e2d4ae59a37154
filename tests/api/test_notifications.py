"""GET /api/v1/notifications: every send of the caller's area with its state, tries and last error; an urgent
finding recorded through POST /visits is told to the supervisor of its street once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.console import Console
from tests.factories import District, make_follow_up, make_record
from tests.fake_receiver import Receiver, receiver
from tests.fieldwork import at, ok_findings, plan_day, set_elder, visit_body
from visitsvc.infrastructure.notify_channels import WecomChannel
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.oversight import notifications

__all__ = ["receiver"]
Login = Callable[[str], Headers]
URL = "/api/v1/notifications"
TODAY = date(2026, 11, 25)


def notify(uow: UnitOfWork, clock: FixedClock, receiver: Receiver) -> dict[str, object]:
    channel = WecomChannel(f"{receiver.url}/send")
    return notifications.notify_pass(uow, channel, now=clock.now(), lookback=timedelta(hours=48))


def test_an_urgent_finding_recorded_by_a_worker_is_told_once_to_their_supervisor(
    client: FlaskClient,
    district: District,
    login: Login,
    uow: UnitOfWork,
    clock: FixedClock,
    receiver: Receiver,
) -> None:
    findings = ok_findings()
    findings["safety"] = {"status": "concern", "note": "昨晚摔倒，电话13800001234", "urgent": True}
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(TODAY, 9), findings=findings)
    recorded = client.post("/api/v1/visits", json=body, headers=login("w_a1"))
    assert recorded.status_code == 201, recorded.json
    assert notify(uow, clock, receiver)["sent"] == 1
    assert notify(uow, clock, receiver)["sent"] == 0
    response = client.get(URL, headers=login("sup_a"))
    assert response.status_code == 200, response.json
    (item,) = response.json["items"]
    assert item["kind"] == "urgent_follow_up"
    assert item["follow_up_id"] == recorded.json["follow_ups"][0]["id"]
    assert item["recipient"] == {"id": district.accounts["sup_a"], "name": "北山督导"}
    assert (item["state"], item["tries"], item["last_error"], item["channel"]) == ("sent", 1, None, "wecom")
    assert "13800001234" not in item["text"], "the worker's note is not sent"
    assert len(receiver.requests) == 1


def test_each_supervisor_sees_the_sends_of_their_own_area_and_grid_workers_none(
    client: FlaskClient,
    district: District,
    login: Login,
    uow: UnitOfWork,
    clock: FixedClock,
    receiver: Receiver,
) -> None:
    for elder, worker in (("elder_a1", "w_a1"), ("elder_b1", "w_b1")):
        visit = make_record(
            uow, elder_id=district.elders[elder], worker_id=district.accounts[worker], day=TODAY
        )
        make_follow_up(uow, visit, "urgent:safety", urgent=True)
    receiver.answer((500, {}))
    notify(uow, clock, receiver)

    def kinds(account: str, **query: object) -> list[tuple[str, str | None]]:
        response = client.get(URL, headers=login(account), query_string=query)
        assert response.status_code == 200, response.json
        return [(i["recipient"]["name"], i["last_error"]) for i in response.json["items"]]

    assert kinds("sup_a") == [("北山督导", "HTTP 500")]
    assert kinds("sup_b") == [("西溪督导", None)]
    assert kinds("admin") == [("西溪督导", None), ("北山督导", "HTTP 500")], "newest first"
    assert kinds("admin", state="pending") == [("北山督导", "HTTP 500")]
    page = client.get(URL, headers=login("admin"), query_string={"limit": 1}).json
    assert len(page["items"]) == 1
    assert page["next_cursor"] is not None
    assert client.get(URL, headers=login("w_a1")).status_code == 403
    assert client.get(URL, headers=login("admin"), query_string={"state": "lost"}).status_code == 422


def test_the_console_page_lists_each_send_with_state_tries_and_error(
    client: FlaskClient, district: District, uow: UnitOfWork, clock: FixedClock, receiver: Receiver
) -> None:
    visit = make_record(
        uow, elder_id=district.elders["elder_a1"], worker_id=district.accounts["w_a1"], day=TODAY
    )
    make_follow_up(uow, visit, "urgent:safety", urgent=True)
    receiver.answer((502, {}))
    notify(uow, clock, receiver)
    console = Console(client)
    console.login("sup_a")
    page = console.get("/console/notifications")
    assert page.status_code == 200
    assert "【紧急跟进】保俶一网格" in page.text
    assert "HTTP 502" in page.text
    assert "待发送" in page.text
    assert "北山督导" in page.text
    assert "HTTP 502" not in console.get("/console/notifications", state="sent").text
    assert console.get("/console/notifications", state="lost").status_code == 422
    other = Console(client.application.test_client())
    other.login("w_a1")
    assert other.get("/console/notifications").status_code == 403


def test_a_call_nobody_answers_after_the_last_empty_doorstep_is_told_to_the_supervisor(
    client: FlaskClient,
    district: District,
    login: Login,
    uow: UnitOfWork,
    clock: FixedClock,
    receiver: Receiver,
) -> None:
    last_day = date(2026, 11, 30)  # November's last working day: a monthly home visit's last chance
    person = district.elders["elder_a1"]
    set_elder(uow, person, birth_date=date(1955, 3, 1))  # 71, living alone: one home visit a month
    clock.set(at(last_day, 19))
    (stop,) = plan_day(uow, worker_id=district.accounts["w_a1"], day=last_day, elder_ids=[person])
    door = visit_body(planned_visit_id=stop, start=at(last_day, 9), outcome="not_home")
    assert client.post("/api/v1/visits", json=door, headers=login("w_a1")).status_code == 201
    call = visit_body(elder_id=person, start=at(last_day, 9, 25), kind="phone", outcome="unreachable")
    answer = client.post("/api/v1/visits", json=call, headers=login("w_a1"))
    assert answer.status_code == 201, answer.json
    assert notify(uow, clock, receiver)["sent"] == 1
    (item,) = client.get(URL, headers=login("sup_a")).json["items"]
    assert item["follow_up_id"] == answer.json["follow_ups"][0]["id"]
    assert "请立即联系紧急联系人" in item["text"]
    assert receiver.requests[0].body["text"]["content"] == item["text"]
