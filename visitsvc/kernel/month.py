"""A calendar month as a value: `Month.parse("2026-11")`, its days, its neighbours."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_SHAPE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 2000 <= self.year <= 2100:
            raise ValueError(f"not a month: {self.year}-{self.month:02d}")

    @classmethod
    def parse(cls, raw: str) -> Month:
        match = _SHAPE.match(raw.strip())
        if not match:
            raise ValueError("月份格式应为 YYYY-MM")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.last.day)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and (day.year, day.month) == (self.year, self.month)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"
