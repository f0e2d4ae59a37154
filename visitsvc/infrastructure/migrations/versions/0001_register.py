"""register: areas, workers, elders, audit, tokens

Revision ID: 0001
Revises:
Create Date: 2026-11-25 01:30:18.462274
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "district", "street", "community", "grid", name="arealevel", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["areas.id"], name=op.f("fk_areas_parent_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_areas_code")),
    )
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_areas_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_areas_path"), ["path"], unique=False)

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

    op.create_table(
        "elders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("sex", sa.Enum("male", "female", name="sex", native_enum=False, length=32), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("location_verified", sa.Boolean(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column(
            "ability_level",
            sa.Enum(
                "intact",
                "mild",
                "moderate",
                "severe",
                "total",
                name="abilitylevel",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "disability_grade",
            sa.Enum(
                "grade_1",
                "grade_2",
                "grade_3",
                "grade_4",
                name="disabilitygrade",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("emergency_contact", sa.String(length=50), nullable=True),
        sa.Column("emergency_phone", sa.String(length=20), nullable=True),
        sa.Column(
            "willingness",
            sa.Enum("home", "phone_only", "refuses_home", name="willingness", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("preferred_start", sa.Time(), nullable=True),
        sa.Column("preferred_end", sa.Time(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "hospitalized",
                "moved_out",
                "deceased",
                "withdrawn",
                name="elderstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("status_since", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["areas.id"], name=op.f("fk_elders_grid_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elders")),
        sa.UniqueConstraint("id_number", name=op.f("uq_elders_id_number")),
    )
    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elders_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_elders_status"), ["status"], unique=False)

    op.create_table(
        "workers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column(
            "role",
            sa.Enum("grid_worker", "supervisor", "admin", name="role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column(
            "travel_mode",
            sa.Enum("walk", "ebike", "car", name="travelmode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("start_lon", sa.Double(), nullable=True),
        sa.Column("start_lat", sa.Double(), nullable=True),
        sa.Column("work_start", sa.Time(), nullable=False),
        sa.Column("work_end", sa.Time(), nullable=False),
        sa.Column("visit_minutes_per_day", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_workers_area_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
        sa.UniqueConstraint("account", name=op.f("uq_workers_account")),
    )
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workers_area_id"), ["area_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.String(length=40), nullable=True),
        sa.Column("area_path", sa.String(length=255), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["workers.id"], name=op.f("fk_audit_log_actor_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_record_id"), ["record_id"], unique=False)

    op.create_table(
        "auth_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("access", "refresh", name="tokenkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("family", sa.String(length=32), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name=op.f("fk_auth_tokens_worker_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_tokens_token_hash")),
    )
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_tokens_family"), ["family"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_tokens_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "elder_categories",
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "living_alone",
                "empty_nest",
                "left_behind",
                "disabled",
                "dementia",
                "severely_disabled",
                "family_planning_special",
                "childless",
                "very_old",
                "dispersed_support",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"], ["elders.id"], name=op.f("fk_elder_categories_elder_id_elders")
        ),
        sa.PrimaryKeyConstraint("elder_id", "category", name=op.f("pk_elder_categories")),
    )
    with op.batch_alter_table("elder_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elder_categories_category"), ["category"], unique=False)

    op.create_table(
        "elder_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "active",
                "hospitalized",
                "moved_out",
                "deceased",
                "withdrawn",
                name="elderstatus",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "active",
                "hospitalized",
                "moved_out",
                "deceased",
                "withdrawn",
                name="elderstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["workers.id"], name=op.f("fk_elder_status_changes_author_id_workers")
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"], ["elders.id"], name=op.f("fk_elder_status_changes_elder_id_elders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elder_status_changes")),
    )
    with op.batch_alter_table("elder_status_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elder_status_changes_elder_id"), ["elder_id"], unique=False)

    op.create_table(
        "worker_grids",
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_worker_grids_area_id_areas")),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_worker_grids_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("worker_id", "area_id", name=op.f("pk_worker_grids")),
    )
    with op.batch_alter_table("worker_grids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_grids_area_id"), ["area_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("worker_grids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_grids_area_id"))

    op.drop_table("worker_grids")
    with op.batch_alter_table("elder_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elder_status_changes_elder_id"))

    op.drop_table("elder_status_changes")
    with op.batch_alter_table("elder_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elder_categories_category"))

    op.drop_table("elder_categories")
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_tokens_worker_id"))
        batch_op.drop_index(batch_op.f("ix_auth_tokens_family"))

    op.drop_table("auth_tokens")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_record_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_area_path"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workers_area_id"))

    op.drop_table("workers")
    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elders_status"))
        batch_op.drop_index(batch_op.f("ix_elders_grid_id"))

    op.drop_table("elders")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))
        batch_op.drop_index(batch_op.f("ix_login_failures_account"))

    op.drop_table("login_failures")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_areas_path"))
        batch_op.drop_index(batch_op.f("ix_areas_parent_id"))

    op.drop_table("areas")
