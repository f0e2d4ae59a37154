"""A worker's days away (leave, sick, training): no visits are planned on them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base, enum_column


class AbsenceKind(StrEnum):
    LEAVE = "leave"  # 请假
    SICK = "sick"  # 病假
    TRAINING = "training"  # 培训


class Absence(Base):
    __tablename__ = "absences"
    __table_args__ = (CheckConstraint("first_day <= last_day", name="days_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    kind: Mapped[AbsenceKind] = mapped_column(enum_column(AbsenceKind))
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day
