"""Plan versions: per worker, the fingerprint of the problem their routes answer (docs/adr/0018).

A re-plan solves again only the workers whose own problem changed; the column holds, per worker id, the
digest of what their next problem would be on each later day if the plan were carried out as it stands.
NULL (versions written before, or by a run that keeps none) means: solve every worker again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 04:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker_fingerprints", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.drop_column("worker_fingerprints")
