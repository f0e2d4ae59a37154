"""Who did or saw what: changes to the register, unmasked reads, exports and imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)  # None: the system
    action: Mapped[str] = mapped_column(String(40), index=True)
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str | None] = mapped_column(String(40), index=True)
    # The area the record belonged to when it happened, so an admin sees the audit of their own county only.
    area_path: Mapped[str] = mapped_column(String(255), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
