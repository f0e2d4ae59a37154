"""How a month is stored: the text "YYYY-MM" (plan_versions, visit_records, at_risk_marks). Repositories take
and give a `Month`; this is the one place that turns one into the other."""

from __future__ import annotations

from visitsvc.kernel.month import Month


def month_text(month: Month) -> str:
    return str(month)


def month_from_text(text: str) -> Month:
    return Month.parse(text)
