"""Schema management: Alembic migrations are the one source of the schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect

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
