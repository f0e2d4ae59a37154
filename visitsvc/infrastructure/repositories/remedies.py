"""Remedies applied to months' plans (issue 20)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from visitsvc.kernel.month import Month
from visitsvc.model import PlanRemedy


class RemedyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, remedy: PlanRemedy) -> None:
        self.session.add(remedy)
        self.session.flush()

    def of_month(self, month: Month) -> list[PlanRemedy]:
        """Every remedy of the month, oldest first (a planning run picks those touching its area)."""
        return list(
            self.session.scalars(
                select(PlanRemedy).where(PlanRemedy.month == str(month)).order_by(PlanRemedy.id)
            )
        )
