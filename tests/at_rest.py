"""Searching what a copied database gives away: the bytes of a checkpointed SQLite file, a `pg_dump`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests import pg_available
from tests.conftest import DEFAULT_PG_URL
from visitsvc.infrastructure import db
from visitsvc.kernel import idnumber


def idnumber_of(birth: date, seq: int) -> str:
    """A valid number of a Hangzhou district for this birth date and sequence."""
    first17 = f"330106{birth:%Y%m%d}{seq:03d}"
    return first17 + idnumber.check_character(first17)


def leaks(blob: bytes, secrets: set[str]) -> list[str]:
    return sorted(s for s in secrets if s.encode() in blob)


def checkpointed_sqlite_bytes(path: Path) -> bytes:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@contextmanager
def dumpable_database(prefix: str) -> Iterator[str]:
    """A throwaway PostgreSQL database to seed and then `pg_dump`; skips where pg_dump or the server is
    missing."""
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    if pg_available.main() != 0:
        pytest.skip("no PostgreSQL server for the tests (VISITSVC_TEST_PG_URL)")
    with db.throwaway_database(os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), prefix) as url:
        yield url


def pg_dump(url: str) -> bytes:
    target = make_url(url).set(drivername="postgresql")
    dump = shutil.which("pg_dump") or "pg_dump"
    command = [dump, "--no-owner", target.render_as_string(hide_password=False)]
    return subprocess.run(command, check=True, capture_output=True).stdout
