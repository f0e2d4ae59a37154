"""Someone is told: an urgent follow-up or a planning day's shortfall becomes one notification to the
supervisor who answers for the person's area, sent through a channel (a real local receiver here), retried
with backoff when the channel fails and given up after the last try."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import NOW, backend
from tests.factories import SYSTEM, District, make_district, make_follow_up, make_record
from tests.fake_receiver import HANG, Receiver, receiver
from visitsvc import scheduler
from visitsvc.cli.main import main
from visitsvc.infrastructure.notify_channels import NotifierSettings, SmsChannel, WecomChannel
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import (
    AbsenceKind,
    Area,
    Elder,
    Notification,
    NotificationState,
    VisitKind,
    VisitOutcome,
    Worker,
)
from visitsvc.oversight import notifications
from visitsvc.oversight.notifications import BACKOFF_MINUTES, MAX_TRIES
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import absences

__all__ = ["receiver"]
pytestmark = pytest.mark.db
SUP_A_PHONE = "13911112222"
LOOKBACK = timedelta(hours=48)


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    d = make_district(uow)
    with uow:
        uow.session.execute(update(Worker).where(Worker.id == d.accounts["sup_a"]).values(phone=SUP_A_PHONE))
        uow.commit()
    return d


def rows(uow: UnitOfWork) -> list[Notification]:
    with uow:
        return list(uow.session.scalars(select(Notification).order_by(Notification.id)))


def urgent_in_a1(uow: UnitOfWork, district: District, day: date = date(2026, 11, 25)) -> int:
    visit = make_record(
        uow, elder_id=district.elders["elder_a1"], worker_id=district.accounts["w_a1"], day=day
    )
    return make_follow_up(uow, visit, "urgent:safety", urgent=True)


def run(uow: UnitOfWork, channel: WecomChannel | SmsChannel, now: datetime) -> dict[str, object]:
    return notifications.notify_pass(uow, channel, now=now, lookback=LOOKBACK)


def test_an_urgent_follow_up_is_one_notification_to_the_supervisor_of_its_street(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    follow_up = urgent_in_a1(uow, district)
    channel = WecomChannel(f"{receiver.url}/send?key=k")
    assert run(uow, channel, clock.now()) == {
        "channel": "wecom", "enqueued": 1, "sent": 1, "retrying": 0, "failed": 0,
    }  # fmt: skip
    assert run(uow, channel, clock.now())["enqueued"] == 0, "told once"
    (row,) = rows(uow)
    with uow:
        grid = uow.session.scalars(select(Area).where(Area.code == district.codes["grid_a1"])).one()
    assert (row.kind, row.follow_up_id, row.recipient_id) == (
        "urgent_follow_up", follow_up, district.accounts["sup_a"],
    )  # fmt: skip
    assert (row.area_path, row.state, row.tries, row.sent_at) == (
        grid.path, NotificationState.SENT, 1, clock.now(),
    )  # fmt: skip
    (sent,) = receiver.requests
    assert sent.body["text"]["mentioned_mobile_list"] == [SUP_A_PHONE]
    assert sent.body["text"]["content"] == row.text


def test_the_text_names_person_grid_kind_and_time_and_nothing_that_identifies_them_further(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    urgent_in_a1(uow, district)
    run(uow, WecomChannel(f"{receiver.url}/send"), clock.now())
    (row,) = rows(uow)
    with uow:
        elder = uow.session.get_one(Elder, district.elders["elder_a1"])
        secrets = [elder.id_number, elder.phone, elder.emergency_phone, "需要关注", SUP_A_PHONE]
    assert row.text == (
        f"【紧急跟进】保俶一网格 {elder.name}\n事项：安全隐患（紧急）\n时间：2026-11-25 10:00\n"
        "请在督导台处理：/console/queues"
    )
    assert [s for s in secrets if s and s in row.text] == [], "no ID number, phone or the worker's note"


def test_the_nearest_supervisor_up_the_tree_is_told_and_an_admin_when_there_is_none(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    with uow:
        uow.session.execute(
            update(Worker).where(Worker.id == district.accounts["sup_b"]).values(active=False)
        )
        uow.commit()
    visit = make_record(
        uow, elder_id=district.elders["elder_b1"], worker_id=district.accounts["w_b1"], day=date(2026, 11, 25)
    )
    make_follow_up(uow, visit, "urgent:daily_care", urgent=True)
    run(uow, WecomChannel(f"{receiver.url}/send"), clock.now())
    assert [r.recipient_id for r in rows(uow)] == [district.accounts["admin"]]


def test_an_old_follow_up_is_not_sent_when_the_notifier_is_switched_on(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    urgent_in_a1(uow, district)
    later = clock.now() + LOOKBACK + timedelta(minutes=1)
    assert run(uow, WecomChannel(f"{receiver.url}/send"), later)["enqueued"] == 0
    assert notifications.notify_pass(uow, None, now=clock.now(), lookback=LOOKBACK)["enqueued"] == 0


def test_a_failing_receiver_is_tried_again_after_1_then_5_minutes_and_the_send_goes(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    urgent_in_a1(uow, district)
    receiver.answer((500, {}), HANG)
    channel = WecomChannel(f"{receiver.url}/send", timeout=0.3)
    now = clock.now()
    assert run(uow, channel, now)["retrying"] == 1
    (row,) = rows(uow)
    assert (row.state, row.tries, row.last_error, row.next_try_at) == (
        NotificationState.PENDING, 1, "HTTP 500", now + timedelta(minutes=1),
    )  # fmt: skip
    assert run(uow, channel, now + timedelta(seconds=59))["retrying"] == 0, "not due yet"
    assert len(receiver.requests) == 1
    assert run(uow, channel, now + timedelta(minutes=1))["retrying"] == 1
    (row,) = rows(uow)
    assert (row.tries, row.last_error, row.next_try_at) == (2, "timeout", now + timedelta(minutes=6))
    assert run(uow, channel, now + timedelta(minutes=6))["sent"] == 1
    (row,) = rows(uow)
    assert (row.state, row.tries, row.sent_at) == (NotificationState.SENT, 3, now + timedelta(minutes=6))
    assert row.last_error == "timeout", "the last error stays visible beside the send that went"
    assert len(receiver.requests) == 3


def test_a_send_that_keeps_failing_is_failed_after_the_last_retry(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    urgent_in_a1(uow, district)
    receiver.answer(*[(200, {"errcode": 93000, "errmsg": "invalid webhook url"})] * MAX_TRIES)
    channel = WecomChannel(f"{receiver.url}/send")
    now = clock.now()
    for wait in (0, *BACKOFF_MINUTES):
        now += timedelta(minutes=wait)
        run(uow, channel, now)
    (row,) = rows(uow)
    assert (row.state, row.tries, row.next_try_at) == (NotificationState.FAILED, MAX_TRIES, None)
    assert row.last_error == "errcode 93000: invalid webhook url"
    assert run(uow, channel, now + timedelta(days=1)) == {
        "channel": "wecom", "enqueued": 0, "sent": 0, "retrying": 0, "failed": 0,
    }  # fmt: skip
    assert len(receiver.requests) == MAX_TRIES


def test_sms_to_a_supervisor_without_a_phone_fails_at_once(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    visit = make_record(
        uow, elder_id=district.elders["elder_b1"], worker_id=district.accounts["w_b1"], day=date(2026, 11, 25)
    )
    make_follow_up(uow, visit, "urgent:safety", urgent=True)
    assert run(uow, SmsChannel(f"{receiver.url}/sms", "t"), clock.now())["failed"] == 1
    (row,) = rows(uow)
    assert (row.recipient_id, row.state, row.last_error) == (
        district.accounts["sup_b"], NotificationState.FAILED, "收件人无手机号",
    )  # fmt: skip
    assert receiver.requests == []


def test_a_row_another_dispatcher_claimed_is_not_sent_twice(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    urgent_in_a1(uow, district)
    now = clock.now()
    notifications.enqueue_due(uow, now=now, channel="wecom", lookback=LOOKBACK)
    with uow:
        (row,) = uow.notifications.due(now, 10)
        assert uow.notifications.claim(row, channel="wecom", next_try_at=now + timedelta(minutes=1))
        assert not uow.notifications.claim(row, channel="wecom", next_try_at=now + timedelta(minutes=1))
        uow.commit()
    done = notifications.dispatch(uow, WecomChannel(f"{receiver.url}/send"), now=now)
    assert (done.sent, receiver.requests) == (0, [])


def test_a_planning_day_shortfall_is_one_notification_to_the_supervisor_of_its_grids(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    december = Month(2026, 12)
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=district.accounts["w_b1"], first_day=date(2026, 12, 1),
        last_day=date(2026, 12, 31), kind=AbsenceKind.TRAINING,
    )  # fmt: skip
    outcome = plan_month(
        uow, caller=SYSTEM, month=december, executor="serial", settings=PlanningSettings(solution_limit=30)
    )
    # 古荡一网格's only worker is away all month: its person's weekly visits are left out.
    assert {(u["elder_id"], u["reason"]) for u in outcome.unplanned} == {
        (district.elders["elder_b1"], "no_working_day")
    }
    n = len(outcome.unplanned)
    channel = WecomChannel(f"{receiver.url}/send")
    assert run(uow, channel, clock.now())["enqueued"] == 1
    assert run(uow, channel, clock.now())["enqueued"] == 0, "one per month and supervisor"
    (row,) = rows(uow)
    with uow:
        street_b = uow.session.scalars(select(Area).where(Area.code == district.codes["street_b"])).one()
    assert (row.kind, row.month, row.recipient_id, row.area_path) == (
        "shortfall", "2026-12", district.accounts["sup_b"], street_b.path,
    )  # fmt: skip
    assert row.text == (
        f"【计划缺口】2026年12月探访计划有 {n} 次探访未能排入：\n古荡一网格 {n} 次（无工作日）\n"
        "请在督导台查看：/console/plans?month=2026-12"
    )
    assert row.state is NotificationState.SENT


def test_two_passes_at_once_make_one_notification(fresh: sessionmaker[Session]) -> None:
    clock = FixedClock(NOW)
    district = make_district(UnitOfWork(fresh, clock))
    urgent_in_a1(UnitOfWork(fresh, clock), district)
    start = threading.Barrier(2)
    made: list[int] = []

    def one_pass() -> None:
        start.wait()
        done = notifications.enqueue_due(
            UnitOfWork(fresh, clock), now=NOW, channel="wecom", lookback=LOOKBACK
        )
        made.append(done.urgent)

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(made) == [0, 1]
    assert len(rows(UnitOfWork(fresh, clock))) == 1


def test_visitsvc_notify_runs_one_pass_and_says_what_it_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    if backend() != "sqlite":
        pytest.skip("the command's own database: a file")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    for name, value in {
        "VISITSVC_DATABASE_URL": url,
        "VISITSVC_SECRET_KEY": "s" * 48,
        "VISITSVC_NOTIFY_CHANNEL": "wecom",
        "VISITSVC_NOTIFY_WEBHOOK_URL": f"{receiver.url}/send?key=secret-key",
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    uow = UnitOfWork(session_factory(engine))  # the system clock, as the command's
    urgent_in_a1(uow, make_district(uow), day=uow.clock.today())
    engine.dispose()
    result = runner.invoke(main, ["notify", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "channel": "wecom",
        "enqueued": 1,
        "sent": 1,
        "retrying": 0,
        "failed": 0,
    }
    assert "secret-key" not in result.output
    monkeypatch.setenv("VISITSVC_NOTIFY_CHANNEL", "none")
    assert runner.invoke(main, ["notify"]).stdout.strip() == "none: enqueued 0, sent 0, retrying 0, failed 0"


def test_a_failed_call_after_the_last_empty_doorstep_tells_the_supervisor_to_call_the_emergency_contact(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    call = make_record(
        uow, elder_id=district.elders["elder_a1"], worker_id=district.accounts["w_a1"],
        day=date(2026, 11, 25), kind=VisitKind.PHONE, outcome=VisitOutcome.UNREACHABLE,
    )  # fmt: skip
    make_follow_up(uow, call, "not_found_last_chance", urgent=True)
    assert run(uow, WecomChannel(f"{receiver.url}/send"), clock.now())["sent"] == 1
    (row,) = rows(uow)
    assert "事项：末次上门未遇且电话未接通：请立即联系紧急联系人" in row.text
    assert row.recipient_id == district.accounts["sup_a"]


def test_a_failing_notify_pass_is_logged_and_raised_without_the_errors_text(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + "robot-key"

    def leak(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(SUP_A_PHONE + " " + secret_url)  # the source line is traced, not the values

    monkeypatch.setattr(notifications, "notify_pass", leak)
    settings = NotifierSettings(
        channel="wecom", webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
    )
    with caplog.at_level("INFO"), pytest.raises(scheduler.JobFailed) as failed:
        scheduler.notify(lambda: uow, settings)
    assert str(failed.value) == "notify: RuntimeError"
    assert SUP_A_PHONE not in caplog.text
    assert "robot-key" not in caplog.text
    assert "in leak" in caplog.text


def test_told_to_nobody_a_robot_still_posts_it_to_the_group(
    uow: UnitOfWork, clock: FixedClock, district: District, receiver: Receiver
) -> None:
    with uow:
        nobody = [district.accounts["sup_b"], district.accounts["admin"]]
        uow.session.execute(update(Worker).where(Worker.id.in_(nobody)).values(active=False))
        uow.commit()
    visit = make_record(
        uow, elder_id=district.elders["elder_b1"], worker_id=district.accounts["w_b1"], day=date(2026, 11, 25)
    )
    make_follow_up(uow, visit, "urgent:safety", urgent=True)
    assert run(uow, WecomChannel(f"{receiver.url}/send"), clock.now())["sent"] == 1
    (row,) = rows(uow)
    assert row.recipient_id is None
    assert "mentioned_mobile_list" not in receiver.requests[0].body["text"]
