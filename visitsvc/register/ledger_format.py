"""The 台账 columns: their exact Chinese headers and how one row becomes typed data and back.

Errors name the column as the clerk sees it, so a bad file can be fixed cell by cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, time
from enum import StrEnum
from typing import Any, TypeVar

from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.kernel import geo
from visitsvc.kernel.errors import RowError
from visitsvc.model import (
    AbilityLevel,
    AreaLevel,
    Category,
    DisabilityGrade,
    Elder,
    Sex,
    TravelMode,
    Willingness,
)
from visitsvc.model.enums import LabelledEnum
from visitsvc.model.worker import DEFAULT_WORK_END, DEFAULT_WORK_START
from visitsvc.register.elder_validation import ElderData
from visitsvc.register.workers import WorkerData


class LedgerKind(StrEnum):
    AREAS = "areas"
    WORKERS = "workers"
    ELDERS = "elders"


AREA_COLUMNS = ("区划代码", "名称", "层级", "上级代码")
WORKER_COLUMNS = ("账号", "姓名", "手机号", "负责网格", "出行方式", "起点经度", "起点纬度", "每日工时")
WORKER_OPTIONAL = ("上班时间", "下班时间")
ELDER_COLUMNS = (
    "姓名", "身份证号", "性别", "出生日期", "联系电话", "居住地址", "经度", "纬度", "所属网格",
    "类别", "能力等级", "残疾等级", "紧急联系人", "紧急联系电话", "探访意愿", "备注",
)  # fmt: skip
# Extensions after the required columns: the datum of the coordinates, and when the person prefers a visit.
ELDER_OPTIONAL = ("偏好开始时间", "偏好结束时间", "坐标系")

REQUIRED = {
    LedgerKind.AREAS: AREA_COLUMNS,
    LedgerKind.WORKERS: WORKER_COLUMNS,
    LedgerKind.ELDERS: ELDER_COLUMNS,
}
OPTIONAL: dict[LedgerKind, tuple[str, ...]] = {
    LedgerKind.AREAS: (),
    LedgerKind.WORKERS: WORKER_OPTIONAL,
    LedgerKind.ELDERS: ELDER_OPTIONAL,
}

ELDER_FIELD_COLUMN = {
    "name": "姓名", "id_number": "身份证号", "sex": "性别", "birth_date": "出生日期", "phone": "联系电话",
    "address": "居住地址", "lon": "经度", "lat": "纬度", "grid_code": "所属网格", "categories": "类别",
    "ability_level": "能力等级", "disability_grade": "残疾等级", "emergency_contact": "紧急联系人",
    "emergency_phone": "紧急联系电话", "willingness": "探访意愿", "notes": "备注",
    "preferred_start": "偏好开始时间", "preferred_end": "偏好结束时间", "datum": "坐标系",
}  # fmt: skip
WORKER_FIELD_COLUMN = {
    "account": "账号", "name": "姓名", "phone": "手机号", "grid_codes": "负责网格", "travel_mode": "出行方式",
    "start_lon": "起点经度", "start_lat": "起点纬度", "visit_minutes_per_day": "每日工时",
    "work_start": "上班时间", "work_end": "下班时间",
}  # fmt: skip
AREA_FIELD_COLUMN = {"code": "区划代码", "name": "名称", "level": "层级", "parent_code": "上级代码"}

LIST_SEPARATOR = re.compile(r"[、,，;；\s]+")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?::\d{2})?$")
E = TypeVar("E", bound=LabelledEnum)


def check_headers(kind: LedgerKind, headers: list[str]) -> list[RowError]:
    return check_headers_of(REQUIRED[kind], OPTIONAL[kind], headers)


def check_headers_of(
    required: tuple[str, ...], optional: tuple[str, ...], headers: list[str]
) -> list[RowError]:
    """Every required column there, nothing unknown, nothing twice (for the 台账 of partners too)."""
    errors = [RowError(1, h, "缺少必需的列") for h in required if h not in headers]
    errors += [RowError(1, h, "未知的列") for h in headers if h not in required and h not in optional]
    seen: set[str] = set()
    for h in headers:
        if h in seen:
            errors.append(RowError(1, h, "列名重复"))
        seen.add(h)
    return errors


class RowReader:
    """Reads typed values out of one row, collecting every problem instead of stopping at the first."""

    def __init__(
        self, row_number: int, cells: Mapping[str, str], numeric_columns: frozenset[str] = frozenset()
    ) -> None:
        self.row = row_number
        self.cells = cells
        self.numeric_columns = numeric_columns
        self.errors: list[RowError] = []

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.cells.get(column, "").strip()
        if required and not value:
            self.fail(column, "不能为空")
        return value

    def _parse(self, column: str, parser: Callable[[str], Any], message: str, required: bool) -> Any:
        raw = self.text(column, required=required)
        if not raw:
            return None
        try:
            return parser(raw)
        except ValueError:
            self.fail(column, message)
            return None

    def date(self, column: str, *, required: bool = False) -> date | None:
        return self._parse(column, parse_date, "日期格式应为 YYYY-MM-DD", required)  # type: ignore[no-any-return]

    def time(self, column: str) -> time | None:
        return self._parse(column, parse_time, "时间格式应为 HH:MM", False)  # type: ignore[no-any-return]

    def number(self, column: str) -> float | None:
        return self._parse(column, float, "须为数字", False)  # type: ignore[no-any-return]

    def choice(self, column: str, enum: type[E], *, required: bool = False) -> E | None:
        raw = self.text(column, required=required)
        if not raw:
            return None
        try:
            return enum.from_label(raw)  # type: ignore[return-value]
        except ValueError:
            self.fail(column, f"须为以下之一：{'、'.join(enum.labels())}")
            return None

    def choices(self, column: str, enum: type[E]) -> frozenset[E]:
        found: set[E] = set()
        for part in split_list(self.text(column)):
            try:
                found.add(enum.from_label(part))  # type: ignore[arg-type]
            except ValueError:
                self.fail(column, f"“{part}”不是有效取值，须为：{'、'.join(enum.labels())}")
        return frozenset(found)


def row_readers(table: Table) -> Iterator[RowReader]:
    """Each row of a file, read cell by cell, numbered as the clerk's spreadsheet numbers it."""
    for number, cells in table.rows:
        yield RowReader(number, cells, table.numeric_columns.get(number, frozenset()))


def field_errors(row: int, errors: dict[str, list[str]], columns: dict[str, str]) -> list[RowError]:
    """A row's problems, found by field name (the validation's), under the column the clerk sees."""
    return [
        RowError(row, columns.get(name, name), message)
        for name, messages in errors.items()
        for message in messages
    ]


def split_list(raw: str) -> list[str]:
    return [part for part in LIST_SEPARATOR.split(raw.strip()) if part]


def parse_date(raw: str) -> date:
    raw = raw.strip().split(" ")[0]
    if raw.isdigit() and len(raw) == 8:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    match = _DATE.match(raw)
    if not match:
        raise ValueError(raw)
    return date(*(int(g) for g in match.groups()))


def parse_time(raw: str) -> time:
    match = _TIME.match(raw.strip())
    if not match:
        raise ValueError(raw)
    return time(int(match.group(1)), int(match.group(2)))


def elder_from_row(reader: RowReader) -> ElderData | None:
    r = reader
    if "身份证号" in r.numeric_columns:
        r.fail("身份证号", "身份证号须以文本格式保存（Excel 会把长数字截断）")
    name = r.text("姓名", required=True)
    id_number = r.text("身份证号", required=True)
    sex = r.choice("性别", Sex, required=True)
    birth = r.date("出生日期", required=True)
    address = r.text("居住地址", required=True)
    grid_code = r.text("所属网格", required=True)
    categories = r.choices("类别", Category)
    if not categories and not any(e.column == "类别" for e in r.errors):
        r.fail("类别", "至少填写一个类别")
    willingness = r.choice("探访意愿", Willingness) or Willingness.HOME
    datum = geo.Datum.WGS84
    try:
        datum = geo.parse_datum(r.text("坐标系"))
    except ValueError as exc:
        r.fail("坐标系", str(exc))
    data = ElderData(
        name=name,
        id_number=id_number,
        sex=sex or Sex.MALE,
        birth_date=birth or date.min,
        address=address,
        grid_code=grid_code,
        categories=categories,
        phone=r.text("联系电话") or None,
        lon=r.number("经度"),
        lat=r.number("纬度"),
        datum=datum,
        ability_level=r.choice("能力等级", AbilityLevel),
        disability_grade=r.choice("残疾等级", DisabilityGrade),
        emergency_contact=r.text("紧急联系人") or None,
        emergency_phone=r.text("紧急联系电话") or None,
        willingness=willingness,
        preferred_start=r.time("偏好开始时间"),
        preferred_end=r.time("偏好结束时间"),
        notes=r.text("备注") or None,
    )
    return None if r.errors else data


def elder_to_row(elder: Elder, *, id_number: str, birth: str, phone: str, emergency_phone: str) -> list[str]:
    return [
        elder.name,
        id_number,
        elder.sex.label,
        birth,
        phone,
        elder.address,
        "" if elder.lon is None else f"{elder.lon:.7f}".rstrip("0").rstrip("."),
        "" if elder.lat is None else f"{elder.lat:.7f}".rstrip("0").rstrip("."),
        elder.grid.code,
        "、".join(c.label for c in sorted(elder.categories - {Category.VERY_OLD})),
        elder.ability_level.label if elder.ability_level else "",
        elder.disability_grade.label if elder.disability_grade else "",
        elder.emergency_contact or "",
        emergency_phone,
        elder.willingness.label,
        elder.notes or "",
        elder.preferred_start.strftime("%H:%M") if elder.preferred_start else "",
        elder.preferred_end.strftime("%H:%M") if elder.preferred_end else "",
        geo.Datum.WGS84.value,
    ]


EXPORT_COLUMNS = (*ELDER_COLUMNS, *ELDER_OPTIONAL)
# A masked export holds the birth year only, under a header that says so: the eight hidden digits of a masked
# ID number are the birth date. Such a file is for reading, not re-import (its ID numbers are masked too).
BIRTH_YEAR_COLUMN = "出生年份"
MASKED_EXPORT_COLUMNS = tuple(BIRTH_YEAR_COLUMN if c == "出生日期" else c for c in EXPORT_COLUMNS)


def worker_from_row(r: RowReader) -> WorkerData | None:
    hours = r.number("每日工时")
    if hours is None and not any(e.column == "每日工时" for e in r.errors):
        r.fail("每日工时", "不能为空")
    grids = tuple(split_list(r.text("负责网格", required=True)))
    data = WorkerData(
        account=r.text("账号", required=True),
        name=r.text("姓名", required=True),
        phone=r.text("手机号") or None,
        grid_codes=grids,
        travel_mode=r.choice("出行方式", TravelMode, required=True) or TravelMode.WALK,
        start_lon=r.number("起点经度"),
        start_lat=r.number("起点纬度"),
        work_start=r.time("上班时间") or DEFAULT_WORK_START,
        work_end=r.time("下班时间") or DEFAULT_WORK_END,
        visit_minutes_per_day=round((hours or 0) * 60),
    )
    return None if r.errors else data


def area_from_row(r: RowReader) -> tuple[str, str, AreaLevel, str | None] | None:
    code = r.text("区划代码", required=True)
    name = r.text("名称", required=True)
    level = r.choice("层级", AreaLevel, required=True)
    parent = r.text("上级代码") or None
    if r.errors or level is None:
        return None
    return code, name, level, parent
