"""Someone is told: urgent follow-ups and a planning day's shortfall become notifications to the supervisor
who answers for the person's area, sent through the configured channel and retried until they go
(docs/adr/0020).

Nothing else calls the notifier. `enqueue_due` finds what nobody has been told of yet (an urgent follow-up
without a notification, a month's planning-day version with unplanned visits and no shortfall notification
to that supervisor); `dispatch` sends what is due and records each try. The scheduler runs both every minute;
`visitsvc notify` runs them once.

A text is written once, when the row is made, and kept as sent: the person's name (a supervisor may see it),
the grid, what happened and when, and where in the console to act. Never an ID number, a phone number or a
worker's free-text note, which might hold either.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from visitsvc.access.scoping import ROOT_PATH, Caller, require_supervisor
from visitsvc.infrastructure.notify_channels import Channel, SendError
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.month import Month
from visitsvc.model import Area, Elder, FollowUp, Notification, NotificationState, Worker

# Minutes to wait after the 1st, 2nd, 3rd and 4th failed try; the 5th failure is final.
BACKOFF_MINUTES = (1, 5, 15, 60)
MAX_TRIES = len(BACKOFF_MINUTES) + 1
ENQUEUE_LOCK = "notify:enqueue"
URGENT, SHORTFALL = "urgent_follow_up", "shortfall"

_FINDING_AREAS = {
    "daily_care": "生活照料",
    "emotional": "精神状态",
    "safety": "安全隐患",
    "rights": "权益保障",
}
_KINDS = {
    "not_found_last_chance": "末次上门未遇且电话未接通：请立即联系紧急联系人",
    "not_home_high_risk": "高风险对象上门未遇",
}
_REASONS = {"capacity": "工时不足", "no_working_day": "无工作日", "unreachable_window": "时段无法安排"}


def kind_label(kind: str) -> str:
    if kind.startswith("urgent:"):
        return f"{_FINDING_AREAS.get(kind.removeprefix('urgent:'), '探访发现')}（紧急）"
    return _KINDS.get(kind, "紧急事项")


def urgent_text(follow_up: FollowUp, elder: Elder, grid: Area) -> str:
    when = follow_up.created_at.astimezone(SHANGHAI)
    return (
        f"【紧急跟进】{grid.name} {elder.name}\n"
        f"事项：{kind_label(follow_up.kind)}\n"
        f"时间：{when:%Y-%m-%d %H:%M}\n"
        f"请在督导台处理：/console/queues"
    )


def shortfall_text(month: Month, rows: list[tuple[Area, str, int]]) -> str:
    total = sum(n for _, _, n in rows)
    lines = [f"{grid.name} {n} 次（{_REASONS.get(reason, reason)}）" for grid, reason, n in rows]
    return (
        f"【计划缺口】{month.year}年{month.month}月探访计划有 {total} 次探访未能排入：\n"
        + "\n".join(lines)
        + f"\n请在督导台查看：/console/plans?month={month}"
        # Short of hours, the office has options (issue 20): each remedy's figures, solved.
        + (
            f"\n应对措施：/console/plans/options?month={month}"
            if any(r == "capacity" for _, r, _ in rows)
            else ""
        )
    )


@dataclass(frozen=True, slots=True)
class Enqueued:
    urgent: int
    shortfall: int


def enqueue_due(uow: UnitOfWork, *, now: datetime, channel: str, lookback: timedelta) -> Enqueued:
    """Make the notifications nobody has been told of yet. Two passes at once make them once: each takes
    the enqueue lock as its first write, so the second waits for the first's commit and then sees its rows."""
    with uow:
        holder = uuid.uuid4().hex
        try:
            uow.planning_locks.take(ENQUEUE_LOCK, holder, now)
        except IntegrityError:  # a pass that died holding it would have rolled back: someone is at it now
            return Enqueued(0, 0)
        urgent = 0
        for follow_up, elder, grid in uow.notifications.urgent_without_notification(now - lookback):
            text = urgent_text(follow_up, elder, grid)
            for recipient in _recipients(uow, grid.path):
                uow.notifications.add(
                    _row(URGENT, channel, grid.path, recipient, text, now, follow_up_id=follow_up.id)
                )
                urgent += 1
        shortfall = 0
        this_month = Month.of(now.astimezone(SHANGHAI).date())
        for month in (this_month, this_month.next()):
            shortfall += _enqueue_shortfall(uow, month, channel, now)
        uow.planning_locks.release(ENQUEUE_LOCK, holder)
        uow.commit()
        return Enqueued(urgent, shortfall)


def _recipients(uow: UnitOfWork, area_path: str) -> list[Worker | None]:
    """The supervisors who answer for the area; [None] when nobody does: a group robot still posts it."""
    return list(uow.notifications.responsible(area_path)) or [None]


def _row(
    kind: str,
    channel: str,
    area_path: str,
    recipient: Worker | None,
    text: str,
    now: datetime,
    *,
    follow_up_id: int | None = None,
    month: Month | None = None,
) -> Notification:
    return Notification(
        kind=kind, channel=channel, area_path=area_path,
        recipient_id=None if recipient is None else recipient.id, follow_up_id=follow_up_id,
        month=None if month is None else str(month), text=text,
        state=NotificationState.PENDING, tries=0, next_try_at=None, created_at=now,
    )  # fmt: skip


def _enqueue_shortfall(uow: UnitOfWork, month: Month, channel: str, now: datetime) -> int:
    """One notification per supervisor answering for grids the month's planning day left visits out of,
    filed under that supervisor's area and naming only its grids."""
    version = uow.notifications.planning_day_version(month)
    if version is None or version.unplanned_count == 0:
        return 0
    by_recipient: dict[int | None, tuple[Worker | None, list[tuple[Area, str, int]]]] = {}
    for grid, reason, count in uow.notifications.unplanned_by_grid(version.id):
        for recipient in _recipients(uow, grid.path):
            key = None if recipient is None else recipient.id
            by_recipient.setdefault(key, (recipient, []))[1].append((grid, reason, count))
    made = 0
    for key, (recipient, rows) in by_recipient.items():
        # Filed where it is read: the told supervisor's area; told nobody, the area its grids share.
        if recipient is not None and recipient.area is not None:
            path = recipient.area.path
        else:
            path = shared_path([grid.path for grid, _, _ in rows])
        if uow.notifications.shortfall_told(month, key, path):
            continue
        uow.notifications.add(
            _row(SHORTFALL, channel, path, recipient, shortfall_text(month, rows), now, month=month)
        )
        made += 1
    return made


def shared_path(paths: list[str]) -> str:
    """The deepest area path that every one of `paths` lies within ("/1/4/17/" and "/1/4/18/": "/1/4/")."""
    parts = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/" + "".join(f"{c}/" for c in common) if common else ROOT_PATH


@dataclass(frozen=True, slots=True)
class Dispatched:
    sent: int
    retrying: int
    failed: int


def dispatch(uow: UnitOfWork, channel: Channel, *, now: datetime, limit: int = 100) -> Dispatched:
    """Send what is due, each row claimed (and committed) before its send and recorded after it, so that no
    transaction stays open while a webhook answers, and of two dispatchers only one sends a row."""
    with uow:
        due = [(n.id, n.tries) for n in uow.notifications.due(now, limit)]
    sent = retrying = failed = 0
    for notification_id, tries in due:
        attempt = tries + 1
        wait = BACKOFF_MINUTES[min(attempt, len(BACKOFF_MINUTES)) - 1]
        with uow:
            row = uow.notifications.get(notification_id)
            if row.tries != tries or not uow.notifications.claim(
                row, channel=channel.name, next_try_at=now + timedelta(minutes=wait)
            ):
                continue
            text, mobile = row.text, uow.notifications.recipient_phone(row.recipient_id)
            uow.commit()
        error: SendError | None = None
        try:
            channel.send(text, mobile=mobile)
        except SendError as exc:
            error = exc
        with uow:
            row = uow.notifications.get(notification_id)
            if error is None:
                row.state, row.sent_at, row.next_try_at = NotificationState.SENT, now, None
                sent += 1
            else:
                row.last_error = error.reason[:500]
                if error.permanent or attempt >= MAX_TRIES:
                    row.state, row.next_try_at = NotificationState.FAILED, None
                    failed += 1
                else:
                    retrying += 1
            uow.commit()
    return Dispatched(sent, retrying, failed)


def notify_pass(
    uow: UnitOfWork, channel: Channel | None, *, now: datetime, lookback: timedelta
) -> dict[str, Any]:
    """One pass: enqueue, then dispatch. With no channel (VISITSVC_NOTIFY_CHANNEL=none) nothing is made or
    sent: a notifier switched on later starts from the last `lookback`, not from every old follow-up."""
    if channel is None:
        return {"channel": "none", "enqueued": 0, "sent": 0, "retrying": 0, "failed": 0}
    made = enqueue_due(uow, now=now, channel=channel.name, lookback=lookback)
    done = dispatch(uow, channel, now=now)
    return {
        "channel": channel.name,
        "enqueued": made.urgent + made.shortfall,
        "sent": done.sent,
        "retrying": done.retrying,
        "failed": done.failed,
    }


@dataclass(frozen=True, slots=True)
class NotificationRead:
    id: int
    kind: str
    channel: str
    recipient: dict[str, Any] | None  # {id, name}
    follow_up_id: int | None
    month: str | None
    text: str
    state: str
    tries: int
    next_try_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def list_notifications(
    uow: UnitOfWork,
    *,
    caller: Caller,
    state: NotificationState | None = None,
    limit: int,
    before_id: int | None = None,
) -> tuple[list[NotificationRead], int | None]:
    """Every send within the caller's area, newest first (supervisors and admins)."""
    require_supervisor(caller)
    with uow:
        rows = uow.notifications.page(caller.scope, state=state, limit=limit + 1, before_id=before_id)
        page = rows[:limit]
        names = uow.review.worker_names(r.recipient_id for r in page if r.recipient_id is not None)
        items = [
            NotificationRead(
                r.id,
                r.kind,
                r.channel,
                None
                if r.recipient_id is None
                else {"id": r.recipient_id, "name": names.get(r.recipient_id, "")},
                r.follow_up_id,
                r.month,
                r.text,
                r.state.value,
                r.tries,
                r.next_try_at,
                r.last_error,
                r.created_at,
                r.sent_at,
            )
            for r in page
        ]
        return items, (page[-1].id if len(rows) > limit else None)
