"""`visitsvc scheduler`: the scheduled jobs, served until stopped or run once now."""

from __future__ import annotations

import sys
from typing import Any

import click

from visitsvc import scheduler
from visitsvc.cli.output import report
from visitsvc.cli.wiring import settings, unit_of_work
from visitsvc.planning.executors import Solving


@click.group("scheduler", invoke_without_command=True)
@click.pass_context
def scheduler_group(ctx: click.Context) -> None:
    """Run the scheduled jobs until stopped (next month's plan on the 25th, the nightly re-plan, the
    retention run on the 2nd, the notifier every minute when VISITSVC_NOTIFY_CHANNEL is set)."""
    if ctx.invoked_subcommand is None:
        cfg = settings()
        solving = Solving.configured(cfg.dask_scheduler)
        scheduler.serve(lambda: unit_of_work(cfg), cfg.timezone, cfg.notifier, solving)


@scheduler_group.command("run-now")
@click.argument("job_id", type=click.Choice(sorted(scheduler.JOBS)))
@click.option("--period", help="Default: the job's period due now (YYYY-MM or YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
def scheduler_run_now(job_id: str, period: str | None, as_json: bool) -> None:
    """Run one job once, through the same exactly-once guard as the scheduler."""
    job = scheduler.JOBS[job_id]
    cfg = settings()
    uow = unit_of_work(cfg)
    now = uow.clock.now()
    # Not due yet: a daily job's run of today, the monthly plan's of next month.
    period = period or job.due_period(now) or job.due_period(now.replace(hour=23))
    period = period or job.due_period(now.replace(day=28, hour=23))
    assert period is not None
    run = scheduler.run_once(uow, job, period, Solving.configured(cfg.dask_scheduler))
    if run is None:
        message: dict[str, Any] = {"job": job_id, "period": period, "outcome": "already_ran"}
    else:
        message = {"job": job_id, "period": period, "outcome": run.outcome, "summary": run.summary}
    # A run's summary holds dates: written as text.
    report(message, [f"{job_id} {period}: {message['outcome']}"], as_json=as_json, json_default=str)
    if run is not None and run.outcome == "failed":
        sys.exit(1)


@click.command("notify")
@click.option("--json", "as_json", is_flag=True)
def notify_command(as_json: bool) -> None:
    """Tell supervisors once now: make the notifications of new urgent follow-ups and planning-day
    shortfalls, send what is due (as the scheduler does every minute)."""
    cfg = settings()
    summary = scheduler.notify(lambda: unit_of_work(cfg), cfg.notifier)
    lines = [
        f"{summary['channel']}: enqueued {summary['enqueued']}, sent {summary['sent']}, "
        f"retrying {summary['retrying']}, failed {summary['failed']}"
    ]
    report(summary, lines, as_json=as_json)
