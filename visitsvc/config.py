"""Settings come from VISITSVC_* environment variables; production refuses a default secret."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from visitsvc.field_rules import FieldRules
from visitsvc.retention import RetentionRules

DEV_SECRET_FILE = Path("var/secret_key")
DEFAULT_DATABASE_URL = "sqlite:///var/visitsvc.db"
_KNOWN_WEAK_SECRETS = frozenset({"", "dev", "secret", "changeme", "change-me", "visitsvc"})
# Spelled exactly: a typo ("Production", "prod") must stop the service, not run it as development.
ENVIRONMENTS = ("development", "production", "test")


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = ""
    environment: str = "development"  # development | production | test
    timezone: str = "Asia/Shanghai"
    access_token_seconds: int = 8 * 3600
    refresh_token_seconds: int = 30 * 24 * 3600
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For is believed; 0 = none
    max_import_bytes: int = 20 * 1024 * 1024
    field_rules: FieldRules = field(default_factory=FieldRules)  # VISITSVC_FIELD_*
    retention: RetentionRules = field(default_factory=RetentionRules)  # VISITSVC_*RETENTION_*
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def validate(self) -> None:
        _check_environment(self.environment)
        if self.is_production and (self.secret_key in _KNOWN_WEAK_SECRETS or len(self.secret_key) < 32):
            raise ConfigError(
                "VISITSVC_SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        if self.trusted_proxies < 0:
            raise ConfigError("VISITSVC_TRUSTED_PROXIES must be 0 or more")


def _check_environment(value: str) -> None:
    if value not in ENVIRONMENTS:
        raise ConfigError(f"VISITSVC_ENV must be exactly one of {', '.join(ENVIRONMENTS)}; got {value!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings; in development a missing secret is read from (or generated into) var/secret_key.

    An unset VISITSVC_ENV means development; any value other than the three names (empty included) is refused
    before anything else is read, so no secret file is written for a mistyped production."""
    env = os.environ if env is None else env
    environment = env.get("VISITSVC_ENV", "development")
    _check_environment(environment)
    secret = env.get("VISITSVC_SECRET_KEY", "")
    if not secret and environment != "production":
        secret = _dev_secret()
    settings = Settings(
        database_url=env.get("VISITSVC_DATABASE_URL", DEFAULT_DATABASE_URL),
        secret_key=secret,
        environment=environment,
        timezone=env.get("VISITSVC_TIMEZONE", "Asia/Shanghai"),
        access_token_seconds=_int(env, "VISITSVC_ACCESS_TOKEN_SECONDS", 8 * 3600),
        refresh_token_seconds=_int(env, "VISITSVC_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600),
        trusted_proxies=_int(env, "VISITSVC_TRUSTED_PROXIES", 0),
        max_import_bytes=_int(env, "VISITSVC_MAX_IMPORT_BYTES", 20 * 1024 * 1024),
        field_rules=_field_rules(env),
        retention=_retention(env),
        extra={k: v for k, v in env.items() if k.startswith("VISITSVC_")},
    )
    settings.validate()
    return settings


def _field_rules(env: Mapping[str, str]) -> FieldRules:
    try:
        return FieldRules.from_env(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def _retention(env: Mapping[str, str]) -> RetentionRules:
    try:
        return RetentionRules.from_env(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def _dev_secret() -> str:
    import secrets

    if DEV_SECRET_FILE.exists():
        return DEV_SECRET_FILE.read_text().strip()
    DEV_SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    DEV_SECRET_FILE.write_text(value + "\n")
    DEV_SECRET_FILE.chmod(0o600)
    return value
