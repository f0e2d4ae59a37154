"""Runs of scheduled jobs: one row per job and period is what makes each run happen exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))  # 2026-12 for monthly jobs, 2026-11-25 for nightly ones
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(20))  # running | succeeded | failed
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
