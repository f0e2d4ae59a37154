"""Accounts of the people who visit (grid workers, social workers, volunteers) and of those who supervise."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from visitsvc.model.area import Area
from visitsvc.model.base import Base, enum_column
from visitsvc.model.encrypted import EncryptedString
from visitsvc.model.enums import Role, TravelMode, VisitorKind

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
    # A visitor's or a coordinator's: their kind, organisation and working weekdays (None for the rest).
    profile: Mapped[VisitorProfile | None] = relationship(lazy="joined", cascade="all, delete-orphan")

    @property
    def kind(self) -> VisitorKind | None:
        """Who makes a visit, as coverage splits it: a grid worker is 网格员, a visitor their own kind."""
        if self.role is Role.GRID_WORKER:
            return VisitorKind.GRID_WORKER
        return self.profile.kind if self.profile else None

    @property
    def organisation_id(self) -> int | None:
        return self.profile.organisation_id if self.profile else None

    @property
    def weekdays(self) -> frozenset[int] | None:
        """ISO weekdays (1 Monday .. 7 Sunday) worked; None: the official working days."""
        if self.profile is None or not self.profile.work_weekdays:
            return None
        return frozenset(int(d) for d in self.profile.work_weekdays)

    @property
    def grid_codes(self) -> list[str]:
        return [g.code for g in self.grids]

    def __repr__(self) -> str:
        return f"Worker({self.account!r}, {self.role.value})"


class VisitorProfile(Base):
    """What a visitor (社工, 志愿者, 服务机构人员, 公益性岗位) or a coordinator has beyond a worker's
    account: a table of its own, so that grid workers' rows stay as they are."""

    __tablename__ = "visitor_profiles"

    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    kind: Mapped[VisitorKind | None] = mapped_column(enum_column(VisitorKind))  # None: a coordinator
    # Visitors may have none (an independent volunteer); a coordinator always has one.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # ISO weekday digits worked, e.g. "246"; None: the official working days (工作日).
    work_weekdays: Mapped[str | None] = mapped_column(String(7))
