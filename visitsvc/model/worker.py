"""Accounts of the people who visit (grid workers, social workers, volunteers) and of those who supervise."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from visitsvc.model.area import Area
from visitsvc.model.base import Base, enum_column
from visitsvc.model.encrypted import EncryptedString
from visitsvc.model.enums import Role, TravelMode

DEFAULT_WORK_START = time(8, 30)
DEFAULT_WORK_END = time(17, 30)

worker_grids = Table(
    "worker_grids",
    Base.metadata,
    Column("worker_id", ForeignKey("workers.id"), primary_key=True),
    Column("area_id", ForeignKey("areas.id"), primary_key=True, index=True),
)


class Worker(Base):
    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(EncryptedString("workers.phone"))  # docs/adr/0013
    role: Mapped[Role] = mapped_column(enum_column(Role))
    # A supervisor's or an admin's node; they see its whole subtree. Grid workers are scoped by `grids`.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    travel_mode: Mapped[TravelMode] = mapped_column(enum_column(TravelMode), default=TravelMode.EBIKE)
    start_lon: Mapped[float | None]
    start_lat: Mapped[float | None]
    work_start: Mapped[time] = mapped_column(default=DEFAULT_WORK_START)
    work_end: Mapped[time] = mapped_column(default=DEFAULT_WORK_END)
    visit_minutes_per_day: Mapped[int] = mapped_column(default=240)  # 每日工时, in minutes
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Set when an admin gives the password (the person must choose their own at next login); cleared when
    # they do. Demo marks the seed's shared demo password: production refuses to start while any is left.
    password_must_change: Mapped[bool] = mapped_column(default=False)
    password_is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    area: Mapped[Area | None] = relationship(lazy="joined")
    grids: Mapped[list[Area]] = relationship(secondary=worker_grids, lazy="selectin", order_by=Area.code)

    @property
    def grid_codes(self) -> list[str]:
        return [g.code for g in self.grids]

    def __repr__(self) -> str:
        return f"Worker({self.account!r}, {self.role.value})"
