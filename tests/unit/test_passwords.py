"""What a password someone chooses for themselves must be."""

from __future__ import annotations

import pytest

from visitsvc.accounts.passwords import password_problems


def test_a_long_uncommon_password_is_fine() -> None:
    assert password_problems("桂花苑-3幢-2单元-雨天", account="w001") == []
    assert password_problems("correct horse battery", account="w001") == []


def test_under_ten_characters_is_too_short() -> None:
    assert password_problems("short-pw9", account="w001") == ["密码至少 10 位"]


def test_the_account_name_is_refused_whatever_its_case() -> None:
    assert "密码不能与账号相同" in password_problems("Supervisor01", account="supervisor01")


@pytest.mark.parametrize("common", ["demo1234", "12345678", "password", "1234567890", "Password123"])
def test_the_first_guesses_are_refused(common: str) -> None:
    assert "密码过于常见，请换一个" in password_problems(common, account="w001")


def test_the_current_password_is_not_a_new_one() -> None:
    assert password_problems("same-old-password", account="w001", current="same-old-password") == [
        "新密码不能与当前密码相同"
    ]
