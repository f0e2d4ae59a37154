"""Notifications: what the office must hear of at once (an urgent follow-up, a planning-day shortfall), sent
to the responsible supervisor through a configured channel and retried until it goes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base, enum_column


class NotificationState(StrEnum):
    PENDING = "pending"  # not sent yet, or a failed try waiting for `next_try_at`
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # urgent_follow_up | shortfall
    channel: Mapped[str] = mapped_column(String(20))  # wecom | dingtalk | sms
    area_path: Mapped[str] = mapped_column(String(255), index=True)  # where it is filed: scoping
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))  # the supervisor told
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_ups.id"), index=True)
    month: Mapped[str | None] = mapped_column(String(7))  # of a shortfall
    text: Mapped[str] = mapped_column(Text)  # as sent: never an ID number or a full phone number
    state: Mapped[NotificationState] = mapped_column(
        enum_column(NotificationState), default=NotificationState.PENDING, index=True
    )
    tries: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
