"""Time as an injected dependency: services never read the system clock themselves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""
        ...

    def today(self) -> date:
        """The calendar date in the district's time zone (Asia/Shanghai)."""
        ...


class SystemClock:
    def __init__(self, tz: ZoneInfo = SHANGHAI) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(self.tz).date()


class FixedClock:
    """A clock for tests and simulations: it moves only when told to."""

    def __init__(self, at: datetime, tz: ZoneInfo = SHANGHAI) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)
        self.tz = tz

    def now(self) -> datetime:
        return self._at

    def today(self) -> date:
        return self._at.astimezone(self.tz).date()

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)
