"""Plan versions of a month: the planned visits, what could not be planned and why, the holiday calendar."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base, enum_column
from visitsvc.model.enums import VisitKind


class PlanVersion(Base):
    """One planning run's result for a month. The newest version of a month is the one routes come from.

    Its rows are the planned and unplanned visits of its month written by it or an earlier version and not
    retired by it or an earlier one (docs/adr/0022): `repositories.plan_membership` is the one test of that.
    Within a month, ids increase with `number` (versions are written one at a time)."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("month", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    number: Mapped[int]  # 1, 2, ... within the month
    area_path: Mapped[str] = mapped_column(String(255))  # the subtree re-planned; the rest carried over
    trigger: Mapped[str] = mapped_column(String(20))  # plan | replan | scheduler | manual
    fingerprint: Mapped[str] = mapped_column(String(64))  # of the inputs: same inputs, no new version
    created_at: Mapped[datetime]
    solver_seconds: Mapped[float]
    planned_count: Mapped[int]
    unplanned_count: Mapped[int]
    substituted_count: Mapped[int]
    calendar_warning: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Per worker id, what their next problem will be as of each later day if the plan is carried out: a
    # re-plan solves only the workers whose problem differs (docs/adr/0018). None: solve them all.
    worker_fingerprints: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PlannedVisit(Base):
    """A planned visit of the versions of its month from `version_id` (the one that wrote it) up to, not
    including, `retired_in` (None: the month's latest version still has it). docs/adr/0022."""

    __tablename__ = "planned_visits"
    __table_args__ = (Index("ix_planned_visits_month_retired_in", "month", "retired_in"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # as its versions' PlanVersion.month
    retired_in: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"))
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    seq: Mapped[int]  # order in the day's route; phone visits after the route
    arrival: Mapped[time | None]
    kind: Mapped[VisitKind] = mapped_column(enum_column(VisitKind))
    obligation: Mapped[str] = mapped_column(String(40))  # policy key: which owed visit this settles
    rule: Mapped[str] = mapped_column(String(30))
    substituted: Mapped[bool] = mapped_column(default=False)  # a home visit turned into a phone visit
    moved: Mapped[bool] = mapped_column(default=False)  # given to a worker of another grid
    pinned: Mapped[bool] = mapped_column(default=False)  # a supervisor's manual move: survives re-plans


class UnplannedVisit(Base):
    """What versions of its month could not plan, from `version_id` up to `retired_in` (as PlannedVisit)."""

    __tablename__ = "unplanned_visits"
    __table_args__ = (Index("ix_unplanned_visits_month_retired_in", "month", "retired_in"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    retired_in: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"))
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    kind: Mapped[VisitKind] = mapped_column(enum_column(VisitKind))
    obligation: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(30))  # capacity | no_working_day | unreachable_window


class PlanningLock(Base):
    """A lease, one row per month: two planning runs of a month never solve at the same time."""

    __tablename__ = "planning_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(40))
    acquired_at: Mapped[datetime]


class CalendarDay(Base):
    """A day of an official holiday notice loaded by an admin (休 or 班); wins over chinesecalendar."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    source: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime]
