"""Checks of one record before anything is written: clocks, lateness, who it is about."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from visitsvc.field.recording import check_times, state_on_arrival
from visitsvc.field.thresholds import FieldRules
from visitsvc.field.visit_input import PhotoNote, VisitInput
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import Invalid
from visitsvc.kernel.month import Month
from visitsvc.model import RecordState, VisitKind, VisitOutcome

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
RULES = FieldRules()


def visit(start: datetime, end: datetime | None = None, **changes: object) -> VisitInput:
    return VisitInput(
        client_id="c", kind=VisitKind.HOME, outcome=VisitOutcome.VISITED, started_at=start,
        ended_at=end or start + timedelta(minutes=20), elder_id=1, **changes,  # type: ignore[arg-type]
    )  # fmt: skip


def errors_of(record: VisitInput) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as caught:
        check_times(record, NOW, RULES)
    return caught.value.errors


@pytest.mark.parametrize(
    ("received", "state"),
    [
        (datetime(2026, 11, 30, 23, 0, tzinfo=SHANGHAI), RecordState.COUNTED),
        (datetime(2026, 12, 10, 23, 59, tzinfo=SHANGHAI), RecordState.COUNTED),
        (datetime(2026, 12, 11, 0, 1, tzinfo=SHANGHAI), RecordState.QUARANTINED),
        (datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI), RecordState.QUARANTINED),
    ],
)
def test_a_record_counts_if_it_arrives_by_the_10th_of_the_next_month(
    received: datetime, state: RecordState
) -> None:
    assert state_on_arrival(Month(2026, 11), received, RULES) is state


def test_the_lateness_is_configurable() -> None:
    assert state_on_arrival(Month(2026, 11), NOW.replace(month=12, day=3), FieldRules(late_days=2)) is (
        RecordState.QUARANTINED
    )


def test_a_phone_clock_up_to_five_minutes_fast_is_tolerated() -> None:
    check_times(visit(NOW + timedelta(minutes=4), NOW + timedelta(minutes=4, seconds=30)), NOW, RULES)


def test_times_further_in_the_future_are_rejected_with_their_field() -> None:
    assert set(errors_of(visit(NOW + timedelta(minutes=6)))) == {"started_at", "ended_at"}
    assert set(errors_of(visit(NOW - timedelta(minutes=30), NOW + timedelta(hours=1)))) == {"ended_at"}


def test_a_visit_cannot_end_before_it_starts_or_last_a_day() -> None:
    assert "ended_at" in errors_of(visit(NOW - timedelta(hours=1), NOW - timedelta(hours=2)))
    assert "ended_at" in errors_of(visit(NOW - timedelta(hours=30), NOW - timedelta(hours=1)))


def test_declared_photos_are_checked_for_type_and_size() -> None:
    big = PhotoNote("image/jpeg", RULES.max_photo_bytes + 1)
    gif = PhotoNote("image/gif", 10)
    assert len(errors_of(visit(NOW - timedelta(hours=1), photos=(big, gif)))["photos"]) == 2


def test_the_year_2000_is_as_early_as_a_record_goes() -> None:
    assert "started_at" in errors_of(visit(datetime(1999, 12, 31, 9, 0, tzinfo=SHANGHAI)))
