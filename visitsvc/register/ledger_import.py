"""Importing and exporting the 台账: all or nothing, upsert by natural key, every change audited."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from visitsvc.access.scoping import Caller, require_admin, require_register_writer
from visitsvc.accounts import audit
from visitsvc.infrastructure.repositories import ElderFilter
from visitsvc.infrastructure.spreadsheet import Table, read_table, write_csv, write_xlsx
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber, phone_numbers
from visitsvc.kernel.errors import Conflict, Invalid, RowError
from visitsvc.model import Area, AreaLevel, Elder, ElderStatus, Role, Worker
from visitsvc.register import id_lookups
from visitsvc.register.areas import validate_area
from visitsvc.register.elder_validation import ElderData, normalize
from visitsvc.register.elders import apply, registration_entry
from visitsvc.register.ledger_format import (
    AREA_FIELD_COLUMN,
    ELDER_FIELD_COLUMN,
    EXPORT_COLUMNS,
    MASKED_EXPORT_COLUMNS,
    WORKER_FIELD_COLUMN,
    LedgerKind,
    RowReader,
    area_from_row,
    check_headers,
    elder_from_row,
    elder_to_row,
    worker_from_row,
)
from visitsvc.register.workers import unseen_grids, validate_worker
from visitsvc.register.workers import write_fields as write_worker_fields

Progress = Callable[[int, int], None]
BATCH = 1000


@dataclass(slots=True)
class ImportResult:
    kind: LedgerKind
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)


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
    importer = {LedgerKind.AREAS: _import_areas, LedgerKind.WORKERS: _import_workers}.get(
        kind, _import_elders
    )
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
        audit.record(
            uow,
            caller,
            action=f"ledger.import.{kind.value}",
            record_type="ledger",
            record_id=None,
            area_path=caller.scope.area_paths[0] if caller.scope.area_paths else "/",
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


def _rows(table: Table) -> Iterator[RowReader]:
    for number, cells in table.rows:
        yield RowReader(number, cells, table.numeric_columns.get(number, frozenset()))


def _field_errors(row: int, errors: dict[str, list[str]], columns: dict[str, str]) -> list[RowError]:
    return [
        RowError(row, columns.get(name, name), message)
        for name, messages in errors.items()
        for message in messages
    ]


def _import_elders(
    uow: UnitOfWork, caller: Caller, table: Table, result: ImportResult, progress: Progress
) -> None:
    today, now = uow.clock.today(), uow.clock.now()
    parsed: list[tuple[int, ElderData]] = []
    first_row: dict[str, int] = {}
    for reader in _rows(table):
        data = elder_from_row(reader)
        result.errors += reader.errors
        if data is None:
            continue
        clean, errors = normalize(data, today=today)
        result.errors += _field_errors(reader.row, errors, ELDER_FIELD_COLUMN)
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
    created: list[tuple[Elder, dict[str, list[Any]]]] = []
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
            created.append(_new_elder(data, grid, today=today, now=now))
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


def _new_elder(
    data: ElderData, grid: Area, *, today: date, now: datetime
) -> tuple[Elder, dict[str, list[Any]]]:
    elder = Elder(status=ElderStatus.ACTIVE, status_since=today, created_at=now, updated_at=now)
    elder.category_rows = []
    return elder, apply(elder, data, grid, today=today, at=now)


def _register(
    uow: UnitOfWork, caller: Caller, created: list[tuple[Elder, dict[str, list[Any]]]], *, now: datetime
) -> None:
    """New people go in by the batch: one flush gives them ids for their history and audit entries."""
    for elder, _ in created:
        uow.elders.add(elder)
    uow.flush()
    for elder, changes in created:
        uow.elders.add_status_change(registration_entry(elder, caller, at=now))
        audit.record(
            uow,
            caller,
            action="elder.create",
            record_type="elder",
            record_id=elder.id,
            area_path=elder.grid.path,
            details={"changes": changes, "source": "import"},
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


def _import_workers(
    uow: UnitOfWork, caller: Caller, table: Table, result: ImportResult, progress: Progress
) -> None:
    now = uow.clock.now()
    seen: dict[str, int] = {}
    readers = list(_rows(table))
    accounts = uow.workers.by_accounts(r.text("账号") for r in readers)
    grid_codes = {
        code for r in readers for code in r.text("负责网格").replace("，", "、").split("、") if code
    }
    grids = uow.areas.by_codes(grid_codes)
    for done, reader in enumerate(readers, start=1):
        data = worker_from_row(reader)
        result.errors += reader.errors
        if data is None:
            continue
        worker = accounts.get(data.account)
        # A shared worker's grids outside the caller's area stay, whatever the row lists (see update_worker).
        unseen = [g for g in worker.grids if g.code in unseen_grids(caller, worker)] if worker else []
        kept = {g.code for g in unseen}
        data = replace(data, grid_codes=tuple(dict.fromkeys([*data.grid_codes, *kept])))
        errors = validate_worker(data)
        result.errors += _field_errors(reader.row, errors, WORKER_FIELD_COLUMN)
        if data.account in seen:
            result.errors.append(RowError(reader.row, "账号", f"与第 {seen[data.account]} 行的账号重复"))
        seen.setdefault(data.account, reader.row)
        mine = [grids.get(code) for code in data.grid_codes if code not in kept]
        if any(g is None or g.level is not AreaLevel.GRID or not caller.scope.covers(g.path) for g in mine):
            result.errors.append(RowError(reader.row, "负责网格", "网格不存在或不在您的管辖范围内"))
        if worker is not None and (
            worker.role is not Role.GRID_WORKER or not caller.scope.covers_worker(worker)
        ):
            result.errors.append(RowError(reader.row, "账号", "账号已被占用"))
        if result.errors:
            continue
        assigned = [g for g in mine if g is not None] + unseen
        if worker is None:
            worker = Worker(created_at=now, updated_at=now, grids=[])
            changes = write_worker_fields(worker, data, None, assigned)
            uow.workers.add(worker)
            uow.flush()
            action = "worker.create"
            result.created += 1
        else:
            changes = write_worker_fields(worker, data, worker.area, assigned)
            if not changes:
                result.unchanged += 1
                continue
            worker.updated_at = now
            action = "worker.update"
            result.updated += 1
        audit.record(
            uow,
            caller,
            action=action,
            record_type="worker",
            record_id=worker.id,
            area_path=assigned[0].path,
            details={"changes": changes, "source": "import"},
        )
        progress(done, len(readers))


def _import_areas(
    uow: UnitOfWork, caller: Caller, table: Table, result: ImportResult, progress: Progress
) -> None:
    """Rows may come in any order as long as every parent is in the file or already stored."""
    known = uow.areas.by_codes(r.text("区划代码") for r in _rows(table))
    pending: list[tuple[int, tuple[str, str, AreaLevel, str | None]]] = []
    for reader in _rows(table):
        row = area_from_row(reader)
        result.errors += reader.errors
        if row is not None:
            pending.append((reader.row, row))
    if result.errors:
        return
    pending.sort(key=lambda item: item[1][2].depth)  # parents before children
    seen: dict[str, int] = {}
    for done, (number, (code, name, level, parent_code)) in enumerate(pending, start=1):
        if code in seen:
            result.errors.append(RowError(number, "区划代码", f"与第 {seen[code]} 行的区划代码重复"))
            continue
        seen[code] = number
        parent = None
        if parent_code is not None:
            parent = known.get(parent_code) or uow.areas.find_by_code(parent_code)
            if parent is None or not caller.scope.covers(parent.path):
                result.errors.append(RowError(number, "上级代码", "上级区划不存在或不在您的管辖范围内"))
                continue
        elif not caller.is_system and not caller.scope.covers("/"):
            result.errors.append(RowError(number, "上级代码", "须指定您管辖范围内的上级区划"))
            continue
        errors = validate_area(code, name, level, parent)
        result.errors += _field_errors(number, errors, AREA_FIELD_COLUMN)
        if errors:
            continue
        area = known.get(code)
        if area is not None:
            if area.level is not level or area.parent_id != (parent.id if parent else None):
                result.errors.append(RowError(number, "上级代码", "不能通过导入调整已有区划的层级或上级"))
                continue
            if area.name == name:
                result.unchanged += 1
                continue
            audit.record(
                uow,
                caller,
                action="area.update",
                record_type="area",
                record_id=area.code,
                area_path=area.path,
                details={"changes": {"name": [area.name, name]}},
            )
            area.name = name
            result.updated += 1
            continue
        area = uow.areas.add(
            Area(
                code=code,
                name=name,
                level=level,
                parent_id=parent.id if parent else None,
                created_at=uow.clock.now(),
            ),
            parent,
        )
        known[code] = area
        audit.record(
            uow,
            caller,
            action="area.create",
            record_type="area",
            record_id=code,
            area_path=area.path,
            details={"source": "import"},
        )
        result.created += 1
        progress(done, len(pending))


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    media_type: str
    content: bytes
    rows: int


def export_elders(
    uow: UnitOfWork, *, caller: Caller, area_code: str | None, fmt: str, unmask: bool = False
) -> Export:
    """The register in the import's columns; unmasked (and then re-importable as is) only for admins."""
    require_register_writer(caller)
    if unmask:
        require_admin(caller)
    with uow:
        flt = ElderFilter()
        path = caller.scope.area_paths[0] if caller.scope.area_paths else "/"
        if area_code:
            area = uow.areas.get_by_code(caller.scope, area_code)
            flt, path = ElderFilter(area_path=area.path), area.path
        # Pseudonymised people (retention_rules) are statistics, not register entries: an unmasked export
        # stays re-importable as is.
        rows = [
            _export_row(e, unmask)
            for e in uow.elders.iterate(caller.scope, flt)
            if e.pseudonymised_at is None
        ]
        audit.record(
            uow,
            caller,
            action="ledger.export",
            record_type="ledger",
            record_id=None,
            area_path=path,
            details={"area": area_code, "format": fmt, "rows": len(rows), "unmasked": unmask},
        )
        uow.commit()
    stamp = uow.clock.today().strftime("%Y%m%d")
    columns = EXPORT_COLUMNS if unmask else MASKED_EXPORT_COLUMNS
    if fmt == "xlsx":
        return Export(f"elders-{stamp}.xlsx", XLSX, write_xlsx(columns, rows), len(rows))
    return Export(f"elders-{stamp}.csv", CSV, write_csv(columns, rows), len(rows))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _export_row(elder: Elder, unmask: bool) -> list[str]:
    def show(value: str | None) -> str:
        if value is None:
            return ""
        return value if unmask else phone_numbers.mask_phone(value)

    id_number = elder.id_number if unmask else idnumber.mask(elder.id_number)
    # Masked, the year only (under 出生年份): with the full date the masked number would be whole again.
    birth = elder.birth_date.isoformat() if unmask else str(elder.birth_date.year)
    return elder_to_row(
        elder,
        id_number=id_number,
        birth=birth,
        phone=show(elder.phone),
        emergency_phone=show(elder.emergency_phone),
    )
