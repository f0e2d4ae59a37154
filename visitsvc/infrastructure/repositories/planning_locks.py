"""Planning locks: leases, one row per name (`plan:<month>`), so that two planning runs of a month never
solve at the same time, across processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from visitsvc.model import PlanningLock


class PlanningLockRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def take(self, name: str, holder: str, at: datetime) -> None:
        """Raises IntegrityError (on flush) when someone holds it."""
        self.session.add(PlanningLock(name=name, holder=holder, acquired_at=at))
        self.session.flush()

    def find(self, name: str) -> PlanningLock | None:
        return self.session.get(PlanningLock, name)

    def release(self, name: str, holder: str) -> None:
        self.session.execute(
            delete(PlanningLock).where(PlanningLock.name == name, PlanningLock.holder == holder)
        )
