"""Encryption at rest: ID numbers, birth dates and phones sealed with AES-256-GCM, a blind index for the ID
number's lookup and uniqueness (docs/adr/0013).

Existing rows are encrypted in batches under the active key of the environment (VISITSVC_DATA_KEYS, as the
application reads it); on SQLite, `infrastructure.db.upgrade` then runs VACUUM and checkpoints the WAL, so no
plain value stays behind in free pages. The downgrade decrypts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 23:00:00
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from visitsvc.kernel import crypto

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
SEALED = sa.String(length=120)
ELDER_COLUMNS = ("id_number", "birth_date", "phone", "emergency_phone")
WORKER_COLUMNS = ("phone",)


def _convert(table: str, columns: Sequence[str], change: Callable[[str, str], str], *, index: bool) -> None:
    """Rewrite `columns` of every row of `table` through `change(value, context)`, batch by batch; with
    `index`, also the ID number's blind index (computed from the plain number)."""
    bind = op.get_bind()
    names = [*columns, "id_number_index"] if index else list(columns)
    t = sa.table(table, sa.column("id", sa.Integer()), *(sa.column(c, sa.String()) for c in names))
    last = 0
    while True:
        rows = bind.execute(sa.select(t).where(t.c.id > last).order_by(t.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            values: dict[str, str | None] = {}
            for c in columns:
                value = getattr(row, c)
                values[c] = None if value is None else change(str(value), f"{table}.{c}")
            if index:
                values["id_number_index"] = crypto.blind_index(str(row.id_number), "elders.id_number")
            bind.execute(sa.update(t).where(t.c.id == row.id).values(**values))
        last = rows[-1].id


def _encrypt(plain: str, context: str) -> str:
    return crypto.encrypt(plain, context)


def _decrypt(stored: str, context: str) -> str:
    return crypto.decrypt(stored, context)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number_index", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("uq_elders_id_number", type_="unique")
        batch_op.alter_column("id_number", existing_type=sa.String(length=18), type_=SEALED)
        batch_op.alter_column(
            "birth_date",
            existing_type=sa.Date(),
            type_=SEALED,
            postgresql_using="to_char(birth_date, 'YYYY-MM-DD')" if postgres else None,
        )
        batch_op.alter_column("phone", existing_type=sa.String(length=20), type_=SEALED)
        batch_op.alter_column("emergency_phone", existing_type=sa.String(length=20), type_=SEALED)
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.alter_column("phone", existing_type=sa.String(length=20), type_=SEALED)

    _convert("elders", ELDER_COLUMNS, _encrypt, index=True)
    _convert("workers", WORKER_COLUMNS, _encrypt, index=False)

    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.alter_column("id_number_index", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_elders_id_number_index"), ["id_number_index"])
    config = op.get_context().config
    if (
        config is not None
    ):  # visitsvc.infrastructure.db.upgrade vacuums SQLite once the transaction is committed
        config.attributes["vacuum_sqlite"] = True


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _convert("elders", ELDER_COLUMNS, _decrypt, index=False)
    _convert("workers", WORKER_COLUMNS, _decrypt, index=False)
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.alter_column("phone", existing_type=SEALED, type_=sa.String(length=20))
    # The birth date goes back through a new DATE column: SQLite's CAST(... AS DATE), which a batch type
    # change would use, keeps only the year.
    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_date_plain", sa.Date(), nullable=True))
    elders = sa.table(
        "elders", sa.column("birth_date", sa.String()), sa.column("birth_date_plain", sa.Date())
    )
    op.execute(
        sa.update(elders).values(
            birth_date_plain=elders.c.birth_date if sqlite else sa.cast(elders.c.birth_date, sa.Date())
        )
    )
    with op.batch_alter_table("elders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_elders_id_number_index"), type_="unique")
        batch_op.drop_column("id_number_index")
        batch_op.drop_column("birth_date")
        batch_op.alter_column(
            "birth_date_plain", new_column_name="birth_date", existing_type=sa.Date(), nullable=False
        )
        batch_op.alter_column("emergency_phone", existing_type=SEALED, type_=sa.String(length=20))
        batch_op.alter_column("phone", existing_type=SEALED, type_=sa.String(length=20))
        batch_op.alter_column("id_number", existing_type=SEALED, type_=sa.String(length=18))
        batch_op.create_unique_constraint(batch_op.f("uq_elders_id_number"), ["id_number"])
    config = op.get_context().config
    if config is not None:
        config.attributes["vacuum_sqlite"] = True
