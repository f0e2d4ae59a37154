"""Notifications to supervisors: urgent follow-ups and planning-day shortfalls, sent and retried (issue 17).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.Enum("pending", "sent", "failed", name="notificationstate",
                                   native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["workers.id"]),
        sa.ForeignKeyConstraint(["follow_up_id"], ["follow_ups.id"]),
        sa.PrimaryKeyConstraint("id"),
    )  # fmt: skip
    op.create_index("ix_notifications_area_path", "notifications", ["area_path"])
    op.create_index("ix_notifications_follow_up_id", "notifications", ["follow_up_id"])
    op.create_index("ix_notifications_state", "notifications", ["state"])


def downgrade() -> None:
    op.drop_table("notifications")
