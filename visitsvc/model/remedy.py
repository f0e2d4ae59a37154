"""Remedies applied to a month's plan on planning day (issue 20): who chose which, for which area."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base


class PlanRemedy(Base):
    """One remedy a supervisor or admin applied to a month of an area. Every later plan run of the month
    reads the month's remedies and keeps them (they are part of its fingerprint)."""

    __tablename__ = "plan_remedies"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    area_path: Mapped[str] = mapped_column(String(255))  # the area it was applied to
    kind: Mapped[str] = mapped_column(String(20))  # reach | calls | hours
    # What the option computed: for `hours`, extra minutes a working day per worker id.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    applied_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))  # None: the system
    applied_at: Mapped[datetime]
