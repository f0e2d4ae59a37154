"""Which days are working days: an admin's loaded holiday notice, else chinesecalendar, else a fallback.

chinesecalendar knows the State Council's holiday notices up to 2026 and raises for later years. For a year
nobody loaded, Monday to Friday less the fixed-date holidays is a usable approximation, and every plan made
from it says so loudly (`WorkCalendar.fallback_years`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar

from visitsvc.kernel.month import Month

# Holidays with a fixed Gregorian date; the lunar ones (春节, 清明, 端午, 中秋) need the official notice.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


class WorkCalendar:
    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self.fallback_years: set[int] = set()
        # chinesecalendar validates every date it is asked about; a month's coverage asks a million times.
        self._known: dict[date, bool] = {}
        # A plan and a re-plan ask each person's month, coverage each obligation's window, again and again.
        self._months: dict[Month, tuple[date, ...]] = {}
        self._spans: dict[tuple[date, date], tuple[date, ...]] = {}

    def is_workday(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if self._loaded(day.year):
            return day.weekday() < 5  # a loaded notice lists every exception of its year
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.fallback_years.add(day.year)
            return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS

    def _loaded(self, year: int) -> bool:
        return any(d.year == year for d in self.overrides)

    def workdays(self, month: Month) -> list[date]:
        known = self._months.get(month)
        if known is None:
            known = self._months[month] = tuple(d for d in month.days() if self.is_workday(d))
        return list(known)

    def workdays_between(self, first: date, last: date) -> list[date]:
        known = self._spans.get((first, last))
        if known is None:
            days = (first + timedelta(days=i) for i in range((last - first).days + 1))
            known = self._spans[(first, last)] = tuple(d for d in days if self.is_workday(d))
        return list(known)

    def any_workday(self, first: date, last: date) -> bool:
        """Is one of `first`..`last` a working day? (Stops at the first: a span may be years long.)"""
        day = first
        while day <= last:
            if self.is_workday(day):
                return True
            day += timedelta(days=1)
        return False

    def add_workdays(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (count 0: `day` itself if it is one, else the next)."""
        current = day
        while not self.is_workday(current):
            current += timedelta(days=1)
        for _ in range(count):
            current += timedelta(days=1)
            while not self.is_workday(current):
                current += timedelta(days=1)
        return current

    def warning(self) -> str | None:
        if not self.fallback_years:
            return None
        years = ", ".join(str(y) for y in sorted(self.fallback_years))
        return (
            f"WARNING: no official holiday notice for {years}: working days are Monday to Friday less "
            "1 Jan, 1 May and 1-3 Oct. Load the notice with `visitsvc calendar load FILE`."
        )
