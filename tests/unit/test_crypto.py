"""Sealing personal numbers: authenticated, bound to their column, under a named key; a keyed blind index."""

from __future__ import annotations

import base64

import pytest

from visitsvc.kernel import crypto
from visitsvc.kernel.crypto import CryptoError, Keyring, KeySettingError, generate_key, key_id

NUMBER = "110101194005170012"
CONTEXT = "elders.id_number"


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.parse(f"k2:{generate_key()},k1:{generate_key()}", generate_key())


def test_a_sealed_value_opens_to_the_value_and_does_not_show_it(keyring: Keyring) -> None:
    sealed = keyring.encrypt(NUMBER, CONTEXT)
    assert NUMBER not in sealed
    assert sealed.startswith("v1:k2:")
    assert keyring.decrypt(sealed, CONTEXT) == NUMBER


def test_the_same_value_seals_differently_each_time(keyring: Keyring) -> None:
    assert keyring.encrypt(NUMBER, CONTEXT) != keyring.encrypt(NUMBER, CONTEXT)


def test_the_first_key_seals_and_every_listed_key_opens(keyring: Keyring) -> None:
    older = Keyring({"k1": keyring.data_keys["k1"]}, "k1", keyring.index_key)
    sealed_before = older.encrypt(NUMBER, CONTEXT)
    assert key_id(sealed_before) == "k1"
    assert keyring.decrypt(sealed_before, CONTEXT) == NUMBER
    assert key_id(keyring.encrypt(NUMBER, CONTEXT)) == "k2"


def test_a_value_cannot_be_moved_to_another_column(keyring: Keyring) -> None:
    sealed = keyring.encrypt("13800138000", "elders.phone")
    with pytest.raises(CryptoError, match="does not open"):
        keyring.decrypt(sealed, "elders.emergency_phone")


def test_a_tampered_value_fails_clearly(keyring: Keyring) -> None:
    version, kid, body = keyring.encrypt(NUMBER, CONTEXT).split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(CryptoError, match="does not open under key id 'k2'"):
        keyring.decrypt(f"{version}:{kid}:{base64.b64encode(bytes(raw)).decode()}", CONTEXT)


def test_a_value_under_an_unknown_key_id_names_the_key_it_needs(keyring: Keyring) -> None:
    other = Keyring.parse(f"k9:{generate_key()}", generate_key())
    with pytest.raises(CryptoError, match="key id 'k9', which VISITSVC_DATA_KEYS does not hold"):
        keyring.decrypt(other.encrypt(NUMBER, CONTEXT), CONTEXT)


def test_the_wrong_key_under_the_right_id_fails_clearly(keyring: Keyring) -> None:
    impostor = Keyring.parse(f"k2:{generate_key()}", generate_key())
    with pytest.raises(CryptoError, match="wrong key"):
        impostor.decrypt(keyring.encrypt(NUMBER, CONTEXT), CONTEXT)


def test_plain_text_where_a_sealed_value_belongs_is_refused(keyring: Keyring) -> None:
    with pytest.raises(CryptoError, match="not an encrypted value"):
        keyring.decrypt(NUMBER, CONTEXT)


def test_the_blind_index_is_stable_keyed_and_per_column(keyring: Keyring) -> None:
    index = keyring.blind_index(NUMBER, CONTEXT)
    assert index == keyring.blind_index(NUMBER, CONTEXT)
    assert len(index) == 64
    assert NUMBER not in index
    assert index != keyring.blind_index("110101194005170020", CONTEXT)
    assert index != keyring.blind_index(NUMBER, "elders.phone")
    other_key = Keyring(keyring.data_keys, keyring.active, base64.b64decode(generate_key()))
    assert index != other_key.blind_index(NUMBER, CONTEXT)


@pytest.mark.parametrize(
    ("data_keys", "index_key", "message"),
    [
        ("", "auto", "holds no key"),
        ("k 1:auto", "auto", "key_id:base64key"),
        ("k1:auto", "", "VISITSVC_INDEX_KEY is not base64|must be 32 bytes"),
        ("k1:AAAA", "auto", "must be 32 bytes"),
    ],
)
def test_malformed_key_settings_are_refused(data_keys: str, index_key: str, message: str) -> None:
    with pytest.raises(KeySettingError, match=message):
        Keyring.parse(data_keys.replace("auto", generate_key()), index_key.replace("auto", generate_key()))


def test_an_encrypted_column_refuses_to_be_compared_in_sql() -> None:
    from visitsvc.model import Elder

    with pytest.raises(TypeError, match="blind index"):
        _ = Elder.id_number == NUMBER
    with pytest.raises(TypeError, match="blind index"):
        _ = Elder.phone.in_(["13800138000"])


def test_a_keyring_shows_no_key_when_printed_or_logged(keyring: Keyring) -> None:
    shown = repr(keyring) + str(keyring)
    for key in (*keyring.data_keys.values(), keyring.index_key):
        assert repr(key) not in shown
        assert base64.b64encode(key).decode() not in shown


@pytest.fixture
def nothing_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process where no entry point installed a keyring (the suite's own is put back afterwards)."""
    monkeypatch.setattr(crypto, "_installed", None)
    monkeypatch.setattr(crypto, "_loader", None)


@pytest.mark.usefixtures("nothing_installed")
def test_without_an_installed_keyring_the_settings_loader_gives_it_once(keyring: Keyring) -> None:
    calls: list[int] = []

    def load() -> Keyring:
        calls.append(1)
        return keyring

    crypto.load_when_not_installed(load)
    assert crypto.current() is keyring
    assert crypto.current() is keyring
    assert calls == [1]


@pytest.mark.usefixtures("nothing_installed")
def test_without_a_keyring_or_a_loader_sealing_is_refused_not_done_under_some_key() -> None:
    with pytest.raises(CryptoError, match="no keyring installed"):
        crypto.encrypt(NUMBER, CONTEXT)


def test_the_settings_hand_the_kernel_their_loader() -> None:
    import visitsvc.config  # noqa: F401  (importing the settings is what hands the loader over)

    assert crypto._loader is not None
