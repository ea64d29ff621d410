"""A self-contained Renkei world for demonstrations and end-to-end tests: an authority, a
sharing server on loopback, and enrolled people.

Everything lives under one base directory (never the user's real account): the authority key,
the server's data, one account directory per person. Demo accounts protect their keys with a
passphrase derived with the minimum Argon2id cost, because their passphrase is printed anyway.
Qt is not imported here.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crypto import authority as cauth
from crypto.certs import EnrolmentRequest, SignedCertificate, issue_certificate
from intel.markings import Policy
from store.secrets import MEMLIMIT_MIN, OPSLIMIT_MIN

__all__ = ["DEMO_PASSPHRASE", "FAST_KDF", "DemoAuthority", "DemoPerson", "DemoServer",
           "enrol", "free_port"]

DEMO_PASSPHRASE = "renkei-demo-2026"
FAST_KDF = (OPSLIMIT_MIN, MEMLIMIT_MIN)
_YEAR_S = 365 * 86400


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class DemoAuthority:
    """The clearance office: signs device certificates. Its key never leaves this object."""

    key: Any = field(default_factory=cauth.generate)
    serials: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def public(self) -> cauth.AuthorityPublic:
        return cauth.public_of(self.key)

    def write_public(self, path: Path) -> Path:
        path.write_bytes(self.public.to_bytes())
        return path

    def issue(self, request: bytes, level: str, *, compartments: Iterable[str] = (),
              roles: Iterable[str] = (), now: int | None = None) -> SignedCertificate:
        t = int(time.time()) if now is None else now
        return issue_certificate(self.key, EnrolmentRequest.verify(request),
                                 serial=next(self.serials), level=level,
                                 compartments=compartments, roles=roles,
                                 not_before=t - 3600, not_after=t + _YEAR_S, now=t,
                                 policy=Policy.default())


class DemoServer:
    """``renkei-server`` as a child process on a free loopback port (SQLite data dir)."""

    def __init__(self, data_dir: Path, authority_file: Path, *, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.authority_file = authority_file
        self.port = port or free_port()
        self.log_path = data_dir.parent / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "server.cli", "--data-dir", str(self.data_dir),
               "--authority", str(self.authority_file), "--host", "127.0.0.1",
               "--port", str(self.port), "--log-level", "warning"]
        with self.log_path.open("ab") as log:
            # Its own process group: Ctrl+C in the terminal reaches us, and we stop it.
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         env=dict(os.environ, PYTHONUNBUFFERED="1"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the demo server exited at once:\n" + self.log_tail())
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the demo server did not start in time:\n" + self.log_tail())

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@dataclass
class DemoPerson:
    key: str  # short name used for file names: "analyst", "executive", ...
    user_id: str
    display_name: str
    org: str
    level: str
    compartments: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    home_view: str = "analyst"
    directory: Path | None = None

    @property
    def account(self) -> Path:
        assert self.directory is not None, f"{self.key} is not enrolled"
        return self.directory


def enrol(base: Path, person: DemoPerson, authority: DemoAuthority, server_url: str,
          passphrase: str = DEMO_PASSPHRASE) -> DemoPerson:
    """Create the account, have the authority issue its certificate, import it."""
    from sync.account import create_account, import_certificate

    d = base / f"account-{person.key}"
    now = int(time.time())
    request = create_account(d, server_url=server_url, authority=authority.public,
                             user_id=person.user_id, display_name=person.display_name,
                             org=person.org, secrets="passphrase", passphrase=passphrase,
                             now=now, kdf=FAST_KDF)
    sc = authority.issue(request.read_bytes(), person.level, compartments=person.compartments,
                         roles=person.roles, now=now)
    import_certificate(d, sc.to_bytes(), now=now)
    person.directory = d
    return person
