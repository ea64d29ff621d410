"""Shared fixtures for the ``renkei-authority`` tests: run the CLI in-process, make devices."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from client.authority_cli import main
from crypto.authority import AuthorityPublic
from crypto.certs import EnrolmentRequest
from crypto.identity import DeviceKeys

NOW = 1_750_000_000
PASSPHRASE = "synthetic test passphrase 1"


@dataclass(frozen=True)
class Result:
    rc: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENKEI_TEST_FAST_KDF", "1")


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Runs ``main(argv)`` with a fixed clock; asserts nothing ever prints a traceback."""

    def _run(*argv: str | Path, now: int = NOW) -> Result:
        capsys.readouterr()
        rc = main([*map(str, argv), "--now", str(now)])
        cap = capsys.readouterr()
        assert "Traceback" not in cap.err and "Traceback" not in cap.out
        return Result(rc, cap.out, cap.err)

    return _run


@pytest.fixture
def pwfile(tmp_path: Path) -> Path:
    f = tmp_path / "passphrase.txt"
    f.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return f


@dataclass(frozen=True)
class Authority:
    dir: Path
    pwfile: Path

    @property
    def pub(self) -> AuthorityPublic:
        return AuthorityPublic.parse((self.dir / "authority.pub").read_bytes())

    def args(self, *argv: str | Path) -> list[str | Path]:
        """``--dir`` and ``--passphrase-file`` after the command name, as a script would."""
        return [*argv, "--dir", self.dir, "--passphrase-file", self.pwfile]


@pytest.fixture
def auth(tmp_path: Path, pwfile: Path, run: Run) -> Authority:
    d = tmp_path / "authority"
    r = run("init", "--out", d, "--passphrase-file", pwfile)
    assert r.rc == 0, r.err
    return Authority(d, pwfile)


@dataclass(frozen=True)
class Device:
    keys: DeviceKeys
    request: Path


NewDevice = Callable[..., Device]


@pytest.fixture
def new_device(tmp_path: Path) -> NewDevice:
    """A device that generates its keys and writes a signed enrolment request as JSON."""

    def make(user: str = "alice", org: str = "ministry-a",
             display: str = "Alice Example") -> Device:
        keys = DeviceKeys.generate()
        doc = EnrolmentRequest.create(keys, user, display, org, NOW - 60)
        path = tmp_path / f"{user}-{keys.device_id}.request.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        return Device(keys, path)

    return make


@pytest.fixture
def device(new_device: NewDevice) -> Device:
    return new_device()


def _assert_error(r: Result, *fragments: str) -> None:
    assert r.rc == 2, (r.rc, r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("renkei-authority: error: "), r.err
    for f in fragments:
        assert f.lower() in lines[0].lower(), (f, lines[0])


@pytest.fixture
def assert_error() -> Callable[..., None]:
    """Exit 2 and exactly one clear line on stderr naming the problem."""
    return _assert_error
