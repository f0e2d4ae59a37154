from __future__ import annotations

import stat
from pathlib import Path

import pytest

from visitsvc.config import ConfigError, load_settings
from visitsvc.crypto import generate_key

KEYS = {"VISITSVC_DATA_KEYS": f"k1:{generate_key()}", "VISITSVC_INDEX_KEY": generate_key()}


@pytest.mark.parametrize("secret", [None, "", "changeme", "short-but-not-default"])
def test_production_refuses_a_missing_default_or_short_secret(secret: str | None) -> None:
    env = {"VISITSVC_ENV": "production"}
    if secret is not None:
        env["VISITSVC_SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="VISITSVC_SECRET_KEY"):
        load_settings(env)


def test_production_starts_with_a_real_secret() -> None:
    settings = load_settings({"VISITSVC_ENV": "production", "VISITSVC_SECRET_KEY": "k" * 40, **KEYS})
    assert settings.is_production


@pytest.mark.parametrize("missing", ["VISITSVC_DATA_KEYS", "VISITSVC_INDEX_KEY"])
def test_production_refuses_to_start_without_the_encryption_keys(missing: str) -> None:
    env = {"VISITSVC_ENV": "production", "VISITSVC_SECRET_KEY": "k" * 40, **KEYS}
    del env[missing]
    with pytest.raises(ConfigError, match="VISITSVC_DATA_KEYS and VISITSVC_INDEX_KEY must be set"):
        load_settings(env)


@pytest.mark.parametrize(
    ("data_keys", "message"),
    [
        ("k1", "key_id:base64key"),
        ("k1:not base64!", "not base64"),
        ("k1:c2hvcnQ=", "must be 32 bytes"),
        (f"k1:{generate_key()},k1:{generate_key()}", "twice"),
    ],
)
def test_a_malformed_key_is_a_clear_error(data_keys: str, message: str) -> None:
    env = {
        "VISITSVC_ENV": "production",
        "VISITSVC_SECRET_KEY": "k" * 40,
        **KEYS,
        "VISITSVC_DATA_KEYS": data_keys,
    }
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_development_generates_its_keys_into_var_readable_by_the_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = load_settings({"VISITSVC_SECRET_KEY": "k" * 40})
    again = load_settings({"VISITSVC_SECRET_KEY": "k" * 40})
    assert (first.data_keys, first.index_key) == (again.data_keys, again.index_key)
    assert first.keyring().active == "k1"
    for name in ("data_keys", "index_key"):
        assert stat.S_IMODE((tmp_path / "var" / name).stat().st_mode) == 0o600


def test_settings_come_from_the_environment() -> None:
    settings = load_settings(
        {
            "VISITSVC_SECRET_KEY": "k" * 40,
            "VISITSVC_DATABASE_URL": "sqlite:///x.db",
            "VISITSVC_LOGIN_FAILURES_PER_MINUTE": "3",
        }
    )
    assert (settings.database_url, settings.login_failures_per_minute, settings.timezone) == (
        "sqlite:///x.db",
        3,
        "Asia/Shanghai",
    )


def test_a_malformed_number_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="VISITSVC_ACCESS_TOKEN_SECONDS"):
        load_settings({"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_ACCESS_TOKEN_SECONDS": "eight hours"})
