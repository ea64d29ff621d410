"""Fixtures for the ``renkei`` CLI tests: run ``main`` in-process against a real server.

The world helpers are shared with the sync tests (``tests/sync/worldlib.py``, loaded by path:
the suite runs with ``--import-mode=importlib``).
"""

from __future__ import annotations

import importlib.util
import io
import secrets
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import keyring
import pytest

from client.cli import main

SYNC_TESTS = Path(__file__).resolve().parents[1] / "sync"


def _load(name: str) -> ModuleType:
    modname = f"renkei_tests_sync_{name}"
    if modname in sys.modules:
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, SYNC_TESTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    return mod


worldlib = _load("worldlib")


@dataclass(frozen=True)
class Result:
    rc: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENKEI_TEST_FAST_KDF", "1")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("RENKEI_HOME", raising=False)


@pytest.fixture
def run() -> Run:
    """``main(argv)`` with captured output; asserts no traceback ever reaches the user."""

    def _run(*argv: str | Path, stdin: str | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        old_stdin = sys.stdin
        if stdin is not None:
            sys.stdin = _Stdin(stdin)
        try:
            rc = main([str(a) for a in argv], out=out, err=err)
        finally:
            sys.stdin = old_stdin
        assert "Traceback" not in err.getvalue()
        return Result(rc, out.getvalue(), err.getvalue())

    return _run


class _Stdin(io.TextIOWrapper):
    def __init__(self, text: str) -> None:
        super().__init__(io.BytesIO(text.encode("utf-8")), encoding="utf-8")

    def isatty(self) -> bool:
        return False


def assert_error(r: Result, code: int, *fragments: str) -> None:
    assert r.rc == code, (r.rc, r.out, r.err)
    lines = r.err.strip().splitlines()
    assert lines and lines[-1].startswith("renkei: error: "), r.err
    assert len([ln for ln in lines if ln.startswith("renkei: error: ")]) == 1, r.err
    for f in fragments:
        assert f.lower() in lines[-1].lower(), (f, lines[-1])


@pytest.fixture
def error() -> Callable[..., None]:
    return assert_error


@pytest.fixture
def memory_keyring() -> Iterator[Any]:
    previous = keyring.get_keyring()
    kr = worldlib.MemoryKeyring()
    keyring.set_keyring(kr)
    try:
        yield kr
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def cli_authority() -> Any:
    return worldlib.Authority()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, cli_authority: Any) -> Iterator[Any]:
    base = tmp_path_factory.mktemp("cli-server")
    proc = worldlib.ServerProc(base / "data", cli_authority.write_pub(base / "authority.pub"))
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@dataclass
class Account:
    """An account made through the CLI, enrolled by the test authority."""

    dir: Path
    user: str
    pwfile: Path

    def args(self, *argv: str | Path) -> list[str | Path]:
        return ["--account", self.dir, "--passphrase-file", self.pwfile, *argv]


@pytest.fixture
def pwfile(tmp_path: Path) -> Path:
    f = tmp_path / "passphrase.txt"
    f.write_text(worldlib.PASSPHRASE + "\n", encoding="utf-8")
    return f


@pytest.fixture
def enrol(tmp_path: Path, run: Run, server: Any, cli_authority: Any,
          pwfile: Path) -> Callable[..., Account]:
    """``renkei account create`` + the authority issuing + ``renkei account import-cert``."""
    tag = secrets.token_hex(3)
    pub = cli_authority.write_pub(tmp_path / "authority.pub")

    def make(name: str, level: str, *, org: str = "org-a", compartments: tuple[str, ...] = (),
             roles: tuple[str, ...] = ()) -> Account:
        user = f"{name}-{tag}"
        d = tmp_path / f"acct-{user}"
        r = run("--account", d, "account", "create", "--server", server.url, "--authority",
                pub, "--user", user, "--name", name.title(), "--org", org,
                "--passphrase-file", pwfile)
        assert r.rc == 0, r.err
        sc = cli_authority.issue((d / "enrolment.json").read_bytes(), level,
                                 compartments=compartments, roles=roles)
        cert = tmp_path / f"{user}.cert.json"
        cert.write_bytes(sc.to_bytes())
        r = run("--account", d, "account", "import-cert", cert)
        assert r.rc == 0, r.err
        return Account(d, user, pwfile)

    return make
