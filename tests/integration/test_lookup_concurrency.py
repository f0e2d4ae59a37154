"""Searches by ID number arriving at once from one caller, each with its own unit of work on PostgreSQL: the
allowance of misses is not overdrawn by reading the same count in parallel."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import NOW, backend
from tests.factories import id_number, make_district
from tests.integration.test_auth_concurrency import all_at_once
from visitsvc.access.scoping import Caller, caller_for
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AuditEntry
from visitsvc.register import elder_reads
from visitsvc.register.id_lookups import MISSES_PER_HOUR, SEARCH_ACTION

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(
        backend() == "sqlite", reason="SQLite: one writer at a time, a parallel search fails, never overdraws"
    ),
]


def supervisor(fresh: sessionmaker[Session]) -> Caller:
    with UnitOfWork(fresh, FixedClock(NOW)) as uow:
        worker = uow.workers.find_by_account("sup_a")
        assert worker is not None
        return caller_for(worker)


def test_misses_at_once_get_no_more_than_the_allowance(fresh: sessionmaker[Session]) -> None:
    make_district(UnitOfWork(fresh, FixedClock(NOW)))
    caller = supervisor(fresh)

    def miss() -> object:
        uow = UnitOfWork(fresh, FixedClock(NOW))
        return elder_reads.list_elders(uow, caller=caller, flt=ElderFilter(id_number=id_number()))

    for _ in range(MISSES_PER_HOUR - 1):
        miss()
    results = all_at_once([miss] * 8)
    assert Counter(getattr(r, "code", "answered") for r in results) == {"answered": 1, "too_many_attempts": 7}
    with UnitOfWork(fresh, FixedClock(NOW)) as uow:
        searches = select(func.count(AuditEntry.id)).where(AuditEntry.action == SEARCH_ACTION)
        assert uow.session.scalar(searches) == MISSES_PER_HOUR
