"""The pure rules of retention (PIPL art. 19): periods, pseudonyms, and what is scrubbed from free text."""

from __future__ import annotations

from datetime import date

import pytest

from visitsvc.config import ConfigError, load_settings
from visitsvc.kernel import idnumber
from visitsvc.kernel.month import Month
from visitsvc.register.retention_rules import PSEUDONYM, RetentionRules, pseudonym_id_number, scrub


def test_people_are_kept_three_years_after_leaving_by_default() -> None:
    assert RetentionRules().left_before(date(2026, 11, 25)) == date(2023, 11, 25)
    assert RetentionRules(years=5).left_before(date(2026, 11, 25)) == date(2021, 11, 25)


def test_a_29_february_looks_back_to_the_28th() -> None:
    assert RetentionRules().left_before(date(2028, 2, 29)) == date(2025, 2, 28)


def test_photos_are_kept_a_year_after_their_month_closed() -> None:
    # 2025-11-25 is 365 days before: October 2025 closed earlier than that, November 2025 did not.
    assert RetentionRules().photos_kept_from(date(2026, 11, 25)) == Month(2025, 11)
    assert RetentionRules(photo_days=31).photos_kept_from(date(2026, 12, 1)) == Month(2026, 10)


def test_the_pseudonymous_id_number_is_unique_fits_the_column_and_is_never_a_valid_number() -> None:
    numbers = {pseudonym_id_number(i) for i in (1, 42, 10**12)}
    assert len(numbers) == 3
    assert all(len(n) == 18 and not idnumber.is_valid(n) for n in numbers)


def test_scrub_keeps_the_shape_and_the_codes_and_replaces_personal_values() -> None:
    details = {
        "changes": {
            "name": [None, "王秀英"],
            "phone": ["138****5678", None],
            "lon": [None, 120.12],
            "status": ["active", "deceased"],
            "categories": [[], ["living_alone"]],
        },
        "reason": "去女儿家",
        "withdrawn": {"since": "2024-01-02", "reason": "本人同意"},
        "findings": {"health": {"status": "concern", "note": "咳嗽", "urgent": True}},
        "note": None,
        "from_flag": 7,
    }
    assert scrub(details) == {
        "changes": {
            "name": [None, PSEUDONYM],
            "phone": [PSEUDONYM, None],
            "lon": [None, PSEUDONYM],
            "status": ["active", "deceased"],
            "categories": [[], ["living_alone"]],
        },
        "reason": PSEUDONYM,
        "withdrawn": {"since": "2024-01-02", "reason": PSEUDONYM},
        "findings": {"health": {"status": "concern", "note": PSEUDONYM, "urgent": True}},
        "note": None,
        "from_flag": 7,
    }


def test_periods_come_from_the_environment() -> None:
    env = {
        "VISITSVC_RETENTION_YEARS": "5",
        "VISITSVC_PHOTO_RETENTION_DAYS": "730",
        "VISITSVC_SECRET_KEY": "k" * 40,
    }
    assert load_settings(env).retention == RetentionRules(years=5, photo_days=730)
    assert load_settings({"VISITSVC_SECRET_KEY": "k" * 40}).retention == RetentionRules(
        years=3, photo_days=365
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VISITSVC_RETENTION_YEARS", "0"),  # would pseudonymise everyone who left yesterday
        ("VISITSVC_RETENTION_YEARS", "three"),
        ("VISITSVC_PHOTO_RETENTION_DAYS", "7"),  # a month's photos are reviewed in the month after it
        ("VISITSVC_RETENTION_BATCH", "0"),
    ],
)
def test_a_period_that_would_destroy_data_by_mistake_is_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value, "VISITSVC_SECRET_KEY": "k" * 40})
