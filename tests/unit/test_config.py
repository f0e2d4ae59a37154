from __future__ import annotations

import pytest

from visitsvc.config import ConfigError, Settings, load_settings


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
