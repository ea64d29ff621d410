"""Shared fixtures for the store tests: vault keys and paths, item factory, test keyrings."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from store.models import NewItem
from store.vault import Connection, close_vault, create_vault

_ids = itertools.count(1)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-process keyring; never touches the machine's real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class RaisingKeyring(keyring.backend.KeyringBackend):
    """A keyring whose every call raises ``exc`` (built per test)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise self.exc


@pytest.fixture
def use_keyring() -> Iterator[Any]:
    """Call with a backend instance to install it; restored to the failing backend after."""

    def install(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def memory_keyring(use_keyring: Any) -> MemoryKeyring:
    kr: MemoryKeyring = use_keyring(MemoryKeyring())
    return kr


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault.db"


@pytest.fixture
def vault(vault_path: Path, key: bytes) -> Iterator[Connection]:
    conn = create_vault(vault_path, key)
    yield conn
    close_vault(conn)


def make_item(**kw: Any) -> NewItem:
    n = next(_ids)
    fields: dict[str, Any] = {
        "item_id": f"env-{n:08d}-{secrets.token_hex(4)}",
        "room_id": "room-a",
        "kind": "message",
        "sender_device": "dev-alice-1",
        "sender_user": "alice",
        "sender_name": "Alice Example",
        "seq": n,
        "label": "CONFIDENTIAL//TLP:AMBER",
        "content_type": "text/plain",
        "created_ms": 1_700_000_000_000 + n,
        "received_ms": 1_700_000_000_500 + n,
        "title": "",
        "body": f"synthetic message {n}",
    }
    fields.update(kw)
    return NewItem(**fields)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its bytes, to prove nothing was changed."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def item() -> Any:
    """Factory: ``item(body=..., room_id=...)`` builds a valid NewItem with unique ids."""
    return make_item


@pytest.fixture
def snap() -> Any:
    """``snap(directory)``: a {path: bytes} snapshot of every file below ``directory``."""
    return snapshot


@pytest.fixture
def raising_keyring() -> type[RaisingKeyring]:
    """The class of a keyring that raises a given exception on every call."""
    return RaisingKeyring
