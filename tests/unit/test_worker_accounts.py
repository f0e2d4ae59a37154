"""An account name is stored in clear (the account, login attempts as typed, audit entries), so it may not be
a phone or ID number, which are sealed everywhere else (docs/adr/0013)."""

from __future__ import annotations

import pytest

from visitsvc.register.workers import WorkerData, validate_worker

ACCOUNT_RULE = "账号不能用手机号、电话号码或身份证号"


def _errors(account: str) -> list[str]:
    return validate_worker(WorkerData(account=account, name="张网格", grid_codes=("330106001001001",))).get(
        "account", []
    )


@pytest.mark.parametrize("account", ["13812345678", "0571-88886666", "057188886666", "11010519491231002X"])
def test_a_phone_or_id_number_is_not_an_account_name(account: str) -> None:
    assert _errors(account) == [ACCOUNT_RULE]


@pytest.mark.parametrize("account", ["zhang.wei", "w1", "gw_0571", "12345678901", "110105194912310021"])
def test_other_names_of_letters_and_digits_stay_accounts(account: str) -> None:
    """Eleven digits that are no mobile, eighteen whose check character is wrong: not personal numbers."""
    assert _errors(account) == []
