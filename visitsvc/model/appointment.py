"""Appointments (预约): a day and time window agreed with a person for their next home visit, or a call
ahead that nobody answered."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base, enum_column


class AppointmentState(StrEnum):
    AGREED = "agreed"  # the person (or family) agreed to be home on `day` within the window
    NO_ANSWER = "no_answer"  # a call ahead for `day` that nobody answered: not an appointment
    CANCELLED = "cancelled"


class Appointment(Base):
    """Recorded once per `client_id` (made on the phone, or by the office with a server-made id)."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    body_hash: Mapped[str] = mapped_column(String(64))  # the same client_id with another body is a conflict
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))  # None: the system
    state: Mapped[AppointmentState] = mapped_column(enum_column(AppointmentState))
    day: Mapped[date] = mapped_column(index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # of `day`
    window_start: Mapped[time | None]  # None with NO_ANSWER
    window_end: Mapped[time | None]
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
