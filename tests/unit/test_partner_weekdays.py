"""工作日 as an office writes it in the 台账 of partners, read as ISO weekday digits."""

from __future__ import annotations

import pytest

from visitsvc.partners.ledger import parse_weekdays


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("一三五", "135"),
        ("周一至周五", "12345"),
        ("星期六、星期日", "67"),
        ("周二到周四", "234"),
        ("1,3,5", "135"),
        ("531", "135"),
        ("周日", "7"),
        ("", None),
        ("  ", None),
    ],
)
def test_weekdays_as_written(raw: str, digits: str | None) -> None:
    assert parse_weekdays(raw) == digits


@pytest.mark.parametrize("raw", ["周八", "周五至周一", "每天", "1-9"])
def test_anything_else_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=raw):
        parse_weekdays(raw)
