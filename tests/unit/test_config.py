from __future__ import annotations

import pytest

from visitsvc.config import ConfigError, load_settings


@pytest.mark.parametrize("secret", [None, "", "changeme", "short-but-not-default"])
def test_production_refuses_a_missing_default_or_short_secret(secret: str | None) -> None:
    env = {"VISITSVC_ENV": "production"}
    if secret is not None:
        env["VISITSVC_SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="VISITSVC_SECRET_KEY"):
        load_settings(env)


def test_production_starts_with_a_real_secret() -> None:
    settings = load_settings({"VISITSVC_ENV": "production", "VISITSVC_SECRET_KEY": "k" * 40})
    assert settings.is_production


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


def test_a_negative_number_of_trusted_proxies_is_refused() -> None:
    with pytest.raises(ConfigError, match="VISITSVC_TRUSTED_PROXIES"):
        load_settings({"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_TRUSTED_PROXIES": "-1"})
