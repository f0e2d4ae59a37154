"""Schema management: Alembic migrations are the one source of the schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, inspect, make_url, text

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "", connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str = "", *, connection: Connection | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url, connection), revision)


def is_empty(connection: Connection) -> bool:
    return "elders" not in inspect(connection).get_table_names()


def downgrade_to_base(url: str) -> None:
    command.downgrade(alembic_config(url), "base")


def has_register_data(url: str) -> bool:
    """True when anything beyond an empty schema is stored (a seed must not mix with real data)."""
    from visitsvc.uow import make_engine

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
