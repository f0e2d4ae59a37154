"""areas.path indexed for prefix matches on PostgreSQL: text_pattern_ops (issue 18).

Every scoped read asks for the areas under a path (`path LIKE '/1/4/%'`). A plain btree serves that only
under the C collation; `text_pattern_ops` serves it under any, so the subtree is an index range, not a scan
of every area. SQLite keeps its plain index: its LIKE is case-insensitive, so its optimisation would need a
NOCASE index or `case_sensitive_like`, and a subtree of a county is small there anyway.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_areas_path", table_name="areas")
    op.create_index("ix_areas_path", "areas", ["path"], postgresql_ops={"path": "text_pattern_ops"})


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_areas_path", table_name="areas")
    op.create_index("ix_areas_path", "areas", ["path"])
