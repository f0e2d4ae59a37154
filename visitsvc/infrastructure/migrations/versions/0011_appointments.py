"""Appointments (预约): an agreed day and window for a person's next home visit, or a call ahead nobody
answered (issue 17).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("state", sa.Enum("agreed", "no_answer", "cancelled", name="appointmentstate",
                                   native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("window_start", sa.Time(), nullable=True),
        sa.Column("window_end", sa.Time(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["elder_id"], ["elders.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["workers.id"]),
        sa.ForeignKeyConstraint(["cancelled_by"], ["workers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id"),
    )  # fmt: skip
    op.create_index("ix_appointments_elder_id", "appointments", ["elder_id"])
    op.create_index("ix_appointments_day", "appointments", ["day"])
    op.create_index("ix_appointments_month", "appointments", ["month"])


def downgrade() -> None:
    op.drop_table("appointments")
