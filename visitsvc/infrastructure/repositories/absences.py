"""Workers' absences: what planning leaves out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from visitsvc.kernel.errors import NotFound
from visitsvc.model import (
    Absence,
)


class AbsenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_worker(self, worker_id: int) -> list[Absence]:
        query = select(Absence).where(Absence.worker_id == worker_id).order_by(Absence.first_day)
        return list(self.session.scalars(query))

    def overlapping(self, worker_ids: Sequence[int], first: date, last: date) -> list[Absence]:
        query = select(Absence).where(
            Absence.worker_id.in_(worker_ids), Absence.first_day <= last, Absence.last_day >= first
        )
        return list(self.session.scalars(query))

    def get(self, worker_id: int, absence_id: int) -> Absence:
        absence = self.session.get(Absence, absence_id)
        if absence is None or absence.worker_id != worker_id:
            raise NotFound("请假记录不存在")
        return absence

    def add(self, absence: Absence) -> None:
        self.session.add(absence)
        self.session.flush()

    def remove(self, absence: Absence) -> None:
        self.session.delete(absence)
