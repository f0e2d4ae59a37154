"""`visitsvc import`: a 台账 file into the register, every row or none (`partners`: a workbook of
organisations and their staff, sheets 机构 and 人员)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from visitsvc.access.scoping import Caller
from visitsvc.cli.output import Refused, report
from visitsvc.cli.wiring import progress_bar, settings, unit_of_work
from visitsvc.infrastructure.spreadsheet import read_table
from visitsvc.kernel.errors import DomainError
from visitsvc.partners import ledger as partner_ledger
from visitsvc.register import ledger_import
from visitsvc.register.ledger_format import LedgerKind

PARTNERS = "partners"


@click.command("import")
@click.argument("kind", type=click.Choice([*(k.value for k in LedgerKind), PARTNERS]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result on stdout, no progress.")
def import_command(kind: str, file: Path, dry_run: bool, as_json: bool) -> None:
    """Import a 台账 file (CSV or XLSX) of areas, workers or elders, or an XLSX workbook of partners
    (sheets 机构 and 人员: organisations and their staff): every row or none."""
    cfg = settings()
    try:
        with progress_bar(f"导入 {file.name}", quiet=as_json) as progress:
            if kind == PARTNERS:
                partners = partner_ledger.import_workbook(
                    unit_of_work(cfg), caller=Caller.system(), data=file.read_bytes(), filename=file.name,
                    dry_run=dry_run, progress=progress,
                )  # fmt: skip
                counts = (partners.organisations + partners.staff, partners.created, partners.updated,
                          partners.unchanged)  # fmt: skip
            else:
                result = ledger_import.import_table(
                    unit_of_work(cfg),
                    caller=Caller.system(),
                    kind=LedgerKind(kind),
                    table=read_table(file.read_bytes(), file.name),
                    dry_run=dry_run,
                    filename=file.name,
                    progress=progress,
                )
                counts = (result.rows, result.created, result.updated, result.unchanged)
    except DomainError as exc:
        if not as_json:
            raise Refused(exc.message, heading="导入失败", rows=exc.rows) from None
        # A script reads the bad cells from the same shape as a success, on stdout; the exit code says no.
        rows = [{"row": r.row, "column": r.column, "message": r.message} for r in exc.rows]
        report({"created": 0, "updated": 0, "unchanged": 0, "errors": rows}, (), as_json=True)
        sys.exit(1)
    total, created, updated, unchanged = counts
    verb = "检查通过（未写入）" if dry_run else "导入完成"
    text = f"{verb}：{total} 行，新增 {created}，更新 {updated}，未变 {unchanged}"
    report(
        {"created": created, "updated": updated, "unchanged": unchanged, "errors": []},
        [text], as_json=as_json, text_to_stderr=True,
    )  # fmt: skip
