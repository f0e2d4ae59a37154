from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from visitsvc.config import ConfigError, Settings, load_settings
from visitsvc.kernel.crypto import generate_key

KEYS = {"VISITSVC_DATA_KEYS": f"k1:{generate_key()}", "VISITSVC_INDEX_KEY": generate_key()}
# Parameters must be the same in every test worker (xdist compares the collected ids): fixed keys here.
KEY_A, KEY_B = base64.b64encode(b"a" * 32).decode(), base64.b64encode(b"b" * 32).decode()


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
        (f"k1:{KEY_A},k1:{KEY_B}", "twice"),
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
            "VISITSVC_TRUSTED_PROXIES": "1",
        }
    )
    assert (settings.database_url, settings.trusted_proxies, settings.timezone) == (
        "sqlite:///x.db",
        1,
        "Asia/Shanghai",
    )


def test_a_malformed_number_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="VISITSVC_ACCESS_TOKEN_SECONDS"):
        load_settings({"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_ACCESS_TOKEN_SECONDS": "eight hours"})


@pytest.mark.parametrize("environment", ["Production", "PRODUCTION", "prod", " production", "", "staging"])
def test_an_environment_other_than_the_three_names_is_refused(environment: str) -> None:
    """A mistyped production must not run as development with the weak secret it was given."""
    with pytest.raises(
        ConfigError, match="VISITSVC_ENV must be exactly one of development, production, test"
    ):
        load_settings({"VISITSVC_ENV": environment, "VISITSVC_SECRET_KEY": "changeme"})


@pytest.mark.parametrize("environment", ["development", "test"])
def test_the_other_two_names_are_accepted(environment: str) -> None:
    assert load_settings({"VISITSVC_ENV": environment, "VISITSVC_SECRET_KEY": "k" * 40}).environment == (
        environment
    )


def test_an_unset_environment_means_development() -> None:
    assert load_settings({"VISITSVC_SECRET_KEY": "k" * 40}).environment == "development"


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(ConfigError, match="VISITSVC_ENV"):
        Settings(secret_key="k" * 40, environment="Production").validate()


def test_a_negative_number_of_trusted_proxies_is_refused() -> None:
    with pytest.raises(ConfigError, match="VISITSVC_TRUSTED_PROXIES"):
        load_settings({"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_TRUSTED_PROXIES": "-1"})


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "tls://scheduler.example:8786"])
def test_a_dask_scheduler_address_is_read(address: str) -> None:
    env = {"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_DASK_SCHEDULER": address}
    assert load_settings(env).dask_scheduler == address


def test_an_empty_dask_scheduler_means_this_machine() -> None:
    assert (
        load_settings({"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_DASK_SCHEDULER": ""}).dask_scheduler is None
    )


@pytest.mark.parametrize(
    "address", ["10.0.0.5:8786", "http://10.0.0.5:8786", "tcp://10.0.0.5", "tcp://:8786"]
)
def test_a_dask_scheduler_that_is_not_an_address_is_refused_at_start(address: str) -> None:
    """A typo must stop the scheduler at start, not fail the first night's job."""
    with pytest.raises(ConfigError, match="VISITSVC_DASK_SCHEDULER must be tcp://host:port"):
        load_settings({"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_DASK_SCHEDULER": address})
