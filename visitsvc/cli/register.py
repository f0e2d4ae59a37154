"""`visitsvc import`: a 台账 file into the register, every row or none."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from visitsvc.access.scoping import Caller
from visitsvc.cli.output import Refused, report
from visitsvc.cli.wiring import progress_bar, settings, unit_of_work
from visitsvc.infrastructure.spreadsheet import read_table
from visitsvc.kernel.errors import DomainError
from visitsvc.register import ledger_import
from visitsvc.register.ledger_format import LedgerKind


@click.command("import")
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
            result = ledger_import.import_table(
                unit_of_work(cfg),
                caller=Caller.system(),
                kind=LedgerKind(kind),
                table=table,
                dry_run=dry_run,
                filename=file.name,
                progress=progress,
            )
    except DomainError as exc:
        if not as_json:
            raise Refused(exc.message, heading="导入失败", rows=exc.rows) from None
        # A script reads the bad cells from the same shape as a success, on stdout; the exit code says no.
        rows = [{"row": r.row, "column": r.column, "message": r.message} for r in exc.rows]
        report({"created": 0, "updated": 0, "unchanged": 0, "errors": rows}, (), as_json=True)
        sys.exit(1)
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    verb = "检查通过（未写入）" if dry_run else "导入完成"
    text = f"{verb}：{result.rows} 行，新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
    report({**counts, "errors": []}, [text], as_json=as_json, text_to_stderr=True)
