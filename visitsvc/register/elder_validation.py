"""What a register entry must satisfy, checked without a database: one place for the API and the 台账."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, time

from visitsvc.kernel import geo, idnumber, phone_numbers
from visitsvc.kernel.idnumber import age_on
from visitsvc.model import AbilityLevel, Category, DisabilityGrade, Sex, Willingness

MIN_AGE = 60
NAME_MAX = 50
ADDRESS_MAX = 200
NOTES_MAX = 1000


@dataclass(frozen=True, slots=True)
class ElderData:
    """A register entry as typed values; coordinates in the datum they were given in."""

    name: str
    id_number: str
    sex: Sex
    birth_date: date
    address: str
    grid_code: str
    categories: frozenset[Category]
    phone: str | None = None
    lon: float | None = None
    lat: float | None = None
    datum: geo.Datum = geo.Datum.WGS84
    ability_level: AbilityLevel | None = None
    disability_grade: DisabilityGrade | None = None
    emergency_contact: str | None = None
    emergency_phone: str | None = None
    willingness: Willingness = Willingness.HOME
    preferred_start: time | None = None
    preferred_end: time | None = None
    notes: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


FIELD_NAMES = tuple(f.name for f in fields(ElderData) if f.name != "extra")


class Errors(dict[str, list[str]]):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def normalize(data: ElderData, *, today: date) -> tuple[ElderData, Errors]:
    """Check every rule and give back the entry as it is stored: numbers normalised, coordinates in WGS-84."""
    errors = Errors()
    name = data.name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        errors.add("name", f"姓名须为 1-{NAME_MAX} 个字符")
    id_value = _check_id_number(data, errors, today)
    phone_value = _optional_phone(data.phone, "phone", errors)
    emergency_phone = _optional_phone(data.emergency_phone, "emergency_phone", errors)
    lon, lat = _check_location(data, errors)
    if not data.categories:
        errors.add("categories", "至少填写一个类别")
    address = data.address.strip()
    if not 1 <= len(address) <= ADDRESS_MAX:
        errors.add("address", f"居住地址须为 1-{ADDRESS_MAX} 个字符")
    if not data.grid_code.strip():
        errors.add("grid_code", "须填写所属网格")
    if (data.preferred_start is None) != (data.preferred_end is None):
        errors.add("preferred_start", "探访时段的开始和结束须同时填写")
    elif data.preferred_start and data.preferred_end and data.preferred_start >= data.preferred_end:
        errors.add("preferred_start", "探访时段的开始须早于结束")
    if data.notes and len(data.notes) > NOTES_MAX:
        errors.add("notes", f"备注最多 {NOTES_MAX} 个字符")
    if data.emergency_contact and len(data.emergency_contact.strip()) > NAME_MAX:
        errors.add("emergency_contact", f"紧急联系人最多 {NAME_MAX} 个字符")
    clean = ElderData(
        name=name,
        id_number=id_value,
        sex=data.sex,
        birth_date=data.birth_date,
        address=address,
        grid_code=data.grid_code.strip(),
        categories=data.categories,
        phone=phone_value,
        lon=lon,
        lat=lat,
        datum=geo.Datum.WGS84,
        ability_level=data.ability_level,
        disability_grade=data.disability_grade,
        emergency_contact=(data.emergency_contact or "").strip() or None,
        emergency_phone=emergency_phone,
        willingness=data.willingness,
        preferred_start=data.preferred_start,
        preferred_end=data.preferred_end,
        notes=(data.notes or "").strip() or None,
    )
    return clean, errors


def _check_id_number(data: ElderData, errors: Errors, today: date) -> str:
    value = idnumber.normalize(data.id_number)
    try:
        parsed = idnumber.parse(value)
    except ValueError as exc:
        errors.add("id_number", str(exc))
        return value
    if parsed.birth_date != data.birth_date:
        errors.add("birth_date", "出生日期与身份证号不符")
    if parsed.is_male != (data.sex is Sex.MALE):
        errors.add("sex", "性别与身份证号不符")
    if age_on(parsed.birth_date, today) < MIN_AGE:
        errors.add("birth_date", f"须年满 {MIN_AGE} 周岁")
    return value


def _optional_phone(raw: str | None, name: str, errors: Errors) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return phone_numbers.normalize_phone(raw)
    except ValueError as exc:
        errors.add(name, str(exc))
        return raw


def _check_location(data: ElderData, errors: Errors) -> tuple[float | None, float | None]:
    if data.lon is None and data.lat is None:
        return None, None
    if data.lon is None or data.lat is None:
        errors.add("lon", "经度和纬度须同时填写或同时留空")
        return data.lon, data.lat
    if not geo.in_china(data.lon, data.lat):
        errors.add("lon", "坐标不在中国境内")
        return data.lon, data.lat
    lon, lat = geo.to_wgs84(data.lon, data.lat, data.datum)
    return round(lon, 7), round(lat, 7)
