"""Encryption at rest of ID numbers, birth dates and phone numbers (docs/adr/0013).

Values are sealed with AES-256-GCM (the `cryptography` package) under a data key named by a key id; the
stored text is ``v1:<key id>:<base64(nonce + ciphertext + tag)>`` with a random 96-bit nonce per value and
the column's name as associated data, so a value copied into another column does not open. Exact lookup
and uniqueness go through a blind index: HMAC-SHA256 of the value under a separate index key.

The keyring is process-wide: `install()` is called by `create_app` (from its Settings) and by the test
set-up; anything else (the CLI, the scheduler, the seed, the migrations) gets the keyring of its
environment on first use through `current()`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class KeySettingError(ValueError):
    """A key setting that cannot be used; the message says which and why."""


class CryptoError(Exception):
    """A stored value that cannot be opened: unknown key id, wrong key, or a damaged value."""


def generate_key() -> str:
    """A new random 32-byte key, base64 as the settings take it."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _decode_key(name: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeySettingError(f"{name} is not base64") from None
    if len(raw) != KEY_BYTES:
        raise KeySettingError(f"{name} must be {KEY_BYTES} bytes (base64 of 32 random bytes), got {len(raw)}")
    return raw


@dataclass(frozen=True)
class Keyring:
    """Data keys by key id (the first is the active one, which seals new values) and the blind-index key."""

    data_keys: dict[str, bytes] = field(repr=False)  # never in a log or a traceback's locals
    active: str
    index_key: bytes = field(repr=False)
    _ciphers: dict[str, AESGCM] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.active not in self.data_keys:
            raise KeySettingError(f"the active key id {self.active!r} has no key")
        if len(self.index_key) != KEY_BYTES:
            raise KeySettingError(f"the index key must be {KEY_BYTES} bytes")
        object.__setattr__(self, "_ciphers", {kid: AESGCM(key) for kid, key in self.data_keys.items()})

    @classmethod
    def parse(cls, data_keys: str, index_key: str) -> Keyring:
        """`k2:<base64>,k1:<base64>` (first = active) and the index key as base64."""
        keys: dict[str, bytes] = {}
        for part in (p.strip() for p in data_keys.split(",")):
            if not part:
                continue
            kid, sep, text = part.partition(":")
            if not sep or not KEY_ID.match(kid):
                raise KeySettingError(
                    "VISITSVC_DATA_KEYS must be key_id:base64key pairs separated by commas "
                    "(key ids of letters, digits, _ or -)"
                )
            if kid in keys:
                raise KeySettingError(f"VISITSVC_DATA_KEYS names key id {kid!r} twice")
            keys[kid] = _decode_key(f"VISITSVC_DATA_KEYS key {kid!r}", text)
        if not keys:
            raise KeySettingError("VISITSVC_DATA_KEYS holds no key")
        return cls(keys, next(iter(keys)), _decode_key("VISITSVC_INDEX_KEY", index_key))

    def encrypt(self, plain: str, context: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._ciphers[self.active].encrypt(nonce, plain.encode("utf-8"), context.encode("ascii"))
        return f"{FORMAT}:{self.active}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, context: str) -> str:
        version, kid, body = split(stored)
        if version != FORMAT:
            raise CryptoError(f"{context}: unknown format {version!r}")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise CryptoError(
                f"{context}: the value is sealed under key id {kid!r}, which VISITSVC_DATA_KEYS does not hold"
            )
        try:
            raw = base64.b64decode(body, validate=True)
            plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("ascii"))
            return plain.decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise CryptoError(
                f"{context}: the value does not open under key id {kid!r} (wrong key, or a damaged value)"
            ) from None

    def blind_index(self, plain: str, context: str) -> str:
        """HMAC-SHA256 of the (already normalised) value: equal values, equal index; nothing else learned."""
        message = context.encode("ascii") + b"\x00" + plain.encode("utf-8")
        return hmac.new(self.index_key, message, hashlib.sha256).hexdigest()


def split(stored: str) -> tuple[str, str, str]:
    """(format, key id, body) of a stored value; CryptoError when it is not a sealed value at all."""
    parts = stored.split(":", 2)
    if len(parts) != 3:
        raise CryptoError("not an encrypted value (plain text where a sealed value belongs)")
    return parts[0], parts[1], parts[2]


def key_id(stored: str) -> str:
    return split(stored)[1]


_lock = threading.Lock()
_installed: Keyring | None = None
_loader: Callable[[], Keyring] | None = None


def install(keyring: Keyring) -> None:
    global _installed  # the one process-wide keyring (docs/adr/0013)
    with _lock:
        _installed = keyring


def load_when_not_installed(loader: Callable[[], Keyring]) -> None:
    """Where `current` finds the keyring when no entry point installed one: the settings (visitsvc.config)."""
    global _loader
    _loader = loader


def current() -> Keyring:
    """The installed keyring, or else the one the settings of this process's environment name."""
    global _installed
    keyring = _installed
    if keyring is None:
        if _loader is None:
            raise CryptoError("no keyring installed: load the settings (visitsvc.config) first")
        loaded = _loader()
        with _lock:
            if _installed is None:
                _installed = loaded
            keyring = _installed
    return keyring


def encrypt(plain: str, context: str) -> str:
    return current().encrypt(plain, context)


def decrypt(stored: str, context: str) -> str:
    return current().decrypt(stored, context)


def blind_index(plain: str, context: str) -> str:
    return current().blind_index(plain, context)
