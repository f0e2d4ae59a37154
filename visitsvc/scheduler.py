"""Scheduled jobs: APScheduler 3 fires them, our `job_runs` table makes each run once per period.

The schedule lives in memory (APScheduler's docs: a job store must never be shared between schedulers).
Exactly-once comes from a unique (job, period) row taken in a transaction before the work starts, so a second
scheduler started by mistake, or an operator's `run-now`, finds the period taken and does nothing. A
scheduler that was down at the planned time catches up on start: every job whose latest period is due and
has no run is run then.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.notify_channels import NotifierSettings, make_channel
from visitsvc.infrastructure.tracebacks import describe, safe_traceback
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import JobRun
from visitsvc.oversight import at_risk, notifications
from visitsvc.planning import month_plan, replanning
from visitsvc.planning.executors import Solving
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import retention
from visitsvc.register.retention_rules import RetentionRules

log = logging.getLogger(__name__)

ON_THIS_MACHINE = Solving()  # no cluster configured: a process pool of this machine's cores


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    cron: dict[str, int]  # APScheduler CronTrigger fields, in Asia/Shanghai
    due_period: Callable[[datetime], str | None]  # the period that should have run by `now`, if any
    # (unit of work, period, where its solves go): a job that solves opens `Solving` for its run only.
    run: Callable[[UnitOfWork, str, Solving], dict[str, Any]]


def _plan_next_month_due(now: datetime) -> str | None:
    return str(Month.of(now.date()).next()) if (now.day, now.hour) >= (25, 2) else None


def _nightly_due(hour: int) -> Callable[[datetime], str | None]:
    return lambda now: now.date().isoformat() if now.hour >= hour else None


def _plan(uow: UnitOfWork, solving: Solving, trigger: str, month: Month) -> dict[str, Any]:
    with solving.open() as executor:
        outcome = month_plan.plan_month(
            uow, caller=Caller.system(), month=month, trigger=trigger, settings=PlanningSettings(),
            executor=executor,
        )  # fmt: skip
    return {"month": str(month), **outcome.as_json(), "created": outcome.created}


def replanned_after(run_day: date) -> date:
    """The `today` of the 01:00 re-plan: the day that has just ended, so that the day starting is planned
    again and somebody not at home yesterday is tried again today (phones fetch their route in the morning).
    The simulation showed the cost of keeping it: a weekly visit not at home on a Thursday had no second try.
    On the 1st the day before is another month's: the 1st stays as the month's plan made it."""
    yesterday = run_day - timedelta(days=1)
    return yesterday if yesterday.month == run_day.month else run_day


def _replan(uow: UnitOfWork, period: str, solving: Solving) -> dict[str, Any]:
    """The night of `period`: the days before it stay as planned; what is still owed goes to it and the days
    after (docs/adr/0009)."""
    today = replanned_after(date.fromisoformat(period))
    try:
        with solving.open() as executor:
            outcome = replanning.replan(
                uow, caller=Caller.system(), today=today, settings=PlanningSettings(), executor=executor
            )
    except NotFound:
        return {"month": str(Month.of(today)), "skipped": "no_plan"}  # nothing planned yet: nothing to redo
    return outcome.as_json()


def _evaluate_at_risk(uow: UnitOfWork, period: str, _solving: Solving) -> dict[str, Any]:
    return at_risk.evaluate_at_risk(uow, caller=Caller.system(), today=date.fromisoformat(period)).as_json()


def _monthly_due(day: int, hour: int) -> Callable[[datetime], str | None]:
    return lambda now: str(Month.of(now.date())) if (now.day, now.hour) >= (day, hour) else None


def _retention(uow: UnitOfWork, period: str, _solving: Solving) -> dict[str, Any]:
    """PIPL art. 19: the month's retention run, with the same VISITSVC_*RETENTION_* settings as the CLI; a dry
    run until an operator has made the first real run."""
    return retention.run_scheduled(uow, today=uow.clock.today(), rules=RetentionRules.from_env(os.environ))


JOBS: dict[str, Job] = {
    job.id: job
    for job in (
        Job(
            "plan-next-month",
            {"day": 25, "hour": 2, "minute": 0},
            _plan_next_month_due,
            lambda uow, period, solving: _plan(uow, solving, "scheduler", Month.parse(period)),
        ),
        # Misses, not-at-homes, new people, status changes and announced absences, for the rest of the month;
        # with nothing changed it makes no new version.
        Job("replan-nightly", {"hour": 1, "minute": 0}, _nightly_due(1), _replan),
        # After the night's re-plan: who can no longer be covered without a supervisor's help.
        Job("evaluate-at-risk", {"hour": 6, "minute": 0}, _nightly_due(6), _evaluate_at_risk),
        # Pseudonymise who left the register years ago, remove old visit photos: quiet hours of the 2nd.
        Job("retention-monthly", {"day": 2, "hour": 3, "minute": 0}, _monthly_due(2, 3), _retention),
    )
}


def run_once(uow: UnitOfWork, job: Job, period: str, solving: Solving = ON_THIS_MACHINE) -> JobRun | None:
    """Run `job` for `period` unless a run of it exists; None when it was already taken. A job that solves
    does it as `solving` says (VISITSVC_DASK_SCHEDULER: on that cluster, connected for this run only)."""
    with uow:
        run = JobRun(
            job=job.id,
            period=period,
            started_at=uow.clock.now(),
            finished_at=None,
            outcome="running",
            summary={},
        )
        try:
            uow.job_runs.claim(run)
            uow.commit()
        except IntegrityError:
            return None
        run_id = run.id
    try:
        summary, outcome = job.run(uow, period, solving), "succeeded"
    except Exception as exc:  # recorded on the run: a failed job is visible in /jobs, not lost in a log
        # Neither the log nor the run keeps the error's text, which may hold personal data (tracebacks.py).
        log.error("job %s for %s failed: %s\n%s", job.id, period, describe(exc), safe_traceback(exc))
        summary, outcome = {"error": describe(exc), "trace": safe_traceback(exc, limit=5)}, "failed"
    with uow:
        uow.job_runs.finish(run_id, at=uow.clock.now(), outcome=outcome, summary=summary)
        stored = uow.job_runs.get(run_id)
        assert stored is not None
        uow.commit()
        return stored


def catch_up(uow: UnitOfWork, now: datetime, solving: Solving = ON_THIS_MACHINE) -> list[JobRun]:
    """Run every job whose due period has no run yet (the scheduler was down when it should have fired)."""
    done = []
    for job in JOBS.values():
        period = job.due_period(now)
        if period is not None:
            with uow:
                missing = uow.job_runs.find(job.id, period) is None
            if missing and (run := run_once(uow, job, period, solving)) is not None:
                done.append(run)
    return done


def serve(
    make_uow: Callable[[], UnitOfWork],
    timezone: str,
    notifier: NotifierSettings | None = None,
    solving: Solving = ON_THIS_MACHINE,
) -> None:
    """Run until SIGTERM/SIGINT: catch up, then fire each job on its schedule, and the notifier every
    minute when a channel is configured."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    uow = make_uow()
    catch_up(uow, uow.clock.now(), solving)
    scheduler = BlockingScheduler(timezone=timezone)
    for job in JOBS.values():
        scheduler.add_job(
            fire, "cron", args=(make_uow, job, solving), id=job.id, replace_existing=True, coalesce=True,
            max_instances=1, **job.cron,
        )  # fmt: skip
    if notifier is not None and notifier.channel != "none":
        scheduler.add_job(
            notify, "interval", args=(make_uow, notifier), minutes=1, id=NOTIFY_JOB, replace_existing=True,
            coalesce=True, max_instances=1,
        )  # fmt: skip
    scheduler.start()


# Not one of JOBS: it runs every minute and is idempotent by itself (a notification per follow-up, a claimed
# send), so it takes no job_runs row per period; each send is its own record (docs/adr/0020).
NOTIFY_JOB = "notify"


def notify(make_uow: Callable[[], UnitOfWork], notifier: NotifierSettings) -> dict[str, Any]:
    """One pass of the notifier: enqueue what is new, send what is due."""
    uow = make_uow()
    try:
        return notifications.notify_pass(
            uow,
            make_channel(notifier),
            now=uow.clock.now(),
            lookback=timedelta(hours=notifier.lookback_hours),
        )
    except Exception as exc:
        log.error("notify pass failed: %s\n%s", describe(exc), safe_traceback(exc))
        raise JobFailed(f"{NOTIFY_JOB}: {describe(exc)}") from None


class JobFailed(Exception):
    """A run that could not be claimed or recorded. It stands in for the original error, whose text (which may
    hold personal data) APScheduler would otherwise log in full."""


def fire(make_uow: Callable[[], UnitOfWork], job: Job, solving: Solving = ON_THIS_MACHINE) -> None:
    """One scheduled firing. A failing job is recorded by run_once; this catches what fails around it."""
    uow = make_uow()
    period = job.due_period(uow.clock.now())
    if period is None:
        return
    try:
        run_once(uow, job, period, solving)
    except Exception as exc:
        log.error("job %s for %s not run: %s\n%s", job.id, period, describe(exc), safe_traceback(exc))
        raise JobFailed(f"{job.id} for {period}: {describe(exc)}") from None
