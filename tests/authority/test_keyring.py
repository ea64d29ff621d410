"""``init --keyring``: the authority key lives in the OS keyring, never in a file."""

from __future__ import annotations

import base64
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError, PasswordDeleteError

from crypto.certs import RevocationList, SignedCertificate
from crypto.encoding import b64d

NOW = 1_750_000_000


class MemoryKeyring(KeyringBackend):
    """In-memory backend for tests; a negative priority keeps it out of auto-selection."""

    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class LockedKeyring(MemoryKeyring):
    """A backend that exists but refuses every operation (e.g. a locked collection)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the collection is locked")


class ForgetfulKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        pass


@pytest.fixture
def backend() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    try:
        yield kr
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    # Proves keyring mode never asks for a passphrase: a prompt would fail without a terminal.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def test_keyring_init_issue_and_crl(backend: MemoryKeyring, run: Any, tmp_path: Path,
                                    device: Any, no_tty: None) -> None:
    d = tmp_path / "ca"
    r = run("init", "--keyring", "--out", d)
    assert r.rc == 0, r.err
    assert "keyring" in r.out
    pub = json.loads((d / "authority.pub").read_text())
    ((service, username), secret), = backend.items.items()
    assert service == "renkei-authority" and username == pub["fingerprint"]
    seed = b64d(secret, size=32)
    key_file = (d / "authority.key").read_bytes()
    for needle in (seed, secret.encode(), seed.hex().encode(),
                   base64.b64encode(seed).rstrip(b"=")):
        assert needle not in key_file
    assert (d / "authority.key").stat().st_mode & 0o777 == 0o600

    out = tmp_path / "c.cert"
    r = run("issue", device.request, "--level", "CONFIDENTIAL", "--out", out, "--dir", d)
    assert r.rc == 0, r.err
    pk = b64d(pub["public_key"], size=32)
    assert SignedCertificate.parse(out.read_bytes()).verify(pk, NOW).level == "CONFIDENTIAL"
    assert run("revoke", "1", "--dir", d).rc == 0
    assert run("crl", "--out", tmp_path / "crl", "--dir", d).rc == 0
    crl = RevocationList.verify((tmp_path / "crl").read_bytes(), pk)
    assert crl.serial == 1 and crl.revoked_serials == {1}
    r = run("show", d / "authority.key")
    assert r.rc == 0 and "OS keyring" in r.out


@pytest.mark.parametrize("broken", [fail.Keyring, LockedKeyring, ForgetfulKeyring])
def test_keyring_that_does_not_work(run: Any, tmp_path: Path, assert_error: Any,
                                    broken: type[KeyringBackend]) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(broken())
    try:
        r = run("init", "--keyring", "--out", tmp_path / "ca")
    finally:
        keyring.set_keyring(previous)
    assert_error(r, "keyring", "passphrase", "without --keyring")
    assert not (tmp_path / "ca").exists()


def test_key_missing_from_keyring(backend: MemoryKeyring, run: Any, tmp_path: Path,
                                  device: Any, assert_error: Any) -> None:
    d = tmp_path / "ca"
    assert run("init", "--keyring", "--out", d).rc == 0
    backend.items.clear()
    assert_error(run("issue", device.request, "--level", "SECRET", "--out", tmp_path / "c",
                     "--dir", d), "keyring holds no key")
    keyring.set_keyring(LockedKeyring())
    assert_error(run("crl", "--out", tmp_path / "crl", "--dir", d), "cannot read",
                 "locked")
    assert not (tmp_path / "c").exists() and not (tmp_path / "crl").exists()


def test_keyring_key_of_another_authority(backend: MemoryKeyring, run: Any, tmp_path: Path,
                                          device: Any, assert_error: Any) -> None:
    d = tmp_path / "ca"
    assert run("init", "--keyring", "--out", d).rc == 0
    (service, username), _ = next(iter(backend.items.items()))
    backend.items[(service, username)] = "A" * 43  # a valid-looking but different seed
    assert_error(run("issue", device.request, "--level", "SECRET", "--out", tmp_path / "c",
                     "--dir", d), "does not belong")
