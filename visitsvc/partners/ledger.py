"""The 台账 of organisations and their staff: one XLSX workbook, a sheet 机构 and a sheet 人员, imported all
or nothing, upserted by 统一社会信用代码 and by account, every change audited.

Row errors name the sheet and the column as the clerk sees them ("人员/工作日"), as the register's import
does for its one sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from visitsvc.access.scoping import Caller, filing_path
from visitsvc.accounts import audit
from visitsvc.infrastructure.spreadsheet import Table, read_sheets
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import credit_code
from visitsvc.kernel.errors import Invalid, RowError
from visitsvc.model import Area, Organisation, OrganisationKind, Role, TravelMode, VisitorKind, Worker
from visitsvc.partners import organisations
from visitsvc.partners.common import require_manager
from visitsvc.partners.organisations import OrganisationData
from visitsvc.register import workers
from visitsvc.register.ledger_format import RowReader, check_headers_of, field_errors, row_readers, split_list
from visitsvc.register.ledger_import_result import Progress
from visitsvc.register.workers import PARTNER_ROLES, WorkerData

ORGANISATIONS, STAFF = "机构", "人员"
ORGANISATION_COLUMNS = ("机构名称", "机构类型", "统一社会信用代码", "联系人", "联系电话", "服务区划")
STAFF_COLUMNS = (
    "账号", "姓名", "手机", "角色", "人员类别", "机构信用代码", "工作日", "出行方式", "每日工时(分钟)",
    "起点经度", "起点纬度", "所属区划",
)  # fmt: skip
STAFF_OPTIONAL = ("上班时间", "下班时间")
ORGANISATION_FIELD_COLUMN = {
    "name": "机构名称", "kind": "机构类型", "credit_code": "统一社会信用代码", "contact_name": "联系人",
    "contact_phone": "联系电话", "area_codes": "服务区划",
}  # fmt: skip
STAFF_FIELD_COLUMN = {
    "account": "账号", "name": "姓名", "phone": "手机", "role": "角色", "visitor_kind": "人员类别",
    "organisation_id": "机构信用代码", "work_weekdays": "工作日", "travel_mode": "出行方式",
    "visit_minutes_per_day": "每日工时(分钟)", "start_lon": "起点经度", "start_lat": "起点纬度",
    "area_code": "所属区划", "grid_codes": "所属区划", "work_start": "上班时间", "work_end": "下班时间",
}  # fmt: skip
ROLES = {"探访人员": Role.VISITOR, "协调员": Role.COORDINATOR}
DAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
DAYS.update({str(d): d for d in range(1, 8)})
_RANGE = re.compile(r"^(.)(?:至|到|-|—|~)(.)$")


@dataclass(slots=True)
class PartnerImportResult:
    organisations: int = 0
    staff: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)


def parse_weekdays(raw: str) -> str | None:
    """一三五, 周一至周五, 周一、周三, 1,3,5 or 135 as ISO weekday digits ("135"); empty: None (the official
    working days). ValueError when it is none of these."""
    text = re.sub(r"周|星期|礼拜", "", raw.strip())
    if not text:
        return None
    days: set[int] = set()
    for part in split_list(text):
        ranged = _RANGE.match(part)
        if ranged:
            first, last = DAYS.get(ranged.group(1)), DAYS.get(ranged.group(2))
            if first is None or last is None or last < first:
                raise ValueError(raw)
            days.update(range(first, last + 1))
            continue
        for character in part:
            if character not in DAYS:
                raise ValueError(raw)
            days.add(DAYS[character])
    return "".join(str(d) for d in sorted(days))


def _headers(sheets: dict[str, Table]) -> list[RowError]:
    errors = check_headers_of(ORGANISATION_COLUMNS, (), sheets[ORGANISATIONS].headers)
    errors = [replace(e, column=f"{ORGANISATIONS}/{e.column}") for e in errors]
    staff = check_headers_of(STAFF_COLUMNS, STAFF_OPTIONAL, sheets[STAFF].headers)
    return errors + [replace(e, column=f"{STAFF}/{e.column}") for e in staff]


def import_workbook(
    uow: UnitOfWork,
    *,
    caller: Caller,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> PartnerImportResult:
    """Read only once the caller may import (admins and supervisors); then every row or none."""
    require_manager(caller)
    sheets = read_sheets(data, (ORGANISATIONS, STAFF))
    return import_sheets(
        uow, caller=caller, sheets=sheets, filename=filename, dry_run=dry_run, progress=progress
    )


def import_sheets(
    uow: UnitOfWork,
    *,
    caller: Caller,
    sheets: dict[str, Table],
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> PartnerImportResult:
    require_manager(caller)
    header_errors = _headers(sheets)
    if header_errors:
        raise Invalid("文件表头不正确", code="invalid_file", rows=header_errors)
    report = progress or (lambda _done, _total: None)
    result = PartnerImportResult(dry_run=dry_run)
    with uow:
        by_code = _import_organisations(uow, caller, sheets[ORGANISATIONS], result)
        _import_staff(uow, caller, sheets[STAFF], by_code, result, report)
        if result.errors:
            result.errors.sort(key=lambda e: (e.column.split("/")[0] != ORGANISATIONS, e.row, e.column))
            raise Invalid(
                f"文件中有 {len(result.errors)} 处错误，未导入任何数据",
                code="invalid_file",
                rows=result.errors,
            )
        audit.record(
            uow, caller, action="ledger.import.partners", record_type="ledger", record_id=None,
            area_path=caller.scope.home_path, details={
                "file": filename, "organisations": result.organisations, "staff": result.staff,
                "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                "dry_run": dry_run,
            },
        )  # fmt: skip
        if dry_run:
            uow.rollback()
        else:
            uow.commit()
        return result


def _fail(result: PartnerImportResult, sheet: str, row: int, column: str, message: str) -> None:
    result.errors.append(RowError(row, f"{sheet}/{column}", message))


def _import_organisations(
    uow: UnitOfWork, caller: Caller, table: Table, result: PartnerImportResult
) -> dict[str, Organisation]:
    """Each row created or updated by its code; the organisations by code, for the staff sheet."""
    now = uow.clock.now()
    found: dict[str, Organisation] = {}
    first_row: dict[str, int] = {}
    for reader in row_readers(table):
        result.organisations += 1
        data = _organisation_from_row(reader)
        result.errors += [replace(e, column=f"{ORGANISATIONS}/{e.column}") for e in reader.errors]
        if data is None:
            continue
        data, errors = organisations.validate(data)
        for e in field_errors(reader.row, errors, ORGANISATION_FIELD_COLUMN):
            _fail(result, ORGANISATIONS, e.row, e.column, e.message)
        if errors:
            continue
        if data.credit_code in first_row:
            message = f"与第 {first_row[data.credit_code]} 行的信用代码重复"
            _fail(result, ORGANISATIONS, reader.row, "统一社会信用代码", message)
            continue
        first_row[data.credit_code] = reader.row
        organisation = uow.organisations.by_credit_code(data.credit_code)
        if organisation is not None and not caller.scope.covers_organisation(organisation):
            _fail(result, ORGANISATIONS, reader.row, "统一社会信用代码", "该机构已由其他地区登记")
            continue
        kept = [a for a in organisation.areas if not caller.scope.covers(a.path)] if organisation else []
        areas = _areas(uow, caller, data.area_codes, kept)
        if areas is None:
            _fail(result, ORGANISATIONS, reader.row, "服务区划", "区划不存在或不在您的管辖范围内")
            continue
        if result.errors:  # once a row is bad nothing will be written: only keep checking
            continue
        action = "organisation.update"
        if organisation is None:
            organisation, action = Organisation(created_at=now, updated_at=now), "organisation.create"
        changes = organisations.write(organisation, data, areas)
        found[data.credit_code] = organisation
        if not changes:
            result.unchanged += 1
            continue
        if action == "organisation.create":
            uow.organisations.add(organisation)
            result.created += 1
        else:
            organisation.updated_at = now
            result.updated += 1
        uow.flush()
        audit.record(
            uow, caller, action=action, record_type="organisation", record_id=organisation.id,
            area_path=organisations.filing_path(organisation),
            details={"changes": changes, "source": "import"},
        )  # fmt: skip
    return found


def _areas(uow: UnitOfWork, caller: Caller, codes: tuple[str, ...], kept: list[Area]) -> list[Area] | None:
    known = uow.areas.by_codes(codes)
    areas = [known.get(c) for c in codes]
    if any(a is None or not caller.scope.covers(a.path) for a in areas):
        return None
    mine = [a for a in areas if a is not None]
    return mine + [a for a in kept if a.code not in {m.code for m in mine}]


def _organisation_from_row(r: RowReader) -> OrganisationData | None:
    data = OrganisationData(
        name=r.text("机构名称", required=True),
        kind=r.choice("机构类型", OrganisationKind, required=True) or OrganisationKind.SOCIAL_ORGANISATION,
        credit_code=r.text("统一社会信用代码", required=True),
        area_codes=tuple(split_list(r.text("服务区划", required=True))),
        contact_name=r.text("联系人") or None,
        contact_phone=r.text("联系电话") or None,
    )
    return None if r.errors else data


def _staff_from_row(r: RowReader) -> tuple[WorkerData, str] | None:
    """The row as an account, and the credit code of its organisation ("" for none)."""
    role_label = r.text("角色", required=True)
    role = ROLES.get(role_label)
    if role_label and role is None:
        r.fail("角色", f"须为以下之一：{'、'.join(ROLES)}")
    kind = r.choice("人员类别", VisitorKind)
    weekdays = None
    try:
        weekdays = parse_weekdays(r.text("工作日"))
    except ValueError:
        r.fail("工作日", "工作日应如 一三五、周一至周五 或 135")
    minutes = r.number("每日工时(分钟)")
    if minutes is not None and minutes != int(minutes):
        r.fail("每日工时(分钟)", "须为整数分钟")
    data = WorkerData(
        account=r.text("账号", required=True),
        name=r.text("姓名", required=True),
        role=role or Role.VISITOR,
        phone=r.text("手机") or None,
        area_code=r.text("所属区划", required=True) or None,
        travel_mode=r.choice("出行方式", TravelMode) or TravelMode.EBIKE,
        start_lon=r.number("起点经度"),
        start_lat=r.number("起点纬度"),
        visit_minutes_per_day=int(minutes) if minutes is not None else 240,
        visitor_kind=kind,
        work_weekdays=weekdays,
        **_hours(r),
    )
    return None if r.errors else (data, r.text("机构信用代码"))


def _hours(r: RowReader) -> dict[str, Any]:
    hours = {"work_start": r.time("上班时间"), "work_end": r.time("下班时间")}
    return {k: v for k, v in hours.items() if v is not None}


def _import_staff(
    uow: UnitOfWork,
    caller: Caller,
    table: Table,
    by_code: dict[str, Organisation],
    result: PartnerImportResult,
    progress: Progress,
) -> None:
    now = uow.clock.now()
    readers = list(row_readers(table))
    accounts = uow.workers.by_accounts(r.text("账号") for r in readers)
    areas = uow.areas.by_codes(r.text("所属区划") for r in readers)
    seen: dict[str, int] = {}
    for done, reader in enumerate(readers, start=1):
        result.staff += 1
        parsed = _staff_from_row(reader)
        result.errors += [replace(e, column=f"{STAFF}/{e.column}") for e in reader.errors]
        if parsed is None:
            continue
        data, code = parsed
        organisation = _organisation_of(uow, caller, code, by_code)
        if organisation is None and code and result.errors:
            continue  # its row in 机构 is bad (reported there): nothing will be written anyway
        if code and organisation is None:
            _fail(result, STAFF, reader.row, "机构信用代码", "机构不存在或不在您的管辖范围内")
            continue
        data = replace(data, organisation_id=organisation.id if organisation else None)
        errors = workers.validate_worker(data)
        for e in field_errors(reader.row, errors, STAFF_FIELD_COLUMN):
            _fail(result, STAFF, e.row, e.column, e.message)
        if data.account in seen:
            _fail(result, STAFF, reader.row, "账号", f"与第 {seen[data.account]} 行的账号重复")
        seen.setdefault(data.account, reader.row)
        area = areas.get(data.area_code or "")
        if area is None or not caller.scope.covers(area.path):
            _fail(result, STAFF, reader.row, "所属区划", "区划不存在或不在您的管辖范围内")
        worker = accounts.get(data.account)
        if worker is not None and (
            worker.role not in PARTNER_ROLES or not caller.scope.covers_worker(worker)
        ):
            _fail(result, STAFF, reader.row, "账号", "账号已被占用")
        if result.errors or area is None:
            continue
        _write_staff(uow, caller, worker, data, organisation, area, result, now=now)
        progress(done, len(readers))
    progress(len(readers), len(readers))


def _organisation_of(
    uow: UnitOfWork, caller: Caller, code: str, by_code: dict[str, Organisation]
) -> Organisation | None:
    if not code:
        return None
    try:
        normalised = credit_code.parse(code)
    except ValueError:
        return None
    organisation = by_code.get(normalised) or uow.organisations.by_credit_code(normalised)
    if organisation is None or not caller.scope.covers_organisation(organisation):
        return None
    return organisation


def _write_staff(
    uow: UnitOfWork,
    caller: Caller,
    worker: Worker | None,
    data: WorkerData,
    organisation: Organisation | None,
    area: Area,
    result: PartnerImportResult,
    *,
    now: Any,
) -> None:
    data = replace(data, organisation_id=organisation.id if organisation else None)
    action = "worker.update"
    if worker is None:
        worker, action = Worker(created_at=now, updated_at=now, grids=[]), "worker.create"
    changes = workers.write_fields(worker, data, area, [])
    if not changes:
        result.unchanged += 1
        return
    if action == "worker.create":
        uow.workers.add(worker)
        result.created += 1
    else:
        worker.updated_at = now
        result.updated += 1
        if "role" in changes:  # as update_worker: a new role ends the account's sessions
            uow.tokens.revoke_worker(worker.id, now)
    uow.flush()
    audit.record(
        uow, caller, action=action, record_type="worker", record_id=worker.id, area_path=filing_path(worker),
        details={"changes": changes, "source": "import"},
    )  # fmt: skip
