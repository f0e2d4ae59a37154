"""Scheduled jobs run exactly once per period, catch up after downtime, and record their runs."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import NOW
from tests.factories import SYSTEM, make_district
from visitsvc import scheduler
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import AuditEntry, Elder, ElderStatus
from visitsvc.planning.executors import Solving
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register.elders import change_status
from visitsvc.register.retention import run_retention

pytestmark = pytest.mark.db


def quick(job: scheduler.Job) -> scheduler.Job:
    """The real job's identity and schedule; a run that only says it ran (planning is tested on its own)."""
    return scheduler.Job(job.id, job.cron, job.due_period, lambda _uow, period, _solving: {"period": period})


def test_a_job_runs_once_per_period_and_records_it(uow: UnitOfWork) -> None:
    job = quick(scheduler.JOBS["plan-next-month"])
    first = scheduler.run_once(uow, job, "2026-12")
    assert first is not None
    assert (first.outcome, first.summary) == ("succeeded", {"period": "2026-12"})
    assert scheduler.run_once(uow, job, "2026-12") is None
    assert scheduler.run_once(uow, job, "2027-01") is not None


def test_a_failing_job_is_recorded_as_failed(uow: UnitOfWork) -> None:
    def boom(_uow: UnitOfWork, _period: str, _solving: Solving) -> dict[str, object]:
        raise RuntimeError("no workers")

    job = scheduler.Job("replan-nightly", {}, lambda now: None, boom)
    run = scheduler.run_once(uow, job, "2026-11-25")
    assert run is not None
    assert run.outcome == "failed"
    assert run.summary["error"] == "RuntimeError", "the type only: an error's text may hold personal data"
    assert "in boom" in run.summary["trace"]


def test_a_failed_job_keeps_no_bound_value_in_its_run_or_the_log(
    uow: UnitOfWork, caplog: pytest.LogCaptureFixture
) -> None:
    number, phone = "330106195001020090", "13900001111"

    def leak(uow: UnitOfWork, _period: str, _solving: Solving) -> dict[str, object]:
        with uow:
            uow.session.execute(text("CREATE TEMP TABLE leak (id_number VARCHAR(18) UNIQUE, phone TEXT)"))
            insert = text("INSERT INTO leak VALUES (:id_number, :phone)")
            for _ in range(2):
                uow.session.execute(insert, {"id_number": number, "phone": phone})
        raise AssertionError("the second insert must fail")

    job = scheduler.Job("replan-nightly", {}, lambda now: None, leak)
    with caplog.at_level("INFO"):
        run = scheduler.run_once(uow, job, "2026-11-25")
    assert run is not None
    assert run.outcome == "failed"
    assert run.summary["error"] == "sqlalchemy.exc.IntegrityError"
    kept = json.dumps(run.summary, ensure_ascii=False) + caplog.text
    assert number not in kept
    assert phone not in kept
    assert "job replan-nightly for 2026-11-25 failed: sqlalchemy.exc.IntegrityError" in caplog.text


def test_a_firing_that_cannot_be_recorded_fails_without_the_errors_text(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    number = "330106195001020090"

    def claim_fails(uow: UnitOfWork, job: scheduler.Job, period: str, _solving: Solving) -> None:
        with uow:
            uow.session.execute(text("CREATE TEMP TABLE leak (id_number VARCHAR(18) UNIQUE)"))
            for _ in range(2):
                uow.session.execute(text("INSERT INTO leak VALUES (:id_number)"), {"id_number": number})

    monkeypatch.setattr(scheduler, "run_once", claim_fails)
    job = scheduler.Job(
        "replan-nightly", {}, lambda now: "2026-11-25", quick(scheduler.JOBS["replan-nightly"]).run
    )
    with caplog.at_level("INFO"), pytest.raises(scheduler.JobFailed) as failed:
        scheduler.fire(lambda: uow, job)
    # APScheduler logs what escapes a job, its text and its causes: only JobFailed escapes, with no cause.
    assert str(failed.value) == "replan-nightly for 2026-11-25: sqlalchemy.exc.IntegrityError"
    assert failed.value.__suppress_context__
    assert number not in caplog.text
    assert "in claim_fails" in caplog.text


def test_a_scheduler_that_was_down_catches_up_what_is_due(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler, "JOBS", {k: quick(j) for k, j in scheduler.JOBS.items()})
    before_the_25th = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
    assert [r.job for r in scheduler.catch_up(uow, before_the_25th)] == [
        "replan-nightly",
        "evaluate-at-risk",
        "retention-monthly",
    ]
    on_the_25th = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
    ran = {(r.job, r.period) for r in scheduler.catch_up(uow, on_the_25th)}
    assert ran == {
        ("plan-next-month", "2026-12"),
        ("replan-nightly", "2026-11-25"),
        ("evaluate-at-risk", "2026-11-25"),
    }
    assert scheduler.catch_up(uow, on_the_25th + timedelta(hours=1)) == []


def test_between_one_and_six_only_the_nightly_replan_is_due(uow: UnitOfWork) -> None:
    at_three = datetime(2026, 12, 8, 3, 0, tzinfo=SHANGHAI)
    due = {job_id: job.due_period(at_three) for job_id, job in scheduler.JOBS.items()}
    assert due == {
        "plan-next-month": None,
        "replan-nightly": "2026-12-08",
        "evaluate-at-risk": None,
        "retention-monthly": "2026-12",  # monthly: ran on the 2nd
    }


def test_the_retention_run_is_registered_monthly_on_the_2nd_at_three() -> None:
    job = scheduler.JOBS["retention-monthly"]
    assert job.cron == {"day": 2, "hour": 3, "minute": 0}
    assert job.due_period(datetime(2026, 12, 2, 2, 59, tzinfo=SHANGHAI)) is None
    assert job.due_period(datetime(2026, 12, 2, 3, 0, tzinfo=SHANGHAI)) == "2026-12"
    assert job.due_period(datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI)) == "2026-12"


def test_the_monthly_retention_job_only_counts_until_an_operator_made_the_first_run(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    clock.set(datetime(2022, 6, 1, 10, 0, tzinfo=SHANGHAI))
    district = make_district(uow)
    gone, later = district.elders["elder_a1"], district.elders["elder_a2"]
    change_status(
        uow, caller=SYSTEM, elder_id=gone, status=ElderStatus.DECEASED, effective=clock.today(), reason="病故"
    )
    clock.set(datetime(2023, 11, 15, 10, 0, tzinfo=SHANGHAI))
    change_status(
        uow,
        caller=SYSTEM,
        elder_id=later,
        status=ElderStatus.MOVED_OUT,
        effective=clock.today(),
        reason="迁出",
    )
    clock.set(datetime(2026, 11, 2, 3, 0, tzinfo=SHANGHAI))
    job = scheduler.JOBS["retention-monthly"]

    waiting = scheduler.run_once(uow, job, "2026-11")
    assert waiting is not None
    assert (waiting.outcome, waiting.summary["dry_run"], waiting.summary["people"]) == ("succeeded", True, 1)
    assert waiting.summary["skipped"] == "waiting_for_a_first_run_by_an_operator"
    with uow:
        assert uow.session.get_one(Elder, gone).pseudonymised_at is None

    assert run_retention(uow, caller=SYSTEM, today=clock.today(), dry_run=False).people == 1  # the operator's
    clock.set(datetime(2026, 12, 2, 3, 0, tzinfo=SHANGHAI))  # who moved out in November 2023 is due now
    monthly = scheduler.run_once(uow, job, "2026-12")
    assert monthly is not None
    assert (monthly.outcome, monthly.summary["dry_run"], monthly.summary["people"]) == ("succeeded", False, 1)
    assert "skipped" not in monthly.summary
    with uow:
        assert uow.session.get_one(Elder, later).pseudonymised_at is not None
    with uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "retention.run").order_by(AuditEntry.id.desc())
        ).first()
    assert entry is not None
    assert (entry.actor_id, entry.details["trigger"]) == (None, "scheduler")


def test_the_nightly_replan_re_plans_the_rest_of_the_month(uow: UnitOfWork, clock: FixedClock) -> None:
    make_district(uow)
    assert scheduler.run_once(uow, scheduler.JOBS["replan-nightly"], "2026-12-08").summary == {  # type: ignore[union-attr]
        "month": "2026-12",
        "skipped": "no_plan",
    }
    plan_month(
        uow,
        caller=SYSTEM,
        month=Month(2026, 12),
        executor="serial",
        settings=PlanningSettings(solution_limit=30),
    )
    clock.set(datetime(2026, 12, 9, 1, 0, tzinfo=SHANGHAI))
    run = scheduler.run_once(uow, scheduler.JOBS["replan-nightly"], "2026-12-09")
    assert run is not None
    assert run.outcome == "succeeded", run.summary
    assert run.summary["today"] == "2026-12-08"  # the day that ended: 9 December is planned again
    with uow:
        versions = uow.plans.versions(Month(2026, 12))
    # Nothing was recorded since planning: every visit planned before 9 December was missed and comes back.
    assert run.summary["created"] is True
    assert [v.trigger for v in versions] == ["plan", "replan"]
    assert run.summary["added"] > 0


def test_the_morning_evaluation_marks_the_people_at_risk(uow: UnitOfWork, clock: FixedClock) -> None:
    district = make_district(uow)
    clock.set(datetime(2026, 12, 9, 6, 0, tzinfo=SHANGHAI))
    run = scheduler.run_once(uow, scheduler.JOBS["evaluate-at-risk"], "2026-12-09")
    assert run is not None
    assert run.outcome == "succeeded", run.summary
    # No plan at all: nobody has a slot left.
    assert run.summary == {
        "month": "2026-12",
        "evaluated_on": "2026-12-09",
        "coverable": 3,
        "covered": 0,
        "at_risk": 3,
        "by_reason": {"no_slot_left": 3},
    }
    with uow:
        marks = uow.months.marks(Month(2026, 12), list(district.elders.values()))
    assert {(m.elder_id, m.reason, m.evaluated_on) for m in marks} == {
        (e, "no_slot_left", date(2026, 12, 9)) for e in district.elders.values()
    }


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


def test_the_nightly_replan_plans_the_day_that_starts_again_but_on_the_first() -> None:
    assert scheduler.replanned_after(date(2026, 12, 9)) == date(2026, 12, 8)
    assert scheduler.replanned_after(date(2026, 12, 1)) == date(2026, 12, 1)
