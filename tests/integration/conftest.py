"""Fixtures for tests that need their own database, apart from the rolled-back test transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import DEFAULT_PG_URL, backend
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import make_engine, session_factory


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """Its own database: the runs need separate connections, which the rolled-back test transaction is not."""
    if backend() == "sqlite":
        url = f"sqlite:///{tmp_path / 'concurrent.db'}"
        db.upgrade(url)
        engine = make_engine(url)
        yield session_factory(engine)
        engine.dispose()
        return
    with db.throwaway_database(
        os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), "visitsvc_conc"
    ) as url:
        db.upgrade(url)
        engine = make_engine(url)
        yield session_factory(engine)
        engine.dispose()


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[Any]:
    """A Dask cluster of one in-process worker, reached over tcp:// as a real scheduler's address is."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=1, protocol="tcp://", dashboard_address=None
    ) as local:
        yield local


def solves_on(cluster: Any) -> int:
    """Worker problems `cluster` has solved so far (routing.solve_many's tasks, by their key prefix)."""
    prefix = cluster.scheduler.task_prefixes.get("solve_from")
    return 0 if prefix is None else int(prefix.state_counts["memory"])
