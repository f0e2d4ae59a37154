"""Schema management: Alembic migrations are the one source of the schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "", connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str = "", *, connection: Connection | None = None, revision: str = "head") -> None:
    cfg = alembic_config(url, connection)
    command.upgrade(cfg, revision)
    _vacuum_if_asked(cfg, url, connection)


def _vacuum_if_asked(cfg: Config, url: str, connection: Connection | None) -> None:
    """After a migration that rewrote personal numbers (0007 sealed them, 0009 masked audit details and job
    runs' error text), SQLite is vacuumed and its WAL emptied, so the old plain values stay neither in free
    pages nor in the log. A handed-in connection is the caller's
    transaction: the caller vacuums (see `vacuum_sqlite`)."""
    if cfg.attributes.get("vacuum_sqlite") and connection is None and url.startswith("sqlite"):
        vacuum_sqlite(url)


def vacuum_sqlite(url: str) -> None:
    """VACUUM (outside any transaction) and a truncating WAL checkpoint of the SQLite file at `url`."""
    from visitsvc.infrastructure.uow import make_engine

    engine = make_engine(url, poolclass=NullPool)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()  # isolation_level None (uow._configure_sqlite): no implicit BEGIN
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()
    finally:
        engine.dispose()


def is_empty(connection: Connection) -> bool:
    return "elders" not in inspect(connection).get_table_names()


def downgrade_to_base(url: str) -> None:
    downgrade(url, "base")


def downgrade(url: str, revision: str) -> None:
    cfg = alembic_config(url)
    command.downgrade(cfg, revision)
    _vacuum_if_asked(cfg, url, None)


def has_register_data(url: str) -> bool:
    """True when anything beyond an empty schema is stored (a seed must not mix with real data)."""
    from visitsvc.infrastructure.uow import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if is_empty(conn):
                return False
            return any(
                conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is not None  # noqa: S608
                for table in ("areas", "workers", "elders")
            )
    finally:
        engine.dispose()


@contextmanager
def throwaway_database(server_url: str, prefix: str = "visitsvc_tmp") -> Iterator[str]:
    """A new empty PostgreSQL database on the server of `server_url`, dropped afterwards."""
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", hide_parameters=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
