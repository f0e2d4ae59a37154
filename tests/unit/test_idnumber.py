from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visitsvc.kernel import idnumber

REGIONS = st.sampled_from(["110101", "330106", "530521", "440305"])
BIRTHS = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
SEQUENCES = st.integers(min_value=0, max_value=999)


def make(region: str, birth: date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + idnumber.check_character(first17)


def test_the_check_character_of_the_standard_example() -> None:
    # GB 11643-1999's worked example.
    assert idnumber.check_character("11010519491231002") == "X"


@given(REGIONS, BIRTHS, SEQUENCES)
def test_every_valid_number_is_accepted_with_its_birth_date_and_sex(
    region: str, birth: date, seq: int
) -> None:
    parsed = idnumber.parse(make(region, birth, seq))
    assert parsed.birth_date == birth
    assert parsed.is_male == (seq % 2 == 1)
    assert parsed.region == region


@given(REGIONS, BIRTHS, SEQUENCES, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_every_single_character_change_is_rejected(
    region: str, birth: date, seq: int, position: int, replacement: str
) -> None:
    valid = make(region, birth, seq)
    changed = valid[:position] + replacement + valid[position + 1 :]
    if changed == valid:
        return
    assert not idnumber.is_valid(changed)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("11010519491231002", "18 位"),
        ("1101051949123100XX", "18 位"),
        ("110105194902300021", "出生日期"),
        ("110105194912310021", "校验位"),
    ],
)
def test_invalid_numbers_say_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        idnumber.parse(raw)


def test_full_width_characters_and_a_lower_case_x_are_normalised() -> None:
    assert idnumber.normalize(" １１０１０５１９４９１２３１００２x ") == "11010519491231002X"


def test_the_mask_keeps_region_and_last_four() -> None:
    assert idnumber.mask("53052119400517123X") == "530521********123X"


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1946, 11, 25), date(2026, 11, 25), 80),
        (date(1946, 11, 26), date(2026, 11, 25), 79),
        (date(1944, 2, 29), date(2026, 2, 28), 81),
        (date(1944, 2, 29), date(2026, 3, 1), 82),
    ],
)
def test_age_counts_completed_years(birth: date, day: date, age: int) -> None:
    assert idnumber.age_on(birth, day) == age
