"""organisations, contracts, contract prices and pairings; visitor profiles: a visitor's kind, organisation
and working weekdays (issue 19, visitors beyond grid workers). A table of their own, not columns of
`workers`: SQLite would alter `workers` by copying it, which the rows referring to it forbid.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=True),
        sa.Column("contact_phone", sa.String(length=120), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint("credit_code", name="uq_organisations_credit_code"),
    )
    op.create_table(
        "organisation_areas",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name="fk_organisation_areas_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name="fk_organisation_areas_area_id_areas"),
        sa.PrimaryKeyConstraint("organisation_id", "area_id", name="pk_organisation_areas"),
    )  # fmt: skip
    op.create_index("ix_organisation_areas_area_id", "organisation_areas", ["area_id"])
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("monthly_quota", sa.Integer(), nullable=False),
        sa.Column("pays_not_found", sa.Boolean(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name="ck_contracts_period"),
        sa.CheckConstraint("monthly_quota >= 0", name="ck_contracts_quota"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_contracts_organisation_id_organisations"
        ),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name="fk_contracts_area_id_areas"),
        sa.ForeignKeyConstraint(["created_by"], ["workers.id"], name="fk_contracts_created_by_workers"),
        sa.PrimaryKeyConstraint("id", name="pk_contracts"),
        sa.UniqueConstraint("code", name="uq_contracts_code"),
    )
    op.create_index("ix_contracts_organisation_id", "contracts", ["organisation_id"])
    op.create_index("ix_contracts_area_id", "contracts", ["area_id"])
    op.create_table(
        "contract_areas",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name="fk_contract_areas_contract_id_contracts"
        ),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name="fk_contract_areas_area_id_areas"),
        sa.PrimaryKeyConstraint("contract_id", "area_id", name="pk_contract_areas"),
    )
    op.create_index("ix_contract_areas_area_id", "contract_areas", ["area_id"])
    op.create_table(
        "contract_prices",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
        sa.CheckConstraint("unit_price >= 0", name="ck_contract_prices_unit_price"),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name="fk_contract_prices_contract_id_contracts"
        ),
        sa.PrimaryKeyConstraint("contract_id", "kind", name="pk_contract_prices"),
    )
    op.create_table(
        "pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("last_day IS NULL OR last_day >= first_day", name="ck_pairings_period"),
        sa.CheckConstraint(
            "visitor_id IS NOT NULL OR organisation_id IS NOT NULL", name="ck_pairings_someone"
        ),
        sa.ForeignKeyConstraint(["elder_id"], ["elders.id"], name="fk_pairings_elder_id_elders"),
        sa.ForeignKeyConstraint(["visitor_id"], ["workers.id"], name="fk_pairings_visitor_id_workers"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_pairings_organisation_id_organisations"
        ),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name="fk_pairings_contract_id_contracts"),
        sa.ForeignKeyConstraint(["created_by"], ["workers.id"], name="fk_pairings_created_by_workers"),
        sa.ForeignKeyConstraint(["ended_by"], ["workers.id"], name="fk_pairings_ended_by_workers"),
        sa.PrimaryKeyConstraint("id", name="pk_pairings"),
    )
    for column in ("elder_id", "visitor_id", "organisation_id", "contract_id"):
        op.create_index(f"ix_pairings_{column}", "pairings", [column])
    op.create_table(
        "visitor_profiles",
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("work_weekdays", sa.String(length=7), nullable=True),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_visitor_profiles_worker_id_workers"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_visitor_profiles_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("worker_id", name="pk_visitor_profiles"),
    )
    op.create_index("ix_visitor_profiles_organisation_id", "visitor_profiles", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_visitor_profiles_organisation_id", table_name="visitor_profiles")
    op.drop_table("visitor_profiles")
    for column in ("elder_id", "visitor_id", "organisation_id", "contract_id"):
        op.drop_index(f"ix_pairings_{column}", table_name="pairings")
    op.drop_table("pairings")
    op.drop_table("contract_prices")
    op.drop_index("ix_contract_areas_area_id", table_name="contract_areas")
    op.drop_table("contract_areas")
    op.drop_index("ix_contracts_area_id", table_name="contracts")
    op.drop_index("ix_contracts_organisation_id", table_name="contracts")
    op.drop_table("contracts")
    op.drop_index("ix_organisation_areas_area_id", table_name="organisation_areas")
    op.drop_table("organisation_areas")
    op.drop_table("organisations")
