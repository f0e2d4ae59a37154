"""Loading a year's official holiday notice (国务院办公厅关于放假安排的通知): it wins over chinesecalendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from visitsvc.access.scoping import Caller, require_admin
from visitsvc.accounts import audit
from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Invalid, RowError
from visitsvc.model import CalendarDay
from visitsvc.register.ledger_format import RowReader

COLUMNS = ("日期", "类型")  # 类型: 休 (a day off, weekday or not) or 班 (a weekend day worked)
KINDS = {"休": False, "班": True}


@dataclass(frozen=True, slots=True)
class CalendarLoad:
    years: list[int]
    days_off: int
    working_weekend_days: int


def load_calendar(uow: UnitOfWork, *, caller: Caller, table: Table, source: str) -> CalendarLoad:
    require_admin(caller)
    missing = [RowError(1, c, "缺少必需的列") for c in COLUMNS if c not in table.headers]
    if missing:
        raise Invalid("文件表头不正确", code="invalid_file", rows=missing)
    days: dict[date, bool] = {}
    errors: list[RowError] = []
    for number, cells in table.rows:
        reader = RowReader(number, cells)
        day = reader.date("日期", required=True)
        kind = reader.text("类型", required=True)
        if kind and kind not in KINDS:
            reader.fail("类型", "须为“休”或“班”")
        errors += reader.errors
        if day is not None and kind in KINDS:
            if day in days:
                errors.append(RowError(number, "日期", "日期重复"))
            days[day] = KINDS[kind]
    if errors:
        raise Invalid(f"文件中有 {len(errors)} 处错误，未导入任何数据", code="invalid_file", rows=errors)
    with uow:
        now = uow.clock.now()
        for day, is_workday in days.items():
            uow.session.merge(CalendarDay(day=day, is_workday=is_workday, source=source, loaded_at=now))
        years = sorted({d.year for d in days})
        audit.record(
            uow,
            caller,
            action="calendar.load",
            record_type="calendar",
            record_id=None,
            details={"years": years, "days": len(days), "source": source},
        )
        uow.commit()
    return CalendarLoad(years, sum(not w for w in days.values()), sum(w for w in days.values()))
