"""Absences: a worker's days away, which planning leaves out.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 02:31:53.657322
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("leave", "sick", "training", name="absencekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_absences_days_in_order")),
        sa.ForeignKeyConstraint(["created_by"], ["workers.id"], name=op.f("fk_absences_created_by_workers")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name=op.f("fk_absences_worker_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_worker_id"))

    op.drop_table("absences")
