"""居民身份证号 (GB 11643-1999): normalising, validating, masking.

The check character is ISO 7064 MOD 11-2 over the first 17 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
# Full-width digits and letters turn up in 台账 files typed with a Chinese input method.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘxＸ", "0123456789XXXX")


@dataclass(frozen=True, slots=True)
class ParsedIdNumber:
    value: str
    region: str
    birth_date: date
    is_male: bool


def normalize(raw: str) -> str:
    """Strip spaces, fold full-width characters and upper-case the check character."""
    return re.sub(r"\s+", "", raw).translate(_FULL_WIDTH).upper()


def check_character(first17: str) -> str:
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("须为 17 位数字")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse(raw: str) -> ParsedIdNumber:
    """Validate an 18-character ID number; raises ValueError with a message a clerk understands."""
    value = normalize(raw)
    if not _SHAPE.match(value):
        raise ValueError("身份证号须为 18 位（前 17 位数字，末位数字或 X）")
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError("身份证号中的出生日期无效") from None
    if birth.year < 1890:
        raise ValueError("身份证号中的出生日期无效")
    if check_character(value[:17]) != value[17]:
        raise ValueError("身份证号校验位错误")
    return ParsedIdNumber(value, value[:6], birth, int(value[16]) % 2 == 1)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except ValueError:
        return False
    return True


def mask(value: str) -> str:
    """Keep the region and the last four characters: enough to tell two people apart on a list."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def age_on(birth: date, day: date) -> int:
    """Completed years on `day` (someone born on 29 February ages on 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
