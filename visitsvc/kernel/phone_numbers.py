"""Chinese phone numbers as a 台账 holds them: mobiles and landlines with area codes."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Beijing (010) and the 02x cities have three-digit area codes; every other area code has four digits.
_LANDLINE = re.compile(r"^(010|02\d|0[3-9]\d{2})-?([2-9]\d{6,7})$")
_NOISE = re.compile(r"[\s()（）]")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－＋", "0123456789-+")


def normalize_phone(raw: str) -> str:
    """A mobile as 11 digits, a landline as 0571-88888888; raises ValueError otherwise."""
    value = _NOISE.sub("", raw.translate(_FULL_WIDTH))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    value = value.strip("-")
    digits = value.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    landline = _LANDLINE.match(digits)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise ValueError("电话号码格式不正确（手机 11 位，座机须带区号）")


def mask_phone(value: str) -> str:
    """138****1234 for mobiles, 0571-****8888 for landlines."""
    if "-" in value:
        code, number = value.split("-", 1)
        return f"{code}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
