"""统一社会信用代码 (GB 32100-2015): the 18-character code every organisation is registered under.

Characters are digits and upper-case letters except I, O, S, V and Z. The 18th is a check character: the
first 17 weighted by 3^i mod 31, summed, and 31 minus the sum modulo 31 (31 itself writing as 0).
"""

from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, ...
_SHAPE = re.compile(rf"^[{CHARSET}]{{2}}\d{{6}}[{CHARSET}]{{10}}$")
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ", "0123456789ABCDEFGHJKLMNPQRTUWXY"
)


def normalize(raw: str) -> str:
    """Strip spaces, fold full-width characters (a Chinese input method's) and upper-case."""
    return re.sub(r"\s+", "", raw).upper().translate(_FULL_WIDTH)


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def parse(raw: str) -> str:
    """The code, normalised; ValueError with a message an office clerk understands when it is not one."""
    value = normalize(raw)
    if len(value) != 18:
        raise ValueError("统一社会信用代码须为 18 位")
    if not _SHAPE.match(value):
        raise ValueError("统一社会信用代码含无效字符（第 3–8 位为行政区划数字，不用 I、O、S、V、Z）")
    if check_character(value[:17]) != value[17]:
        raise ValueError("统一社会信用代码校验位不符")
    return value


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except ValueError:
        return False
    return True
