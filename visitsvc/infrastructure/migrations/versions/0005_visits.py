"""Visits: outcomes recorded once per client_id, follow-ups, status proposals, proof-of-visit flags, photos,
at-risk marks; a supervisor's "refuses all contact" on the elder.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 04:45:59.144362
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "at_risk_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["elder_id"], ["elders.id"], name=op.f("fk_at_risk_marks_elder_id_elders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_at_risk_marks")),
    )
    with op.batch_alter_table("at_risk_marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_at_risk_marks_elder_id"), ["elder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_at_risk_marks_month"), ["month"], unique=False)

    op.create_table(
        "visit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("planned_visit_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind", sa.Enum("home", "phone", name="visitkind", native_enum=False, length=32), nullable=False
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "visited",
                "not_home",
                "refused",
                "hospitalized",
                "deceased",
                "moved_out",
                "unreachable",
                name="visitoutcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("follow_up", sa.JSON(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("accuracy_m", sa.Double(), nullable=True),
        sa.Column("distance_m", sa.Double(), nullable=True),
        sa.Column(
            "state",
            sa.Enum("counted", "quarantined", "rejected", name="recordstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["elder_id"], ["elders.id"], name=op.f("fk_visit_records_elder_id_elders")),
        sa.ForeignKeyConstraint(
            ["planned_visit_id"],
            ["planned_visits.id"],
            name=op.f("fk_visit_records_planned_visit_id_planned_visits"),
        ),
        sa.ForeignKeyConstraint(
            ["voided_by"], ["workers.id"], name=op.f("fk_visit_records_voided_by_workers")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_visit_records_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_records")),
        sa.UniqueConstraint("client_id", name=op.f("uq_visit_records_client_id")),
    )
    with op.batch_alter_table("visit_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_records_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_records_elder_id"), ["elder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_records_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_records_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "in_progress", "closed", name="followupstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["elder_id"], ["elders.id"], name=op.f("fk_follow_ups_elder_id_elders")),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["workers.id"], name=op.f("fk_follow_ups_updated_by_workers")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit_records.id"], name=op.f("fk_follow_ups_visit_id_visit_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_elder_id"), ["elder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "status_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
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
        sa.Column("proposed_date", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pending", "confirmed", "rejected", name="proposalstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["workers.id"], name=op.f("fk_status_proposals_decided_by_workers")
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"], ["elders.id"], name=op.f("fk_status_proposals_elder_id_elders")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit_records.id"], name=op.f("fk_status_proposals_visit_id_visit_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_proposals")),
    )
    with op.batch_alter_table("status_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_proposals_elder_id"), ["elder_id"], unique=False)

    op.create_table(
        "visit_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "too_far",
                "poor_accuracy",
                "too_short",
                "location_proposed",
                name="flagkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("open", "accepted", "dismissed", name="flagstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["workers.id"], name=op.f("fk_visit_flags_decided_by_workers")
        ),
        sa.ForeignKeyConstraint(["elder_id"], ["elders.id"], name=op.f("fk_visit_flags_elder_id_elders")),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit_records.id"], name=op.f("fk_visit_flags_visit_id_visit_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_flags")),
    )
    with op.batch_alter_table("visit_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_flags_elder_id"), ["elder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_flags_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "visit_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit_records.id"], name=op.f("fk_visit_photos_visit_id_visit_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_photos")),
    )
    with op.batch_alter_table("visit_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_photos_visit_id"), ["visit_id"], unique=False)

    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refused_contact_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("refused_contact_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.drop_column("refused_contact_reason")
        batch_op.drop_column("refused_contact_on")

    with op.batch_alter_table("visit_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_photos_visit_id"))

    op.drop_table("visit_photos")
    with op.batch_alter_table("visit_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_flags_visit_id"))
        batch_op.drop_index(batch_op.f("ix_visit_flags_elder_id"))

    op.drop_table("visit_flags")
    with op.batch_alter_table("status_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_proposals_elder_id"))

    op.drop_table("status_proposals")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_visit_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_elder_id"))

    op.drop_table("follow_ups")
    with op.batch_alter_table("visit_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_records_worker_id"))
        batch_op.drop_index(batch_op.f("ix_visit_records_month"))
        batch_op.drop_index(batch_op.f("ix_visit_records_elder_id"))
        batch_op.drop_index(batch_op.f("ix_visit_records_day"))

    op.drop_table("visit_records")
    with op.batch_alter_table("at_risk_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_at_risk_marks_month"))
        batch_op.drop_index(batch_op.f("ix_at_risk_marks_elder_id"))

    op.drop_table("at_risk_marks")
