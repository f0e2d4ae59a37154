"""Importing the 台账: all or nothing, upsert by natural key, every change audited.

The rows of areas and of workers are checked and written in ledger_areas_workers, the elders' here; the
export, the other way, is ledger_export.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from visitsvc.access.scoping import Caller, require_admin, require_register_writer
from visitsvc.accounts import audit
from visitsvc.infrastructure.spreadsheet import Table, read_table
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict, Invalid, RowError
from visitsvc.model import Area, AreaLevel, Elder, ElderCategory, Worker, worker_grids
from visitsvc.register import id_lookups
from visitsvc.register.elder_validation import ElderData, normalize
from visitsvc.register.elders import Registration, apply, registration, registration_entry_values
from visitsvc.register.ledger_areas_workers import import_areas, import_workers
from visitsvc.register.ledger_format import (
    ELDER_FIELD_COLUMN,
    LedgerKind,
    check_headers,
    elder_from_row,
    field_errors,
    row_readers,
)
from visitsvc.register.ledger_import_result import ImportResult, Progress

BATCH = 1000
# An import that writes this many rows leaves the planner's statistics of its tables stale (or, for tables
# just filled, absent): they are refreshed with it (UnitOfWork.refresh_statistics).
BULK = 1000
STATISTICS = {
    LedgerKind.AREAS: (Area.__tablename__,),
    LedgerKind.WORKERS: (Worker.__tablename__, worker_grids.name),
    LedgerKind.ELDERS: (Elder.__tablename__, ElderCategory.__tablename__),
}


def _no_progress(_done: int, _total: int) -> None:
    return None


def import_file(
    uow: UnitOfWork,
    *,
    caller: Caller,
    kind: LedgerKind,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    progress: Progress = _no_progress,
) -> ImportResult:
    """An uploaded CSV or XLSX file, read only once the caller may import it: a caller who may not
    costs no parsing at all, whatever the file holds."""
    _require_importer(caller, kind)
    table = read_table(data, filename)
    return import_table(
        uow, caller=caller, kind=kind, table=table, dry_run=dry_run, filename=filename, progress=progress
    )


def _require_importer(caller: Caller, kind: LedgerKind) -> None:
    if kind is LedgerKind.AREAS:
        require_admin(caller)
    else:
        require_register_writer(caller)


def import_table(
    uow: UnitOfWork,
    *,
    caller: Caller,
    kind: LedgerKind,
    table: Table,
    dry_run: bool = False,
    filename: str = "",
    progress: Progress = _no_progress,
) -> ImportResult:
    """Check every row, then write all of them in one transaction, or nothing and every problem."""
    _require_importer(caller, kind)
    header_errors = check_headers(kind, table.headers)
    if header_errors:
        raise Invalid("文件表头不正确", code="invalid_file", rows=header_errors)
    importer = {LedgerKind.AREAS: import_areas, LedgerKind.WORKERS: import_workers}.get(kind, _import_elders)
    with uow:
        result = ImportResult(kind, rows=len(table.rows), dry_run=dry_run)
        importer(uow, caller, table, result, progress)
        if result.errors:
            result.errors.sort(key=lambda e: (e.row, e.column))
            raise Invalid(
                f"文件中有 {len(result.errors)} 处错误，未导入任何数据",
                code="invalid_file",
                rows=result.errors,
            )
        if not dry_run and result.created + result.updated >= BULK:
            uow.flush()
            uow.refresh_statistics(*STATISTICS[kind])
        audit.record(
            uow,
            caller,
            action=f"ledger.import.{kind.value}",
            record_type="ledger",
            record_id=None,
            area_path=caller.scope.home_path,
            details={
                "file": filename,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "dry_run": dry_run,
            },
        )
        if dry_run:
            uow.rollback()
            return result
        try:
            uow.commit()
        except IntegrityError as exc:  # someone registered the same person meanwhile
            raise Conflict("导入时数据已被他人修改，请重新导入", code="concurrent_change") from exc
        return result


def _import_elders(
    uow: UnitOfWork, caller: Caller, table: Table, result: ImportResult, progress: Progress
) -> None:
    today, now = uow.clock.today(), uow.clock.now()
    parsed: list[tuple[int, ElderData]] = []
    first_row: dict[str, int] = {}
    for reader in row_readers(table):
        data = elder_from_row(reader)
        result.errors += reader.errors
        if data is None:
            continue
        clean, errors = normalize(data, today=today)
        result.errors += field_errors(reader.row, errors, ELDER_FIELD_COLUMN)
        if errors:
            continue
        if clean.id_number in first_row:
            result.errors.append(
                RowError(reader.row, "身份证号", f"与第 {first_row[clean.id_number]} 行的身份证号重复")
            )
            continue
        first_row[clean.id_number] = reader.row
        parsed.append((reader.row, clean))
    grids = uow.areas.by_codes({d.grid_code for _, d in parsed})
    existing = uow.elders.by_id_numbers(first_row)
    _answer_lookups(uow, caller, parsed, grids, existing, result)
    created: list[tuple[Registration, Area]] = []
    for done, (row, data) in enumerate(parsed, start=1):
        grid = grids.get(data.grid_code)
        if grid is None or grid.level is not AreaLevel.GRID or not caller.scope.covers(grid.path):
            result.errors.append(RowError(row, "所属网格", "网格不存在或不在您的管辖范围内"))
            continue
        elder = existing.get(data.id_number)
        if elder is not None and not caller.scope.covers(elder.grid.path):
            result.errors.append(RowError(row, "身份证号", "该身份证号已在其他地区登记"))
            continue
        if result.errors:  # once a row is bad nothing will be written: only keep checking
            continue
        if elder is None:
            created.append((registration(data, grid, today=today, at=now), grid))
        else:
            _update_elder(uow, caller, elder, data, grid, result, today=today, now=now)
        if len(created) == BATCH or done == len(parsed):
            _register(uow, caller, created, now=now)
            result.created += len(created)
            created = []
        if done % BATCH == 0:
            progress(done, len(parsed))
    progress(len(parsed), len(parsed))


def _answer_lookups(
    uow: UnitOfWork,
    caller: Caller,
    parsed: list[tuple[int, ElderData]],
    grids: dict[str, Area],
    existing: dict[str, Elder],
    result: ImportResult,
) -> None:
    """The rows whose numbers reach beyond the caller's area are lookups across areas (see lookups): refused
    when the caller has none left, each `registered elsewhere` row counted, a file over the allowance refused
    as a whole, naming no row. Done before anything is written."""

    def mine(elder: Elder | None) -> bool:
        return elder is not None and caller.scope.covers(elder.grid.path)

    def grid_ok(code: str) -> bool:
        grid = grids.get(code)
        return grid is not None and grid.level is AreaLevel.GRID and caller.scope.covers(grid.path)

    if all(mine(existing.get(d.id_number)) for _, d in parsed):
        return
    id_lookups.refuse_when_spent(uow, caller)
    hits = [
        (d.id_number, row)
        for row, d in parsed
        if grid_ok(d.grid_code)
        and existing.get(d.id_number) is not None
        and not mine(existing.get(d.id_number))
    ]
    route = id_lookups.Route.DRY_RUN if result.dry_run else id_lookups.Route.IMPORT
    id_lookups.answer(uow, caller, hits, route=route)


def _register(
    uow: UnitOfWork, caller: Caller, created: list[tuple[Registration, Area]], *, now: datetime
) -> None:
    """New people go in by the batch, as rows: their ids come back for their categories, the entry that opens
    their status history and their audit entry."""
    if not created:
        return
    uow.flush()  # what earlier rows changed through the session is written first, as it always was
    ids = uow.elders.insert_new([r.values for r, _ in created])
    registered = list(zip(ids, created, strict=True))
    uow.elders.insert_categories(
        [{"elder_id": i, "category": c} for i, (r, _) in registered for c in sorted(r.categories)]
    )
    uow.elders.insert_status_changes(
        [registration_entry_values(i, r.values["status_since"], caller, at=now) for i, (r, _) in registered]
    )
    audit.record_many(
        uow,
        caller,
        action="elder.create",
        record_type="elder",
        entries=[(i, grid.path, {"changes": r.changes, "source": "import"}) for i, (r, grid) in registered],
    )


def _update_elder(
    uow: UnitOfWork,
    caller: Caller,
    elder: Elder,
    data: ElderData,
    grid: Area,
    result: ImportResult,
    *,
    today: date,
    now: datetime,
) -> None:
    path = elder.grid.path
    changes = apply(elder, data, grid, today=today, at=now)
    if not changes:
        result.unchanged += 1
        return
    result.updated += 1
    action = "elder.transfer" if "grid_code" in changes else "elder.update"
    for area_path in dict.fromkeys((path, grid.path)):
        audit.record(
            uow,
            caller,
            action=action,
            record_type="elder",
            record_id=elder.id,
            area_path=area_path,
            details={"changes": changes, "source": "import"},
        )
