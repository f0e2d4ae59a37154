"""The visit policy per area: one row per area, one nullable column per parameter (issue 20, ADR 0026).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As they stood at this revision (planning.policy_settings.RANGES may move on; a migration does not).
RANGES = {
    "high_risk_min_age": (60, 120),
    "new_elder_workdays": (1, 20),
    "back_from_hospital_workdays": (1, 20),
    "min_workdays_in_week": (1, 5),
    "reach_minutes": (5, 240),
}


def upgrade() -> None:
    op.create_table(
        "area_policies",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("high_risk_min_age", sa.Integer(), nullable=True),
        sa.Column("new_elder_workdays", sa.Integer(), nullable=True),
        sa.Column("back_from_hospital_workdays", sa.Integer(), nullable=True),
        sa.Column("min_workdays_in_week", sa.Integer(), nullable=True),
        sa.Column("substitute_phone", sa.Boolean(), nullable=True),
        sa.Column("weekly_home_to_calls_when_short", sa.Boolean(), nullable=True),
        sa.Column("reach_minutes", sa.Integer(), nullable=True),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        *(
            sa.CheckConstraint(f"{name} BETWEEN {low} AND {high}", name=op.f(f"ck_area_policies_{name}"))
            for name, (low, high) in RANGES.items()
        ),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_area_policies_area_id_areas")),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["workers.id"], name=op.f("fk_area_policies_changed_by_workers")
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_area_policies")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("area_policies")
