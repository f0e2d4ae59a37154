"""Scheduled jobs run exactly once per period, catch up after downtime, and record their runs."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import NOW
from tests.factories import make_district
from visitsvc import scheduler
from visitsvc.clock import SHANGHAI, FixedClock
from visitsvc.uow import UnitOfWork

pytestmark = pytest.mark.db


def quick(job: scheduler.Job) -> scheduler.Job:
    """The real job's identity and schedule; a run that only says it ran (planning is tested on its own)."""
    return scheduler.Job(job.id, job.cron, job.due_period, lambda _uow, period: {"period": period})


def test_a_job_runs_once_per_period_and_records_it(uow: UnitOfWork) -> None:
    job = quick(scheduler.JOBS["plan-next-month"])
    first = scheduler.run_once(uow, job, "2026-12")
    assert first is not None
    assert (first.outcome, first.summary) == ("succeeded", {"period": "2026-12"})
    assert scheduler.run_once(uow, job, "2026-12") is None
    assert scheduler.run_once(uow, job, "2027-01") is not None


def test_a_failing_job_is_recorded_as_failed(uow: UnitOfWork) -> None:
    def boom(_uow: UnitOfWork, _period: str) -> dict[str, object]:
        raise RuntimeError("no workers")

    job = scheduler.Job("replan-nightly", {}, lambda now: None, boom)
    run = scheduler.run_once(uow, job, "2026-11-25")
    assert run is not None
    assert run.outcome == "failed"
    assert "no workers" in run.summary["error"]


def test_a_scheduler_that_was_down_catches_up_what_is_due(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler, "JOBS", {k: quick(j) for k, j in scheduler.JOBS.items()})
    before_the_25th = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
    assert [r.job for r in scheduler.catch_up(uow, before_the_25th)] == ["replan-nightly"]
    on_the_25th = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
    ran = {(r.job, r.period) for r in scheduler.catch_up(uow, on_the_25th)}
    assert ran == {("plan-next-month", "2026-12"), ("replan-nightly", "2026-11-25")}
    assert scheduler.catch_up(uow, on_the_25th + timedelta(hours=1)) == []


def test_two_schedulers_firing_together_run_the_job_once(fresh: sessionmaker[Session]) -> None:
    make_district(UnitOfWork(fresh, FixedClock(NOW)))
    job = quick(scheduler.JOBS["plan-next-month"])
    start = threading.Barrier(2)
    results: list[object] = []

    def fire() -> None:
        start.wait()
        results.append(scheduler.run_once(UnitOfWork(fresh, FixedClock(NOW)), job, "2026-12"))

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r is None for r in results) == [False, True]
