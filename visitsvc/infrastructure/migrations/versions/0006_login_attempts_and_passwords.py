"""Login attempts recorded before the password check, keyed by account and client address (they replace
login_failures); workers' password_must_change and password_is_demo.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=50), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "pending",
                "failed",
                "succeeded",
                "refused",
                name="attemptoutcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempts_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempts_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempts_at"), ["at"], unique=False)

    # Failures older than a day no longer count: nothing in login_failures is worth carrying over.
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))
        batch_op.drop_index(batch_op.f("ix_login_failures_account"))
    op.drop_table("login_failures")

    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("password_must_change", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("password_is_demo", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_column("password_is_demo")
        batch_op.drop_column("password_must_change")

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=50), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)

    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempts_at"))
        batch_op.drop_index(batch_op.f("ix_login_attempts_address"))
        batch_op.drop_index(batch_op.f("ix_login_attempts_account"))
    op.drop_table("login_attempts")
