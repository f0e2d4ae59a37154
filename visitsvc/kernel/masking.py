"""What a masked view of a person may hold, in one place.

A masked ID number hides exactly its eight birth-date digits, so a masked view that also showed the full birth
date would give the number back. Masked means: the number as `idnumber.mask`, phones as `phone.mask_phone`,
the birth date at most as its year, and the age as the age reached this calendar year. The full values are for
the audited unmask path only.

Why not the age in completed years: beside the year it narrows the date to before or after today's (as few as
two valid numbers are left for someone born late in the year), and watched from day to day it changes on the
birthday itself. This year minus the birth year changes on 1 January for everyone: it tells the year, no more.

Audit details follow the same rule whoever reads them: `redact_details` masks these fields wherever an entry
names them, at the top level or in its `changes` ({field: [old, new]}). Every mask here is idempotent, so
applying it to an entry written masked (or to an old entry read back) changes nothing that is already hidden.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from visitsvc.kernel import idnumber, phone_numbers

ID_NUMBER_FIELDS = frozenset({"id_number"})
PHONE_FIELDS = frozenset({"phone", "emergency_phone"})
BIRTH_DATE_FIELDS = frozenset({"birth_date"})
SENSITIVE_FIELDS = ID_NUMBER_FIELDS | PHONE_FIELDS | BIRTH_DATE_FIELDS

_YEAR = re.compile(r"^\d{4}")


def age_this_year(birth: date, today: date) -> int:
    """The age reached in `today`'s calendar year: a masked view's age, which tells the birth year only."""
    return today.year - birth.year


def mask_birth_date(value: str) -> str:
    """1940-05-17 -> 1940-**-**: the year a masked view may show, and plainly a masked date."""
    year = _YEAR.match(value)
    return f"{year.group(0)}-**-**" if year else "*" * len(value)


def mask_field(name: str, value: Any) -> Any:
    """The masked form of one field's value; fields that are not sensitive come back as they are."""
    if value is None or name not in SENSITIVE_FIELDS:
        return value
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if name in ID_NUMBER_FIELDS:
        return idnumber.mask(text)
    if name in PHONE_FIELDS:
        return phone_numbers.mask_phone(text)
    return mask_birth_date(text)


def redact_details(details: dict[str, Any]) -> dict[str, Any]:
    """Audit details with every ID number, phone and birth date masked (top level and in `changes`)."""
    clean = {name: mask_field(name, value) for name, value in details.items()}
    changes = details.get("changes")
    if isinstance(changes, dict):
        clean["changes"] = {
            name: [mask_field(name, v) for v in pair] if isinstance(pair, list) else mask_field(name, pair)
            for name, pair in changes.items()
        }
    return clean
