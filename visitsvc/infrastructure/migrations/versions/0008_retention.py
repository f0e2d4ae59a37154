"""Retention (PIPL art. 19): when a person's personal fields were replaced by a pseudonym.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.drop_column("pseudonymised_at")
