"""What an audit entry may hold: ID numbers, phones and birth dates masked wherever the entry names them."""

from __future__ import annotations

from datetime import date

from visitsvc.kernel.masking import age_this_year, mask_birth_date, mask_field, redact_details

NUMBER = "33010619400517069X"


def test_a_birth_date_keeps_its_year_only() -> None:
    assert mask_birth_date("1940-05-17") == "1940-**-**"
    assert mask_field("birth_date", date(1940, 5, 17)) == "1940-**-**"
    assert mask_birth_date("五月") == "**", "not a date: nothing of it is kept"


def test_changes_and_top_level_fields_are_masked_and_the_rest_kept() -> None:
    details = {
        "changes": {
            "id_number": [None, NUMBER],
            "birth_date": ["1940-05-17", "1941-06-02"],
            "phone": ["13912345678", None],
            "emergency_phone": [None, "0571-87654321"],
            "name": ["王秀英", "王秀兰"],
        },
        "id_number": NUMBER,
        "source": "import",
    }
    assert redact_details(details) == {
        "changes": {
            "id_number": [None, "330106********069X"],
            "birth_date": ["1940-**-**", "1941-**-**"],
            "phone": ["139****5678", None],
            "emergency_phone": [None, "0571-****4321"],
            "name": ["王秀英", "王秀兰"],
        },
        "id_number": "330106********069X",
        "source": "import",
    }


def test_masking_twice_changes_nothing() -> None:
    details = {
        "changes": {
            "id_number": [NUMBER, None],
            "birth_date": [None, "1940-05-17"],
            "phone": ["0571-87654321", "13912345678"],
        }
    }
    once = redact_details(details)
    assert redact_details(once) == once


def test_entries_without_personal_data_are_untouched() -> None:
    details = {"month": "2026-12", "rows": 3, "changes": {"status": ["active", "deceased"]}}
    assert redact_details(details) == details


def test_a_masked_age_changes_on_new_year_not_on_the_birthday() -> None:
    birth = date(1940, 12, 20)
    ages = [age_this_year(birth, day) for day in (date(2026, 12, 19), date(2026, 12, 20), date(2027, 1, 1))]
    assert ages == [86, 86, 87]
