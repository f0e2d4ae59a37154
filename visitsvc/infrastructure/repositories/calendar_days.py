"""The holiday calendar: days of official holiday notices (休 or 班) loaded by an admin, which win over
chinesecalendar."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from visitsvc.model import CalendarDay


class CalendarRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def days(self) -> dict[date, bool]:
        """Each listed day -> whether it is a working day; days not listed follow the weekday."""
        return {row.day: row.is_workday for row in self.session.scalars(select(CalendarDay))}
