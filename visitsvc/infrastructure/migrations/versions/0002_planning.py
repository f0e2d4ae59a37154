"""Planning: plan versions with their planned and unplanned visits, the planning lock, loaded holidays.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 02:04:46.541571
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("solver_seconds", sa.Double(), nullable=False),
        sa.Column("planned_count", sa.Integer(), nullable=False),
        sa.Column("unplanned_count", sa.Integer(), nullable=False),
        sa.Column("substituted_count", sa.Integer(), nullable=False),
        sa.Column("calendar_warning", sa.Text(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_versions")),
        sa.UniqueConstraint("month", "number", name=op.f("uq_plan_versions_month")),
    )
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_versions_month"), ["month"], unique=False)

    op.create_table(
        "planning_locks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=40), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_planning_locks")),
    )
    op.create_table(
        "planned_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("arrival", sa.Time(), nullable=True),
        sa.Column(
            "kind", sa.Enum("home", "phone", name="visitkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("obligation", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("substituted", sa.Boolean(), nullable=False),
        sa.Column("moved", sa.Boolean(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["elder_id"], ["elders.id"], name=op.f("fk_planned_visits_elder_id_elders")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["plan_versions.id"], name=op.f("fk_planned_visits_version_id_plan_versions")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_planned_visits_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_visits")),
    )
    with op.batch_alter_table("planned_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planned_visits_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_planned_visits_elder_id"), ["elder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_planned_visits_version_id"), ["version_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_planned_visits_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "unplanned_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("home", "phone", name="visitkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column("obligation", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["elder_id"], ["elders.id"], name=op.f("fk_unplanned_visits_elder_id_elders")
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_unplanned_visits_grid_id_areas")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["plan_versions.id"], name=op.f("fk_unplanned_visits_version_id_plan_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unplanned_visits")),
    )
    with op.batch_alter_table("unplanned_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unplanned_visits_elder_id"), ["elder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unplanned_visits_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unplanned_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unplanned_visits_version_id"))
        batch_op.drop_index(batch_op.f("ix_unplanned_visits_elder_id"))

    op.drop_table("unplanned_visits")
    with op.batch_alter_table("planned_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planned_visits_worker_id"))
        batch_op.drop_index(batch_op.f("ix_planned_visits_version_id"))
        batch_op.drop_index(batch_op.f("ix_planned_visits_elder_id"))
        batch_op.drop_index(batch_op.f("ix_planned_visits_day"))

    op.drop_table("planned_visits")
    op.drop_table("planning_locks")
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_versions_month"))

    op.drop_table("plan_versions")
    op.drop_table("calendar_days")
