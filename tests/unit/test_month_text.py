"""A month is stored as the text "YYYY-MM": repositories compare these texts in SQL (`month < kept_from`), so
the text must sort as the months do."""

from __future__ import annotations

import pytest

from visitsvc.infrastructure.repositories.month_text import month_from_text, month_text
from visitsvc.kernel.month import Month


def test_a_month_is_stored_as_year_dash_two_digit_month() -> None:
    assert month_text(Month(2026, 1)) == "2026-01"
    assert month_text(Month(2026, 12)) == "2026-12"


@pytest.mark.parametrize("month", [Month(2000, 1), Month(2026, 9), Month(2026, 10), Month(2100, 12)])
def test_the_stored_text_reads_back_as_the_same_month(month: Month) -> None:
    assert month_from_text(month_text(month)) == month


def test_stored_texts_sort_as_their_months() -> None:
    months = [Month(2025, 12), Month(2026, 1), Month(2026, 9), Month(2026, 10), Month(2026, 11)]
    assert sorted(month_text(m) for m in reversed(months)) == [month_text(m) for m in months]


def test_a_stored_text_that_is_no_month_is_refused() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_from_text("2026-1")
