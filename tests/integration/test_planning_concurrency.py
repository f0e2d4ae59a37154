"""Two planning runs of one month at once make one version: the second waits and reports the first's."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import NOW
from tests.factories import SYSTEM, make_district
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.kernel.month import Month
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.plan_outcome import PlanOutcome
from visitsvc.planning.route_problems import PlanningSettings

pytestmark = pytest.mark.db


def test_two_runs_at_once_make_one_version(fresh: sessionmaker[Session]) -> None:
    make_district(UnitOfWork(fresh, FixedClock(NOW)))
    start = threading.Barrier(2)
    results: list[PlanOutcome] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            outcome = plan_month(
                UnitOfWork(fresh, FixedClock(NOW)),
                caller=SYSTEM,
                month=Month(2026, 12),
                executor="serial",
                settings=PlanningSettings(solution_limit=30),
                wait=threading.Event().wait,
            )
            results.append(outcome)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(r.created for r in results) == [False, True]
    assert {r.version for r in results} == {1}
    with UnitOfWork(fresh) as uow:
        assert len(uow.plans.versions(Month(2026, 12))) == 1
