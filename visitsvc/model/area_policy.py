"""An area's own settings of the visit policy: one row per area that sets anything, one nullable column per
parameter (null inherits from the area above; docs/adr/0026)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base

# The range of each whole-number parameter (the API's checks read it too), kept by the database as well: a
# row written by hand cannot hold a typo either. Wider than any district's practice, narrow enough that a
# typo (800 years, 0 working days) is refused.
RANGES = {
    "high_risk_min_age": (60, 120),
    "new_elder_workdays": (1, 20),
    "back_from_hospital_workdays": (1, 20),
    "min_workdays_in_week": (1, 5),
    "reach_minutes": (5, 240),
}


class AreaPolicy(Base):
    __tablename__ = "area_policies"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    high_risk_min_age: Mapped[int | None]
    new_elder_workdays: Mapped[int | None]
    back_from_hospital_workdays: Mapped[int | None]
    min_workdays_in_week: Mapped[int | None]
    substitute_phone: Mapped[bool | None]
    weekly_home_to_calls_when_short: Mapped[bool | None]
    reach_minutes: Mapped[int | None]
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))  # None: the system (CLI)
    changed_at: Mapped[datetime]

    __table_args__ = tuple(
        CheckConstraint(f"{name} BETWEEN {low} AND {high}", name=name) for name, (low, high) in RANGES.items()
    )
