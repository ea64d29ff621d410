"""Fixtures for the sync engine tests: synthetic authorities, people, a real server process
and an in-memory relay double.

Helpers live in ``worldlib.py`` and ``relay.py`` beside this file and are loaded by path (the
suite runs with ``--import-mode=importlib``, so test modules cannot import each other); tests
reach them through the ``wl`` and ``relay_mod`` fixtures.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import keyring
import pytest

HERE = Path(__file__).resolve().parent


def load_helper(name: str) -> ModuleType:
    """Load ``tests/sync/<name>.py`` once per process under a name no other area uses."""
    modname = f"renkei_tests_sync_{name}"
    if modname in sys.modules:
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    return mod


worldlib = load_helper("worldlib")
relaylib = load_helper("relay")


@pytest.fixture(scope="session")
def wl() -> ModuleType:
    return worldlib


@pytest.fixture(scope="session")
def relay_mod() -> ModuleType:
    return relaylib


@pytest.fixture
def memory_keyring() -> Iterator[Any]:
    """An in-memory OS keyring, set explicitly and removed afterwards."""
    previous = keyring.get_keyring()
    kr = worldlib.MemoryKeyring()
    keyring.set_keyring(kr)
    try:
        yield kr
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def authority() -> Any:
    return worldlib.Authority()


# -- the relay double ----------------------------------------------------------------------
@pytest.fixture
def relay(authority: Any) -> Any:
    return relaylib.Relay(authority.pub.public_key)


@pytest.fixture
def relay_world(tmp_path: Path, authority: Any, relay: Any) -> Iterator[Any]:
    w = worldlib.World(tmp_path, authority, "http://relay.invalid",
                       transport_factory=lambda _p: relay.transport())
    try:
        yield w
    finally:
        w.close()


# -- a real server process -----------------------------------------------------------------
@pytest.fixture(scope="session")
def server_authority() -> Any:
    return worldlib.Authority()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, server_authority: Any) -> Iterator[Any]:
    """One ``renkei-server`` per test session (per xdist worker); tests use unique users."""
    base = tmp_path_factory.mktemp("server")
    proc = worldlib.ServerProc(base / "data", server_authority.write_pub(base / "authority.pub"))
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def world(tmp_path: Path, server: Any, server_authority: Any) -> Iterator[Any]:
    w = worldlib.World(tmp_path, server_authority, server.url)
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def own_server(tmp_path: Path, authority: Any) -> Iterator[Any]:
    """A server of this test alone (its data directory is inspected or it gets killed)."""
    proc = worldlib.ServerProc(tmp_path / "server-data",
                               authority.write_pub(tmp_path / "authority.pub"))
    proc.start()
    try:
        yield proc
    finally:
        proc.kill()


@pytest.fixture
def dev_world(tmp_path: Path, authority: Any, relay: Any) -> Iterator[Any]:
    w = worldlib.World(tmp_path, authority, "http://relay.invalid",
                       transport_factory=lambda _p: relay.transport())
    w.relay = relay
    try:
        yield w
    finally:
        w.close()
