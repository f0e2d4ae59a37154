"""`visitsvc retention run`: PIPL art. 19, personal data and photos kept no longer than needed."""

from __future__ import annotations

import click

from visitsvc.access.scoping import Caller
from visitsvc.cli.output import refusals, report
from visitsvc.cli.wiring import progress_bar, settings, unit_of_work
from visitsvc.register import retention


@click.group("retention")
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
    with refusals(), progress_bar("匿名化与照片清理", quiet=as_json) as progress:
        outcome = retention.run_retention(
            uow,
            caller=Caller.system(),
            today=uow.clock.today(),
            dry_run=dry_run,
            rules=cfg.retention,
            progress=progress,
        )
    verb = "将" if dry_run else "已"
    text = (
        f"{'试运行（未改动）：' if dry_run else ''}{verb}匿名化 {outcome.people} 人"
        f"（{outcome.left_before} 之前去世、迁出或退出），"
        f"{verb}删除照片 {outcome.photos} 张"
        f"（{outcome.photo_bytes // 1024} KB，{outcome.photos_kept_from} 之前的月份）"
    )
    report(outcome.as_json(), [text], as_json=as_json, text_to_stderr=True)
