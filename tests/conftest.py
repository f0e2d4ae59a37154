"""Test set-up in the style of warehouse: migrate once per run, roll back one transaction per test.

VISITSVC_TEST_DB selects the database: `sqlite` (a file per test worker) or `postgresql` (a throwaway
database on VISITSVC_TEST_PG_URL, dropped at the end).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from visitsvc.accounts import auth
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine
from visitsvc.kernel import crypto
from visitsvc.kernel.clock import SHANGHAI, FixedClock

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
# Fixed test keys (docs/adr/0013), installed before anything reads or writes the register.
TEST_DATA_KEYS = "t1:" + "dGVzdC1kYXRhLWtleS0xLXRoaXJ0eS10d28tYnl0ZXM="
TEST_INDEX_KEY = "dGVzdC1pbmRleC1rZXktdGhpcnR5LXR3by1ieXRlcyE="
TEST_KEYRING = crypto.Keyring.parse(TEST_DATA_KEYS, TEST_INDEX_KEY)
crypto.install(TEST_KEYRING)
# The commands a test runs (CliRunner, subprocesses) read the same keys from the environment.
os.environ.setdefault("VISITSVC_DATA_KEYS", TEST_DATA_KEYS)
os.environ.setdefault("VISITSVC_INDEX_KEY", TEST_INDEX_KEY)


def backend() -> str:
    return os.environ.get("VISITSVC_TEST_DB", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'visitsvc.db'}"
        return
    with db.throwaway_database(
        os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), "visitsvc_test"
    ) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    db.upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions joined to one outer transaction: a commit releases a savepoint, the test's end undoes all."""
    connection = engine.connect()
    outer = connection.begin()
    try:
        yield sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session", autouse=True)
def light_password_hashing() -> Iterator[None]:
    """argon2's cost is set against an attacker's guesses, not a test suite's thousand logins (0.13 s each at
    production's parameters): tests hash and verify with argon2id at its lightest, through the same code."""
    with pytest.MonkeyPatch.context() as patch:
        light = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        patch.setattr(auth, "_hasher", light)
        patch.setattr(auth, "_DUMMY_HASH", light.hash("not-a-password"))
        yield


@pytest.fixture(autouse=True)
def test_keyring() -> Iterator[crypto.Keyring]:
    """Every test starts and ends with the test keys, whatever keyring a test installed meanwhile."""
    crypto.install(TEST_KEYRING)
    yield TEST_KEYRING
    crypto.install(TEST_KEYRING)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def uow(sessions: sessionmaker[Session], clock: FixedClock) -> UnitOfWork:
    return UnitOfWork(sessions, clock)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(__file__).parent / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that touches the database is a `db` test, which `make test` runs again on PostgreSQL."""
    for item in items:
        if "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
