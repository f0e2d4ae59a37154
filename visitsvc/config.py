"""Settings come from VISITSVC_* environment variables; production refuses a default secret."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from visitsvc.field.thresholds import FieldRules
from visitsvc.infrastructure.notify_channels import NotifierSettings
from visitsvc.kernel import crypto
from visitsvc.planning.executors import check_dask_address
from visitsvc.register.retention_rules import RetentionRules

DEV_SECRET_FILE = Path("var/secret_key")
DEV_DATA_KEYS_FILE = Path("var/data_keys")  # generated in development like the secret key (docs/adr/0013)
DEV_INDEX_KEY_FILE = Path("var/index_key")
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
    # Encryption at rest (docs/adr/0013): `k2:<base64 32 bytes>,k1:<base64>`, the first seals new values;
    # the blind-index key as base64. Empty: whatever keyring the process installed (tests).
    data_keys: str = field(default="", repr=False)
    index_key: str = field(default="", repr=False)
    field_rules: FieldRules = field(default_factory=FieldRules)  # VISITSVC_FIELD_*
    retention: RetentionRules = field(default_factory=RetentionRules)  # VISITSVC_*RETENTION_*
    notifier: NotifierSettings = field(default_factory=NotifierSettings)  # VISITSVC_NOTIFY_* (docs/adr/0020)
    # tcp://host:port of a Dask scheduler: the scheduler's planning jobs solve on that cluster (and `plan`,
    # `replan --executor dask`); unset, they use this machine's cores.
    dask_scheduler: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict, repr=False)  # holds secrets (keys, webhook URLs)

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
        if self.is_production and not (self.data_keys and self.index_key):
            raise ConfigError(
                "VISITSVC_DATA_KEYS and VISITSVC_INDEX_KEY must be set in production "
                "(`visitsvc keys generate` makes a key; keep a copy apart from the database backups)"
            )
        if self.data_keys or self.index_key:
            self.keyring()
        if self.dask_scheduler is not None:
            try:
                check_dask_address(self.dask_scheduler)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None

    def keyring(self) -> crypto.Keyring:
        try:
            return crypto.Keyring.parse(self.data_keys, self.index_key)
        except crypto.KeySettingError as exc:
            raise ConfigError(str(exc)) from None


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
    data_keys = env.get("VISITSVC_DATA_KEYS", "")
    index_key = env.get("VISITSVC_INDEX_KEY", "")
    if environment != "production":
        data_keys = data_keys or _dev_file(DEV_DATA_KEYS_FILE, lambda: f"k1:{crypto.generate_key()}")
        index_key = index_key or _dev_file(DEV_INDEX_KEY_FILE, crypto.generate_key)
    settings = Settings(
        database_url=env.get("VISITSVC_DATABASE_URL", DEFAULT_DATABASE_URL),
        secret_key=secret,
        environment=environment,
        timezone=env.get("VISITSVC_TIMEZONE", "Asia/Shanghai"),
        access_token_seconds=_int(env, "VISITSVC_ACCESS_TOKEN_SECONDS", 8 * 3600),
        refresh_token_seconds=_int(env, "VISITSVC_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600),
        trusted_proxies=_int(env, "VISITSVC_TRUSTED_PROXIES", 0),
        max_import_bytes=_int(env, "VISITSVC_MAX_IMPORT_BYTES", 20 * 1024 * 1024),
        data_keys=data_keys,
        index_key=index_key,
        field_rules=_field_rules(env),
        retention=_retention(env),
        notifier=_notifier(env),
        dask_scheduler=env.get("VISITSVC_DASK_SCHEDULER") or None,
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


def _notifier(env: Mapping[str, str]) -> NotifierSettings:
    try:
        return NotifierSettings.from_env(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def _dev_secret() -> str:
    import secrets

    return _dev_file(DEV_SECRET_FILE, lambda: secrets.token_urlsafe(48))


def _dev_file(path: Path, make: Callable[[], str]) -> str:
    """A development value read from var/, or generated into it (readable by its owner only)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # Created 0600 from the first byte, not chmod-ed after being written world-readable.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(value + "\n")
    path.chmod(0o600)
    return value


# Code that seals or opens a value without an entry point having installed a keyring (a migration run by
# Alembic, a script) takes the one these settings name: the kernel cannot import the settings itself.
crypto.load_when_not_installed(lambda: load_settings().keyring())
