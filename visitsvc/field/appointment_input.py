"""What a worker or the office sends for one appointment (预约), the digest that makes a retry recognisable,
and the rules its day and window must keep.

Pure: values in, values out; the service reads the clock and the calendar and passes them in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Any

from visitsvc.kernel.workdays import WorkCalendar

# The hours a visit can be agreed for: earlier or later is not a visiting time, whatever the worker's hours.
EARLIEST = time(7, 0)
LATEST = time(20, 0)


class CallResult(StrEnum):
    AGREED = "agreed"  # the person (or family) will be home on `day` within the window
    NO_ANSWER = "no_answer"  # a call ahead for `day` that nobody answered


@dataclass(frozen=True, slots=True)
class AppointmentInput:
    client_id: str  # a UUID made on the phone, or by the server for the office: the identity across retries
    elder_id: int
    day: date
    window_start: time | None = None
    window_end: time | None = None
    note: str | None = None
    result: CallResult = CallResult.AGREED

    def canonical(self) -> dict[str, Any]:
        """The body as parsed, in one spelling; client_id is the key, not part of the body."""
        return {
            "elder_id": self.elder_id,
            "day": self.day.isoformat(),
            "window_start": None if self.window_start is None else self.window_start.strftime("%H:%M"),
            "window_end": None if self.window_end is None else self.window_end.strftime("%H:%M"),
            "note": self.note,
            "result": self.result.value,
        }

    def body_hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def problems(item: AppointmentInput, *, today: date, calendar: WorkCalendar) -> dict[str, list[str]]:
    """Field errors of an appointment (empty: it may be stored).

    The day is a working day from today on (a visit is only planned on working days, and the past cannot be
    agreed); an agreed one has a window inside 07:00-20:00 that ends after it starts; a call nobody answered
    has none."""
    errors: dict[str, list[str]] = {}
    if item.day < today:
        errors["day"] = ["不能早于今天"]
    elif not calendar.is_workday(item.day):
        errors["day"] = ["须为工作日"]
    if item.result is CallResult.NO_ANSWER:
        for name in ("window_start", "window_end"):
            if getattr(item, name) is not None:
                errors[name] = ["未接通的电话不约定时间"]
        return errors
    start, end = item.window_start, item.window_end
    if start is None:
        errors["window_start"] = ["约定的上门须给出开始时间"]
    if end is None:
        errors["window_end"] = ["约定的上门须给出结束时间"]
    if start is not None and not EARLIEST <= start <= LATEST:
        errors["window_start"] = ["须在 07:00 至 20:00 之间"]
    if end is not None and not EARLIEST <= end <= LATEST:
        errors["window_end"] = ["须在 07:00 至 20:00 之间"]
    if start is not None and end is not None and end <= start and "window_end" not in errors:
        errors["window_end"] = ["须晚于开始时间"]
    return errors
