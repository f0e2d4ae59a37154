"""`visitsvc plan`, `replan` and `calendar load`: the monthly plan, its re-plans, and the working days."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from visitsvc.access.scoping import Caller
from visitsvc.cli.output import refusals, report
from visitsvc.cli.wiring import progress_bar, settings, unit_of_work
from visitsvc.config import Settings
from visitsvc.infrastructure.spreadsheet import read_table
from visitsvc.kernel.clock import SystemClock
from visitsvc.kernel.month import Month
from visitsvc.planning import holidays, month_plan, replanning
from visitsvc.planning.executors import ExecutorName, Solving, check_dask_address
from visitsvc.planning.plan_outcome import PlanOutcome
from visitsvc.planning.replanning import ReplanOutcome
from visitsvc.planning.route_problems import PlanningSettings


def _solving(executor: ExecutorName, address: str | None, cfg: Settings) -> Solving:
    """`--executor`, on `--dask-address` or else VISITSVC_DASK_SCHEDULER (checked alike); Dask with neither
    starts a local cluster of one worker per core."""
    if address:
        try:
            check_dask_address(address, name="--dask-address")
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--dask-address") from None
    return Solving(executor, address or cfg.dask_scheduler)


def _unplanned_line(unplanned: list[dict[str, Any]]) -> Iterator[str]:
    reasons = Counter(u["reason"] for u in unplanned)
    if reasons:
        yield "  未能安排：" + "，".join(f"{r} {n}" for r, n in reasons.items())


def _search_options(command: Callable[..., None]) -> Callable[..., None]:
    """Where the solves run and how long each searches: the same three options for plan and replan."""
    for option in reversed(
        [
            click.option(
                "--executor",
                type=click.Choice(["process", "serial", "dask"]),
                default="process",
                show_default=True,
            ),
            click.option(
                "--dask-address",
                help="tcp://host:8786 of a Dask scheduler (default: VISITSVC_DASK_SCHEDULER).",
            ),
            click.option(
                "--time-per-worker",
                type=float,
                help="Seconds of guided local search per worker (default: each down to a local optimum, "
                "ADR 0023).",
            ),
        ]
    ):
        command = option(command)
    return command


@click.command("plan")
@click.option("--month", "month_text", required=True, help="YYYY-MM, or current / next")
@click.option("--area", "area_code", help="Re-plan this area's subtree only; the rest is carried over.")
@_search_options
@click.option("--force", is_flag=True, help="Make a new version even when nothing changed.")
@click.option("--json", "as_json", is_flag=True)
def plan_command(
    month_text: str,
    area_code: str | None,
    executor: ExecutorName,
    dask_address: str | None,
    time_per_worker: float | None,
    force: bool,
    as_json: bool,
) -> None:
    """Plan a month: one routing problem per worker, stored as a new plan version."""
    try:
        today = SystemClock().today()
        keywords = {"current": Month.of(today), "next": Month.of(today).next()}
        month = keywords[month_text] if month_text in keywords else Month.parse(month_text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    cfg = settings()
    solving = _solving(executor, dask_address, cfg)
    with refusals(), progress_bar(f"规划 {month}", quiet=as_json) as progress, solving.open() as on:
        outcome = month_plan.plan_month(
            unit_of_work(cfg),
            caller=Caller.system(),
            month=month,
            area_code=area_code,
            force=force,
            executor=on,
            settings=PlanningSettings(time_per_worker=time_per_worker),
            progress=progress,
        )
    if outcome.calendar_warning:
        click.echo(outcome.calendar_warning, err=True)
    report(outcome.as_json(), _plan_text(month, outcome), as_json=as_json)


def _plan_text(month: Month, outcome: PlanOutcome) -> Iterator[str]:
    state = "新版本" if outcome.created else "输入未变，沿用版本"
    yield f"{month} 计划{state} v{outcome.version}：{outcome.planned_visits} 次探访，用时 {outcome.seconds} s"
    short = {code: c for code, c in outcome.grids.items() if c.get("unplanned") or c.get("substituted")}
    for code, counts in short.items():
        yield (
            f"  网格 {code}: 应探访 {counts.get('owed', 0)}，已安排 {counts.get('planned', 0)}，"
            f"改为电话 {counts.get('substituted', 0)}"
            + (f"（其中高风险每周上门 {counts['weekly_calls']}）" if counts.get("weekly_calls") else "")
            + f"，未能安排 {counts.get('unplanned', 0)}"
        )
    yield from _unplanned_line(outcome.unplanned)


@click.command("replan")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Today (default): kept as planned.")
@click.option("--worker", "worker_id", type=int, help="Re-plan this grid worker only (and who takes over).")
@click.option("--area", "area_code", help="Re-plan this area's subtree only; the rest is carried over.")
@_search_options
@click.option("--json", "as_json", is_flag=True)
def replan_command(
    day: Any,
    worker_id: int | None,
    area_code: str | None,
    executor: ExecutorName,
    dask_address: str | None,
    time_per_worker: float | None,
    as_json: bool,
) -> None:
    """Re-plan the rest of the month after a day: misses, not at home, new people, absences."""
    cfg = settings()
    today = day.date() if day is not None else SystemClock().today()
    solving = _solving(executor, dask_address, cfg)
    with refusals(), progress_bar(f"重新规划 {today}", quiet=as_json) as progress, solving.open() as on:
        outcome = replanning.replan(
            unit_of_work(cfg),
            caller=Caller.system(),
            today=today,
            worker_id=worker_id,
            area_code=area_code,
            executor=on,
            settings=PlanningSettings(time_per_worker=time_per_worker),
            progress=progress,
        )
    report(outcome.as_json(), _replan_text(today, outcome), as_json=as_json)


def _replan_text(today: date, outcome: ReplanOutcome) -> Iterator[str]:
    state = "新版本" if outcome.created else "没有变化，沿用版本"
    yield (
        f"{outcome.month} 自 {today} 之后重新规划，{state} v{outcome.version}：调整 {outcome.moved}，"
        f"新增 {outcome.added}，取消 {outcome.removed}，交给同事 {outcome.to_colleagues}，"
        f"用时 {outcome.seconds} s"
    )
    yield from _unplanned_line(outcome.unplanned)


@click.group("calendar")
def calendar_group() -> None:
    """Working days: official holiday notices."""


@calendar_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def calendar_load(file: Path) -> None:
    """Load a holiday notice: a CSV or XLSX with columns 日期,类型 (休 or 班)."""
    with refusals(heading="导入失败"):
        loaded = holidays.load_calendar(
            unit_of_work(settings()),
            caller=Caller.system(),
            table=read_table(file.read_bytes(), file.name),
            source=file.name,
        )
    years = "、".join(map(str, loaded.years))
    click.echo(
        f"已载入 {years} 年放假安排：休 {loaded.days_off} 天，调休上班 {loaded.working_weekend_days} 天",
        err=True,
    )
