"""A plan row belongs to a range of versions of its month instead of one (issue 18, docs/adr/0022).

`planned_visits` and `unplanned_visits` gain `month` and `retired_in`. Rows written before keep their
`version_id` (the version that wrote them) and are retired in the next version of their month, so every old
version holds exactly the rows it held (none are merged). The downgrade copies each version's rows again, as
they were stored before (a version's own rows with its id): it restores the old layout at the old cost.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("planned_visits", "unplanned_visits")
# The value columns of each table (what the downgrade copies besides version_id).
VALUES = {
    "planned_visits": (
        "elder_id", "worker_id", "day", "seq", "arrival", "kind", "obligation", "rule", "substituted",
        "moved", "pinned",
    ),
    "unplanned_visits": ("elder_id", "grid_id", "kind", "obligation", "reason"),
}  # fmt: skip


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("month", sa.String(length=7), nullable=True))
            batch.add_column(sa.Column("retired_in", sa.Integer(), nullable=True))
    _backfill(op.get_bind())
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("month", existing_type=sa.String(length=7), nullable=False)
            batch.create_foreign_key(
                f"fk_{table}_retired_in_plan_versions", "plan_versions", ["retired_in"], ["id"]
            )
        op.create_index(f"ix_{table}_month_retired_in", table, ["month", "retired_in"])


def _backfill(conn: sa.Connection) -> None:
    """Each row: its version's month, and retired in the next version of that month (None for the latest)."""
    query = sa.text("SELECT id, month FROM plan_versions ORDER BY month, number")
    versions = [(vid, month) for vid, month in conn.execute(query)]
    params = []
    for n, (vid, month) in enumerate(versions):
        following = versions[n + 1] if n + 1 < len(versions) else None
        retired = following[0] if following is not None and following[1] == month else None
        if retired is not None and retired < vid:
            # A version's rows are found by comparing ids (docs/adr/0022): that needs ids in number order.
            raise RuntimeError(f"{month}: plan version {retired} is numbered after {vid} but has a lower id")
        params.append({"vid": vid, "month": month, "retired": retired})
    if not params:
        return
    for table in TABLES:
        conn.execute(
            sa.text(f"UPDATE {table} SET month = :month, retired_in = :retired WHERE version_id = :vid"),  # noqa: S608
            params,
        )


def downgrade() -> None:
    conn = op.get_bind()
    # Newest first: the copies made for a version carry its id, above every version still to be copied, so
    # no later copy picks them up again.
    versions = conn.execute(sa.text("SELECT id, month FROM plan_versions ORDER BY id DESC")).all()
    for table in TABLES:
        columns = ", ".join(VALUES[table])
        copy = sa.text(
            f"INSERT INTO {table} (version_id, month, {columns}) SELECT :vid, month, {columns} FROM {table} "  # noqa: S608
            "WHERE month = :month AND version_id < :vid AND (retired_in IS NULL OR retired_in > :vid) "
            "ORDER BY id"
        )
        for vid, month in versions:
            conn.execute(copy, {"vid": vid, "month": month})
        op.drop_index(f"ix_{table}_month_retired_in", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_retired_in_plan_versions", type_="foreignkey")
            batch.drop_column("retired_in")
            batch.drop_column("month")
