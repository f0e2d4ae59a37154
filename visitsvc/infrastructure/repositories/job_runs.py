"""Scheduled job runs: one per job and period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from visitsvc.model import (
    JobRun,
)


class JobRunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, run: JobRun) -> None:
        """Raises IntegrityError (on flush) when the job already ran, or runs, for that period."""
        self.session.add(run)
        self.session.flush()

    def find(self, job: str, period: str) -> JobRun | None:
        return self.session.scalar(select(JobRun).where(JobRun.job == job, JobRun.period == period))

    def get(self, run_id: int) -> JobRun | None:
        return self.session.get(JobRun, run_id)

    def finish(self, run_id: int, *, at: datetime, outcome: str, summary: dict[str, Any]) -> None:
        """An UPDATE as the transaction's first statement: on SQLite a transaction that read first cannot
        write after another connection's commit (it fails at once, busy_timeout or not)."""
        self.session.execute(
            update(JobRun).where(JobRun.id == run_id).values(finished_at=at, outcome=outcome, summary=summary)
        )

    def page(self, *, limit: int, before_id: int | None = None) -> list[JobRun]:
        query = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(JobRun.id < before_id)
        return list(self.session.scalars(query))
