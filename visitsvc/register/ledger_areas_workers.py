"""Importing the areas and the grid workers of the 台账: the frame the register of elders hangs on.

Each importer checks its rows and writes them inside the import's unit of work (ledger_import), which commits
all of them or none.
"""

from __future__ import annotations

from dataclasses import replace

from visitsvc.access.scoping import Caller
from visitsvc.accounts import audit
from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import RowError
from visitsvc.model import Area, AreaLevel, Role, Worker
from visitsvc.register.areas import validate_area
from visitsvc.register.ledger_format import (
    AREA_FIELD_COLUMN,
    WORKER_FIELD_COLUMN,
    area_from_row,
    field_errors,
    row_readers,
    worker_from_row,
)
from visitsvc.register.ledger_import_result import ImportResult, Progress
from visitsvc.register.workers import unseen_grids, validate_worker
from visitsvc.register.workers import write_fields as write_worker_fields


def import_workers(
    uow: UnitOfWork, caller: Caller, table: Table, result: ImportResult, progress: Progress
) -> None:
    now = uow.clock.now()
    seen: dict[str, int] = {}
    readers = list(row_readers(table))
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
        result.errors += field_errors(reader.row, errors, WORKER_FIELD_COLUMN)
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


def import_areas(
    uow: UnitOfWork, caller: Caller, table: Table, result: ImportResult, progress: Progress
) -> None:
    """Rows may come in any order as long as every parent is in the file or already stored."""
    known = uow.areas.by_codes(r.text("区划代码") for r in row_readers(table))
    pending: list[tuple[int, tuple[str, str, AreaLevel, str | None]]] = []
    for reader in row_readers(table):
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
        result.errors += field_errors(number, errors, AREA_FIELD_COLUMN)
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
