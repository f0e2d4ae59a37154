"""统一社会信用代码 (GB 32100-2015): what an organisation's code must be before it is stored."""

from __future__ import annotations

import pytest

from visitsvc.kernel import credit_code

# The standard's own example, and codes of registered organisations as published.
VALID = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"]


@pytest.mark.parametrize("code", VALID)
def test_a_registered_code_is_accepted(code: str) -> None:
    assert credit_code.parse(code) == code


def test_spaces_lower_case_and_full_width_characters_are_folded() -> None:
    assert credit_code.parse(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert credit_code.parse("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize("position", range(17))
def test_any_single_changed_character_is_refused_by_the_check_character(position: int) -> None:
    code = VALID[0]
    for other in credit_code.CHARSET:
        changed = code[:position] + other + code[position + 1 :]
        if changed == code or (2 <= position <= 7 and not other.isdigit()):
            continue
        with pytest.raises(ValueError, match="校验位"):
            credit_code.parse(changed)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9135010", "18 位"),
        ("91350100M000100Y4", "18 位"),
        ("91350100M000100I43", "无效字符"),  # I, O, S, V and Z are never used
        ("9135A100M000100Y43", "无效字符"),  # the region code is six digits
    ],
)
def test_a_malformed_code_says_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        credit_code.parse(code)
    assert not credit_code.is_valid(code)


def test_a_check_character_of_31_is_written_as_zero() -> None:
    # A weighted sum divisible by 31 gives 31 - 0, which the standard writes as 0; a sum of 1 gives 30, Y.
    assert credit_code.check_character("0" * 17) == "0"
    assert credit_code.check_character("1" + "0" * 16) == "Y"
    assert credit_code.is_valid("0" * 18)
