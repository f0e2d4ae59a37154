"""Where a simulated month is played: a copy of the register, or a freshly seeded demo district; never the
live register (docs/adr/0008).

- SQLite: the sqlite3 online backup API copies the file through a read-only connection, so the copy is
  consistent even while the API writes, and the live file is never opened for writing.
- PostgreSQL: a new database on the same server, filled by `pg_dump | pg_restore`. `CREATE DATABASE ...
  TEMPLATE live` would be faster but fails while anyone else is connected to the live database, which a
  running API and scheduler always are; pg_dump reads one consistent snapshot alongside them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import URL, create_engine, make_url, text


class CopyError(Exception):
    """The copy could not be made; the message says why, for the operator."""


@contextmanager
def scratch_copy(url: str, *, keep: str | None = None) -> Iterator[str]:
    """The URL of a copy of the database at `url`, removed afterwards unless `keep` names where to leave it
    (a file for SQLite, a database name for PostgreSQL)."""
    source = make_url(url)
    if source.get_backend_name() == "sqlite":
        with _sqlite_copy(source, keep) as copied:
            yield copied
    elif source.get_backend_name() == "postgresql":
        with _postgres_copy(source, keep) as copied:
            yield copied
    else:
        raise CopyError(f"cannot copy a {source.get_backend_name()} database")


@contextmanager
def _scratch_file(keep: str | None, name: str) -> Iterator[Path]:
    if keep is not None:
        path = Path(keep)
        if path.exists():
            raise CopyError(f"{path} exists; the simulation does not overwrite files")
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path
        return
    directory = Path(tempfile.mkdtemp(prefix="visitsvc-sim-"))
    try:
        yield directory / name
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _sqlite_copy(source: URL, keep: str | None) -> Iterator[str]:
    if not source.database or source.database == ":memory:":
        raise CopyError("an in-memory SQLite database cannot be copied")
    live = Path(source.database)
    if not live.exists():
        raise CopyError(f"{live} does not exist")
    with _scratch_file(keep, "simulation.db") as target:
        read_only = sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True)
        with closing(read_only), closing(sqlite3.connect(target)) as copy:
            read_only.backup(copy)
        yield f"sqlite:///{target}"


@contextmanager
def _postgres_copy(source: URL, keep: str | None) -> Iterator[str]:
    name = keep or f"visitsvc_sim_{uuid.uuid4().hex[:12]}"
    admin = create_engine(source, isolation_level="AUTOCOMMIT", hide_parameters=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        target = source.set(database=name)
        try:
            _dump_and_restore(source, target)
            yield target.render_as_string(hide_password=False)
        finally:
            if keep is None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _libpq_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username)):
        if value is not None:
            env[key] = str(value)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)  # not on the command line, where `ps` would show it
    return env


def _dump_and_restore(source: URL, target: URL) -> None:
    common = ["--no-owner", "--no-privileges"]
    try:
        dump = subprocess.Popen(
            ["pg_dump", "--format=custom", *common, f"--dbname={source.database}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_libpq_env(source),
        )
        restore = subprocess.run(
            ["pg_restore", "--exit-on-error", *common, f"--dbname={target.database}"],
            stdin=dump.stdout,
            capture_output=True,
            env=_libpq_env(target),
            check=False,
        )
    except FileNotFoundError as exc:
        raise CopyError(
            f"{exc.filename} is needed to copy a PostgreSQL database (postgresql-client)"
        ) from None
    assert dump.stdout is not None
    assert dump.stderr is not None
    dump.stdout.close()
    dump_errors = dump.stderr.read().decode(errors="replace")
    if dump.wait() != 0:
        raise CopyError(f"pg_dump failed: {dump_errors.strip()}")
    if restore.returncode != 0:
        raise CopyError(f"pg_restore failed: {restore.stderr.decode(errors='replace').strip()}")


@contextmanager
def demo_database(*, as_of: date, keep: str | None = None) -> Iterator[str]:
    """A new SQLite database holding the demo district as seeded on `as_of` (`python -m seed --size demo`,
    run as its own program: the register never imports the seed)."""
    with _scratch_file(keep, "demo.db") as target:
        url = f"sqlite:///{target}"
        env = {
            **os.environ,
            "VISITSVC_DATABASE_URL": url,
            "VISITSVC_ENV": "development",
            "VISITSVC_SECRET_KEY": secrets.token_urlsafe(48),  # so that seeding writes no var/secret_key
        }
        command = [sys.executable, "-m", "seed", "--size", "demo", "--today", as_of.isoformat(), "--json"]
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        if done.returncode != 0:
            raise CopyError(
                f"seeding the demo district failed: {done.stderr.decode(errors='replace')[-2000:]}"
            )
        yield url
