"""python -m seed --size demo|district|city|county: a believable district, or a rural county, to try visitsvc
on; never in production."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path

import click

from seed import county, partners
from seed.district import DEMO_PASSWORD, PROFILES, generate, write_csv
from seed.load import load, load_station
from visitsvc.access.scoping import Scope
from visitsvc.cli.wiring import progress_bar
from visitsvc.config import ConfigError, load_settings
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, Clock, FixedClock, SystemClock
from visitsvc.model import Role

NINE = clock_time(9, 0)


@click.command()
@click.option(
    "--size",
    type=click.Choice(sorted([*PROFILES, "county"])),
    default="demo",
    show_default=True,
    help="county: a rural, mountainous county of scattered villages (seed/county.py).",
)
@click.option(
    "--seed", "random_seed", type=int, default=20261101, show_default=True, help="Same seed, same data."
)
@click.option("--reset", is_flag=True, help="Empty the database first (all data is lost).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the register already holds data.")
@click.option("--csv-dir", type=click.Path(file_okay=False), help="Also write the 台账 as CSV files here.")
@click.option("--logins", is_flag=True, help="Only print the demo accounts and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary; no progress bars.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Seed as if on this day (ages, registration dates): a simulation's district is the same every day.",
)
def main(
    size: str,
    random_seed: int,
    reset: bool,
    if_empty: bool,
    csv_dir: str | None,
    logins: bool,
    as_json: bool,
    today: datetime | None,
) -> None:
    try:
        settings = load_settings()  # the one reading of VISITSVC_ENV: "Production" or "prod" stops here
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if settings.is_production:
        raise click.ClickException("refusing to seed demo data in production (VISITSVC_ENV=production)")
    url = settings.database_url
    engine = make_engine(url)
    sessions = session_factory(engine)
    if logins:
        _print_logins(UnitOfWork(sessions))
        return
    db.upgrade(url)
    if db.has_register_data(url):
        if if_empty:
            click.echo("register already holds data: not seeding", err=True)
            return
        if not reset:
            raise click.ClickException("the database is not empty; use --reset to replace its data")
        engine.dispose()
        db.downgrade_to_base(url)
        db.upgrade(url)
    started = time.perf_counter()
    clock: Clock = SystemClock() if today is None else FixedClock(datetime.combine(today, NINE, SHANGHAI))
    if size == "county":
        ledger = county.generate(today=clock.today(), random_seed=random_seed)
    else:
        ledger = generate(size, today=clock.today(), random_seed=random_seed)
    if csv_dir:
        write_csv(ledger, Path(csv_dir))
    with ExitStack() as stack:

        def progress(label: str) -> Callable[[int, int], None]:
            return stack.enter_context(progress_bar(f"导入 {label}", quiet=as_json))

        result = load(lambda: UnitOfWork(sessions, clock), ledger, password=DEMO_PASSWORD, progress=progress)
    if size == "demo":  # the demo's mixed team (issue 19); other sizes stay grid workers only
        station = partners.generate(ledger, today=clock.today(), random_seed=random_seed)
        result.counts |= load_station(lambda: UnitOfWork(sessions, clock), station, password=DEMO_PASSWORD)
    seconds = round(time.perf_counter() - started, 1)
    summary = {"size": size, "seed": random_seed, **result.counts, "seconds": seconds}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(
            f"seeded {size}: {result.counts['areas']} areas, {result.counts['workers']} grid workers, "
            f"{result.counts['staff']} staff, {result.counts['elders']} elders in {summary['seconds']} s",
            err=True,
        )


def _print_logins(uow: UnitOfWork) -> None:
    with uow:
        everyone = uow.workers.page(Scope.everything(), role=None, active=True, limit=100_000, after_id=None)
        staff = [
            (w.account, w.role.value, w.area.name if w.area else "", w.kind.label if w.kind else "")
            for w in everyone
            if w.role is not Role.GRID_WORKER
        ]
        grid_workers = [w.account for w in everyone if w.role is Role.GRID_WORKER]
    if not staff:
        click.echo("no accounts yet: run `make run` or `python -m seed`")
        return
    click.echo(f"demo accounts (password: {DEMO_PASSWORD})")
    for account, role, area, kind in staff:
        click.echo(f"  {account:<8} {role:<11} {area} {kind}".rstrip())
    if grid_workers:
        click.echo(f"  {grid_workers[0]} .. {grid_workers[-1]}  grid_worker  one grid each")
    click.echo("API: http://127.0.0.1:8000/api/v1   docs: http://127.0.0.1:8000/docs")


if __name__ == "__main__":
    sys.exit(main())
