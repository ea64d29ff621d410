"""Keyring and passphrase secret stores, and unlocking a vault with them (fail closed)."""

from __future__ import annotations

import json
import os
import stat
import unicodedata
from pathlib import Path
from typing import Any

import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from store import kv
from store.errors import (
    InvalidData,
    KeyringUnavailable,
    SecretMissing,
    SecretsFileCorrupt,
    SecretsFileExists,
    SecretsFileNotFound,
    StoreError,
    VaultNotFound,
    WrongKey,
    WrongPassphrase,
)
from store.secrets import (
    MEMLIMIT_MIN,
    OPSLIMIT_MIN,
    KeyringSecrets,
    PassphraseSecrets,
    SecretStore,
    probe_keyring,
)
from store.unlock import VAULT_KEY_NAME, unlock_vault
from store.vault import close_vault, create_vault

FAST = {"opslimit": OPSLIMIT_MIN, "memlimit": MEMLIMIT_MIN}


class DBusError(Exception):
    """Stands in for the D-Bus / Secret Service errors a real backend raises."""


# -- keyring -------------------------------------------------------------------------------


def test_keyring_round_trip(memory_keyring: Any) -> None:
    s = KeyringSecrets("renkei-test", "alice@example")
    assert isinstance(s, SecretStore) and s.kind == "keyring"
    assert s.get("device-signing-key") is None
    secret = bytes(range(256))
    s.put("device-signing-key", secret)
    assert s.get("device-signing-key") == secret
    # stored base64, not raw
    (stored,) = memory_keyring.store.values()
    assert stored.isascii() and secret not in stored.encode()
    s.delete("device-signing-key")
    s.delete("device-signing-key")  # deleting what is gone is fine
    assert s.get("device-signing-key") is None
    assert probe_keyring("renkei-test")[0]


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (lambda: keyring.backends.fail.Keyring(), KeyringUnavailable.REASON_NO_BACKEND),
        (lambda: keyring.backends.null.Keyring(), KeyringUnavailable.REASON_NO_BACKEND),
        ("no-keyring", KeyringUnavailable.REASON_NO_BACKEND),
        ("locked", KeyringUnavailable.REASON_LOCKED),
        ("init", KeyringUnavailable.REASON_INIT_FAILED),
        ("dbus", KeyringUnavailable.REASON_BACKEND_ERROR),
    ],
)
def test_unusable_keyring_is_reported(
    use_keyring: Any,
    raising_keyring: Any,
    backend: Any,
    reason: str,
    vault_path: Path,
    key: bytes,
    snap: Any,
) -> None:
    errors = {
        "no-keyring": keyring.errors.NoKeyringError("no backend"),
        "locked": keyring.errors.KeyringLocked("collection is locked"),
        "init": keyring.errors.InitError("secret service not running"),
        "dbus": DBusError("org.freedesktop.DBus.Error.ServiceUnknown"),
    }
    use_keyring(raising_keyring(errors[backend]) if isinstance(backend, str) else backend())
    s = KeyringSecrets("renkei-test", "alice")
    with pytest.raises(KeyringUnavailable) as info:
        s.get(VAULT_KEY_NAME)
    assert info.value.reason == reason
    assert "passphrase" in str(info.value)
    ok, why = probe_keyring()
    assert not ok and "passphrase" in why

    # an existing vault is neither opened with anything else nor recreated
    conn = create_vault(vault_path, key)
    kv.set_cursor(conn, "sync", "7")
    close_vault(conn)
    before = snap(vault_path.parent)
    for create in (False, True):
        with pytest.raises(KeyringUnavailable):
            unlock_vault(vault_path, s, create=create)
    assert snap(vault_path.parent) == before
    # and no new vault appears where there was none
    fresh = vault_path.parent / "fresh.db"
    with pytest.raises(KeyringUnavailable):
        unlock_vault(fresh, s, create=True)
    assert not fresh.exists()


def test_unlock_with_keyring_creates_then_reopens(memory_keyring: Any, vault_path: Path) -> None:
    s = KeyringSecrets("renkei-test", "alice")
    with pytest.raises(VaultNotFound):
        unlock_vault(vault_path, s)  # never created without being asked
    assert not vault_path.exists()
    conn = unlock_vault(vault_path, s, create=True)
    kv.set_cursor(conn, "sync", "1")
    close_vault(conn)
    stored = s.get(VAULT_KEY_NAME)
    assert stored is not None and len(stored) == 32
    conn = unlock_vault(vault_path, s, create=True)  # exists: opened, not recreated
    assert kv.get_cursor(conn, "sync") == "1"
    close_vault(conn)
    assert s.get(VAULT_KEY_NAME) == stored


def test_missing_or_changed_key_fails_closed(
    memory_keyring: Any, vault_path: Path, snap: Any
) -> None:
    s = KeyringSecrets("renkei-test", "alice")
    close_vault(unlock_vault(vault_path, s, create=True))
    original = s.get(VAULT_KEY_NAME)
    before = snap(vault_path.parent)

    s.delete(VAULT_KEY_NAME)
    for create in (False, True):
        with pytest.raises(SecretMissing) as info:
            unlock_vault(vault_path, s, create=create)
        assert "nothing was recreated" in str(info.value)
    assert s.get(VAULT_KEY_NAME) is None  # no key was invented either

    s.put(VAULT_KEY_NAME, bytes(32))
    with pytest.raises(WrongKey):
        unlock_vault(vault_path, s, create=True)
    assert s.get(VAULT_KEY_NAME) == bytes(32)  # nothing overwritten
    assert snap(vault_path.parent) == before

    assert original is not None
    s.put(VAULT_KEY_NAME, original)
    close_vault(unlock_vault(vault_path, s))


def test_keyring_that_drops_writes(use_keyring: Any) -> None:
    class Forgetful(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            pass

    use_keyring(Forgetful())
    with pytest.raises(KeyringUnavailable) as info:
        KeyringSecrets("renkei-test", "alice").put("k", b"v")
    assert "did not keep" in str(info.value)


# -- passphrase file --------------------------------------------------------------------------


def test_passphrase_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    s = PassphraseSecrets(path, "correct horse battery staple", create=True, **FAST)
    assert isinstance(s, SecretStore) and s.kind == "passphrase"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = os.urandom(64)
    s.put("device-signing-key", secret)
    s.put("vault-key", b"k" * 32)
    assert s.get("device-signing-key") == secret
    assert s.get("nothing") is None

    again = PassphraseSecrets(path, "correct horse battery staple")
    assert again.get("device-signing-key") == secret
    assert again.names() == ["device-signing-key", "vault-key"]
    again.delete("vault-key")
    assert PassphraseSecrets(path, "correct horse battery staple").get("vault-key") is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret not in path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["secrets.json"]  # no temp files left


def test_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    PassphraseSecrets(path, "パスフレーズ", create=True, **FAST).put("vault-key", b"k" * 32)
    before = path.read_bytes()
    with pytest.raises(WrongPassphrase) as info:
        PassphraseSecrets(path, "パスワード")
    assert isinstance(info.value, WrongKey)
    assert "passphrase does not open" in str(info.value)
    assert path.read_bytes() == before


def test_passphrase_is_unicode_normalised(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    composed = "ガイド"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    PassphraseSecrets(path, composed, create=True, **FAST).put("x", b"1")
    assert PassphraseSecrets(path, decomposed).get("x") == b"1"


def test_create_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    PassphraseSecrets(path, "first", create=True, **FAST).put("vault-key", b"a" * 32)
    before = path.read_bytes()
    with pytest.raises(SecretsFileExists):
        PassphraseSecrets(path, "second", create=True, **FAST)
    assert path.read_bytes() == before
    assert PassphraseSecrets(path, "first").get("vault-key") == b"a" * 32


def test_missing_and_damaged_files(tmp_path: Path) -> None:
    with pytest.raises(SecretsFileNotFound):
        PassphraseSecrets(tmp_path / "none.json", "x")
    bad = tmp_path / "bad.json"
    for content in (b"not json", b"{}", b"[]", json.dumps({"format": "renkei-secrets"}).encode()):
        bad.write_bytes(content)
        with pytest.raises(SecretsFileCorrupt):
            PassphraseSecrets(bad, "x")
    with pytest.raises(InvalidData):
        PassphraseSecrets(tmp_path / "empty.json", "", create=True, **FAST)


def test_swapped_or_altered_entries_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    s = PassphraseSecrets(path, "pw", create=True, **FAST)
    s.put("a", b"secret a")
    s.put("b", b"secret b")
    doc = json.loads(path.read_text())
    doc["secrets"]["a"], doc["secrets"]["b"] = doc["secrets"]["b"], doc["secrets"]["a"]
    path.write_text(json.dumps(doc))
    s2 = PassphraseSecrets(path, "pw")
    with pytest.raises(SecretsFileCorrupt):
        s2.get("a")
    doc["kdf"]["memlimit"] = 1 << 40  # a crafted file cannot make us allocate a terabyte
    path.write_text(json.dumps(doc))
    with pytest.raises(SecretsFileCorrupt):
        PassphraseSecrets(path, "pw")


def test_unlock_with_passphrase(tmp_path: Path, snap: Any) -> None:
    spath, vpath = tmp_path / "secrets.json", tmp_path / "vault.db"
    s = PassphraseSecrets(spath, "pw", create=True, **FAST)
    conn = unlock_vault(vpath, s, create=True)
    kv.set_setting(conn, "lang", "ja")
    close_vault(conn)
    conn = unlock_vault(vpath, PassphraseSecrets(spath, "pw"))
    assert kv.get_setting(conn, "lang") == "ja"
    close_vault(conn)
    # another passphrase file (a fresh one, not the vault's) opens nothing
    before = snap(tmp_path)
    other = PassphraseSecrets(tmp_path / "other.json", "pw", create=True, **FAST)
    with pytest.raises(SecretMissing) as info:
        unlock_vault(vpath, other, create=True)
    assert "passphrase file" in str(info.value)
    assert {k: v for k, v in snap(tmp_path).items() if k != "other.json"} == before


def test_errors_are_store_errors() -> None:
    for cls in (KeyringUnavailable, SecretMissing, SecretsFileCorrupt, SecretsFileExists,
                SecretsFileNotFound, WrongPassphrase):
        assert issubclass(cls, StoreError)
