"""The operator's command line: `visitsvc --help`."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from visitsvc import scheduler
from visitsvc.access.scoping import Caller
from visitsvc.cli.keys import keys_group
from visitsvc.config import ConfigError, Settings, load_settings
from visitsvc.infrastructure import db, tracebacks
from visitsvc.infrastructure.spreadsheet import read_table
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel import crypto
from visitsvc.kernel.clock import SystemClock
from visitsvc.kernel.errors import DomainError
from visitsvc.kernel.month import Month
from visitsvc.planning import holidays, month_plan, replanning
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import ledger, retention, workers
from visitsvc.register.ledger_format import LedgerKind
from visitsvc.simulation import play as simulation
from visitsvc.simulation.draws import Rates
from visitsvc.simulation.field import SimulationDefect
from visitsvc.simulation.play import SOLUTIONS, SimulationSettings
from visitsvc.simulation.register_copy import CopyError
from visitsvc.simulation.report import describe


def settings() -> Settings:
    try:
        cfg = load_settings()
        crypto.install(cfg.keyring())  # the keys of the encrypted columns (docs/adr/0013)
        return cfg
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def unit_of_work(cfg: Settings) -> UnitOfWork:
    return UnitOfWork(session_factory(make_engine(cfg.database_url)))


@contextmanager
def progress_bar(label: str, *, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on a terminal; nothing when quiet or when output goes to a file."""
    if quiet or not sys.stderr.isatty():
        yield lambda _done, _total: None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


class _Commands(click.Group):
    """An unexpected error is told by its type and frames only (tracebacks): a command's stderr ends
    up in a log (cron mail, the journal), and an error's text may hold personal data."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            click.echo(tracebacks.safe_traceback(exc), err=True)
            raise click.ClickException(f"意外错误：{tracebacks.describe(exc)}") from None


@click.group(cls=_Commands)
def main() -> None:
    """visitsvc: the register of elders to visit, their monthly plan and the visits made."""


@main.group("db")
def db_group() -> None:
    """Schema management."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to VISITSVC_DATABASE_URL (creates the SQLite file if needed)."""
    cfg = settings()
    if cfg.database_url.startswith("sqlite:///"):
        Path(cfg.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.upgrade(cfg.database_url)
    click.echo("database is up to date", err=True)


@main.command("import")
@click.argument("kind", type=click.Choice([k.value for k in LedgerKind]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result on stdout, no progress.")
def import_command(kind: str, file: Path, dry_run: bool, as_json: bool) -> None:
    """Import a 台账 file (CSV or XLSX) of areas, workers or elders: every row or none."""
    cfg = settings()
    try:
        table = read_table(file.read_bytes(), file.name)
        with progress_bar(f"导入 {file.name}", quiet=as_json) as progress:
            result = ledger.import_table(
                unit_of_work(cfg),
                caller=Caller.system(),
                kind=LedgerKind(kind),
                table=table,
                dry_run=dry_run,
                filename=file.name,
                progress=progress,
            )
    except DomainError as exc:
        rows = [{"row": r.row, "column": r.column, "message": r.message} for r in exc.rows]
        if as_json:
            click.echo(
                json.dumps({"created": 0, "updated": 0, "unchanged": 0, "errors": rows}, ensure_ascii=False)
            )
        else:
            click.echo(f"导入失败：{exc.message}", err=True)
            for r in exc.rows:
                click.echo(f"  第 {r.row} 行 [{r.column}] {r.message}", err=True)
        sys.exit(1)
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if as_json:
        click.echo(json.dumps({**counts, "errors": []}, ensure_ascii=False))
        return
    verb = "检查通过（未写入）" if dry_run else "导入完成"
    click.echo(
        f"{verb}：{result.rows} 行，新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}",
        err=True,
    )


@main.command("set-password")
@click.argument("account")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(account: str, password_stdin: bool) -> None:
    """Give an account a (new) password; its open sessions end, and its owner must choose their own at the
    next login (POST /api/v1/me/password, or the console's 修改密码 page)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("新密码", hide_input=True, confirmation_prompt=True)
    try:
        workers.set_password(
            unit_of_work(settings()), caller=Caller.system(), account=account, password=password
        )
    except DomainError as exc:
        messages = "; ".join(m for ms in exc.errors.values() for m in ms) or exc.message
        raise click.ClickException(messages) from None
    click.echo(f"已为 {account} 设置密码（首次登录后须修改）", err=True)


def _executor(name: str, address: str | None) -> Any:
    """A process pool, or Dask: the configured scheduler, else a local cluster of one worker per core."""
    if name != "dask":
        return name
    if address:
        return address
    from distributed import Client, LocalCluster

    return Client(LocalCluster(processes=True, threads_per_worker=1))  # type: ignore[no-untyped-call]


@main.command("plan")
@click.option("--month", "month_text", required=True, help="YYYY-MM, or current / next")
@click.option("--area", "area_code", help="Re-plan this area's subtree only; the rest is carried over.")
@click.option(
    "--executor", type=click.Choice(["process", "serial", "dask"]), default="process", show_default=True
)
@click.option("--dask-address", envvar="VISITSVC_DASK_SCHEDULER", help="tcp://host:8786 of a Dask scheduler.")
@click.option("--time-per-worker", type=float, default=1.0, show_default=True, help="Seconds of search each.")
@click.option("--force", is_flag=True, help="Make a new version even when nothing changed.")
@click.option("--json", "as_json", is_flag=True)
def plan_command(
    month_text: str,
    area_code: str | None,
    executor: str,
    dask_address: str | None,
    time_per_worker: float,
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
    try:
        with progress_bar(f"规划 {month}", quiet=as_json) as progress:
            outcome = month_plan.plan_month(
                unit_of_work(cfg),
                caller=Caller.system(),
                month=month,
                area_code=area_code,
                force=force,
                executor=_executor(executor, dask_address),
                settings=PlanningSettings(time_per_worker=time_per_worker),
                progress=progress,
            )
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if outcome.calendar_warning:
        click.echo(outcome.calendar_warning, err=True)
    if as_json:
        click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
        return
    state = "新版本" if outcome.created else "输入未变，沿用版本"
    click.echo(
        f"{month} 计划{state} v{outcome.version}：{outcome.planned_visits} 次探访，用时 {outcome.seconds} s"
    )
    short = {code: c for code, c in outcome.grids.items() if c.get("unplanned") or c.get("substituted")}
    for code, counts in short.items():
        click.echo(
            f"  网格 {code}: 应探访 {counts.get('owed', 0)}，已安排 {counts.get('planned', 0)}，"
            f"改为电话 {counts.get('substituted', 0)}，未能安排 {counts.get('unplanned', 0)}"
        )
    reasons = Counter(u["reason"] for u in outcome.unplanned)
    if reasons:
        click.echo("  未能安排：" + "，".join(f"{r} {n}" for r, n in reasons.items()))


@main.command("replan")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Today (default): kept as planned.")
@click.option("--worker", "worker_id", type=int, help="Re-plan this grid worker only (and who takes over).")
@click.option("--area", "area_code", help="Re-plan this area's subtree only; the rest is carried over.")
@click.option(
    "--executor", type=click.Choice(["process", "serial", "dask"]), default="process", show_default=True
)
@click.option("--dask-address", envvar="VISITSVC_DASK_SCHEDULER", help="tcp://host:8786 of a Dask scheduler.")
@click.option("--time-per-worker", type=float, default=1.0, show_default=True, help="Seconds of search each.")
@click.option("--json", "as_json", is_flag=True)
def replan_command(
    day: Any,
    worker_id: int | None,
    area_code: str | None,
    executor: str,
    dask_address: str | None,
    time_per_worker: float,
    as_json: bool,
) -> None:
    """Re-plan the rest of the month after a day: misses, not at home, new people, absences."""
    cfg = settings()
    today = day.date() if day is not None else SystemClock().today()
    try:
        with progress_bar(f"重新规划 {today}", quiet=as_json) as progress:
            outcome = replanning.replan(
                unit_of_work(cfg),
                caller=Caller.system(),
                today=today,
                worker_id=worker_id,
                area_code=area_code,
                executor=_executor(executor, dask_address),
                settings=PlanningSettings(time_per_worker=time_per_worker),
                progress=progress,
            )
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if as_json:
        click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
        return
    state = "新版本" if outcome.created else "没有变化，沿用版本"
    click.echo(
        f"{outcome.month} 自 {today} 之后重新规划，{state} v{outcome.version}：调整 {outcome.moved}，"
        f"新增 {outcome.added}，取消 {outcome.removed}，交给同事 {outcome.to_colleagues}，"
        f"用时 {outcome.seconds} s"
    )
    reasons = Counter(u["reason"] for u in outcome.unplanned)
    if reasons:
        click.echo("  未能安排：" + "，".join(f"{r} {n}" for r, n in reasons.items()))


@main.group("calendar")
def calendar_group() -> None:
    """Working days: official holiday notices."""


@calendar_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def calendar_load(file: Path) -> None:
    """Load a holiday notice: a CSV or XLSX with columns 日期,类型 (休 or 班)."""
    try:
        loaded = holidays.load_calendar(
            unit_of_work(settings()),
            caller=Caller.system(),
            table=read_table(file.read_bytes(), file.name),
            source=file.name,
        )
    except DomainError as exc:
        click.echo(f"导入失败：{exc.message}", err=True)
        for r in exc.rows:
            click.echo(f"  第 {r.row} 行 [{r.column}] {r.message}", err=True)
        sys.exit(1)
    years = "、".join(map(str, loaded.years))
    click.echo(
        f"已载入 {years} 年放假安排：休 {loaded.days_off} 天，调休上班 {loaded.working_weekend_days} 天",
        err=True,
    )


@main.group("retention")
def retention_group() -> None:
    """PIPL art. 19: how long personal data of people who left, and visit photos, are kept."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Count what is due and audit the count; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable counts on stdout, no progress.")
def retention_run(dry_run: bool, as_json: bool) -> None:
    """Pseudonymise people who died, moved out or withdrew VISITSVC_RETENTION_YEARS ago (default 3) and
    remove photos of visits whose month closed VISITSVC_PHOTO_RETENTION_DAYS ago (default 365).

    Works in committed batches: an interrupted run is safe, and the next one goes on from there. The monthly
    scheduled run only counts until this command has made a first real run."""
    cfg = settings()
    uow = unit_of_work(cfg)
    try:
        with progress_bar("匿名化与照片清理", quiet=as_json) as progress:
            outcome = retention.run_retention(
                uow,
                caller=Caller.system(),
                today=uow.clock.today(),
                dry_run=dry_run,
                rules=cfg.retention,
                progress=progress,
            )
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if as_json:
        click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
        return
    verb = "将" if dry_run else "已"
    click.echo(
        f"{'试运行（未改动）：' if dry_run else ''}{verb}匿名化 {outcome.people} 人"
        f"（{outcome.left_before} 之前去世、迁出或退出），"
        f"{verb}删除照片 {outcome.photos} 张"
        f"（{outcome.photo_bytes // 1024} KB，{outcome.photos_kept_from} 之前的月份）",
        err=True,
    )


@main.group("scheduler", invoke_without_command=True)
@click.pass_context
def scheduler_group(ctx: click.Context) -> None:
    """Run the scheduled jobs until stopped (next month's plan on the 25th, the nightly re-plan, the
    retention run on the 2nd)."""
    if ctx.invoked_subcommand is None:
        cfg = settings()
        scheduler.serve(lambda: unit_of_work(cfg), cfg.timezone)


@scheduler_group.command("run-now")
@click.argument("job_id", type=click.Choice(sorted(scheduler.JOBS)))
@click.option("--period", help="Default: the job's period due now (YYYY-MM or YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
def scheduler_run_now(job_id: str, period: str | None, as_json: bool) -> None:
    """Run one job once, through the same exactly-once guard as the scheduler."""
    job = scheduler.JOBS[job_id]
    uow = unit_of_work(settings())
    now = uow.clock.now()
    # Not due yet: a daily job's run of today, the monthly plan's of next month.
    period = period or job.due_period(now) or job.due_period(now.replace(hour=23))
    period = period or job.due_period(now.replace(day=28, hour=23))
    assert period is not None
    run = scheduler.run_once(uow, job, period)
    if run is None:
        message: dict[str, Any] = {"job": job_id, "period": period, "outcome": "already_ran"}
    else:
        message = {"job": job_id, "period": period, "outcome": run.outcome, "summary": run.summary}
    click.echo(
        json.dumps(message, ensure_ascii=False, default=str)
        if as_json
        else f"{job_id} {period}: {message['outcome']}"
    )
    if run is not None and run.outcome == "failed":
        sys.exit(1)


DEFAULT_RATES = Rates()


def _rate(name: str, default: float, text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option(name, type=float, default=default, show_default=True, help=text)


@main.command("simulate")
@click.option("--month", "month_text", required=True, help="YYYY-MM")
@click.option("--seed", "random_seed", type=int, default=1, show_default=True, help="Same seed, same month.")
@_rate("--not-home", DEFAULT_RATES.not_home, "Chance nobody is at home (or answers the phone) at a visit.")
@_rate("--sick", DEFAULT_RATES.sick, "Chance a worker reports sick on a working-day morning.")
@_rate("--new", DEFAULT_RATES.new, "Share of the register newly registered over the month.")
@_rate("--hospital", DEFAULT_RATES.hospital, "Chance a visit finds the person in hospital.")
@_rate("--refused", DEFAULT_RATES.refused, "Chance a home visit is refused at the door.")
@click.option("--demo", is_flag=True, help="On a newly seeded demo district, not a copy of the register.")
@click.option("--keep", help="Keep the copy: a file for SQLite, a database name for PostgreSQL.")
@click.option("--solutions", type=int, default=SOLUTIONS, show_default=True, help="Solutions per solve.")
@click.option("--json", "as_json", is_flag=True)
def simulate_command(
    month_text: str,
    random_seed: int,
    not_home: float,
    sick: float,
    new: float,
    hospital: float,
    refused: float,
    demo: bool,
    keep: str | None,
    solutions: int,
    as_json: bool,
) -> None:
    """Play a month day by day through the services, on a copy of the register (never the register itself):
    the proof of the monthly visit rate."""
    try:
        month = Month.parse(month_text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    rates = Rates(not_home=not_home, sick=sick, new=new, hospital=hospital, refused=refused)
    if rates.errors():
        raise click.BadParameter("rates must be between 0 and 1: " + ", ".join(rates.errors()))
    if solutions < 1:
        raise click.BadParameter("at least 1", param_hint="--solutions")
    chosen = SimulationSettings(
        month, random_seed, rates, PlanningSettings(solution_limit=solutions), executor="serial"
    )
    try:
        with progress_bar(f"模拟 {month}", quiet=as_json) as progress:
            report = simulation.run(
                chosen,
                source_url=None if demo else settings().database_url,
                keep=keep,
                progress=progress,
            )
    except (DomainError, CopyError, SimulationDefect) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from None
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
        return
    for line in describe(report):
        click.echo(line)


main.add_command(keys_group)
