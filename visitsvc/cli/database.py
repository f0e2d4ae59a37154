"""`visitsvc db ...`: the schema (Alembic migrations, the one schema source)."""

from __future__ import annotations

from pathlib import Path

import click

from visitsvc.cli.wiring import settings
from visitsvc.infrastructure import db


@click.group("db")
def db_group() -> None:
    """Schema management."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to VISITSVC_DATABASE_URL (creates the SQLite file if needed)."""
    cfg = settings()
    if cfg.database_url.startswith("sqlite:///"):
        Path(cfg.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.upgrade(cfg.database_url)
    click.echo("database is up to date", err=True)
