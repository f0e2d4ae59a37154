"""The administrative tree: district > street/town > community/village > grid."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base, enum_column
from visitsvc.model.enums import AreaLevel

# A child sits exactly one level below its parent; the district is the root of a county's tree.
PARENT_LEVEL = {
    AreaLevel.STREET: AreaLevel.DISTRICT,
    AreaLevel.COMMUNITY: AreaLevel.STREET,
    AreaLevel.GRID: AreaLevel.COMMUNITY,
}


class Area(Base):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # 区划代码
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[AreaLevel] = mapped_column(enum_column(AreaLevel))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    # Materialised path "/1/4/17/": a subtree is one indexed prefix match (see __table_args__).
    path: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]

    # On PostgreSQL a plain index serves `path LIKE '/1/4/%'` only under the C collation: text_pattern_ops
    # serves it under any (and still serves `=`). SQLite keeps a plain index (migration 0014).
    __table_args__ = (Index("ix_areas_path", "path", postgresql_ops={"path": "text_pattern_ops"}),)

    def is_within(self, ancestor_path: str) -> bool:
        return self.path.startswith(ancestor_path)

    def __repr__(self) -> str:
        return f"Area({self.code!r}, {self.name!r}, {self.level.value})"
