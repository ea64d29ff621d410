"""Test worlds for the sync engine: an authority, people, accounts, engines, and servers.

Not a test module: ``conftest.py`` (here and in ``tests/cli``) and the helper scripts run in
subprocesses load it by path, because the suite runs with ``--import-mode=importlib``.

Everything is synthetic: generated keys, invented people (``analyst`` SECRET, ``responder``
CONFIDENTIAL, ``telecom`` UNCLASSIFIED, ...).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import keyring.backend
import nacl.pwhash
from nacl.signing import SigningKey

from crypto import authority as cauth
from crypto.authority import AuthorityPublic
from crypto.certs import (
    EnrolmentRequest,
    Revocation,
    RevocationList,
    SignedCertificate,
    issue_certificate,
)
from intel.markings import Policy
from store import items as store_items
from sync.account import Session, create_account, import_certificate, open_session
from sync.engine import Backoff, Engine

KDF = (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN)
PASSPHRASE = "synthetic passphrase for tests only"
FAST_BACKOFF = Backoff(base=0.02, cap=0.5)
REPO = Path(__file__).resolve().parents[2]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory OS keyring stand-in; tests install it with ``keyring.set_keyring``."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


# -- the authority -------------------------------------------------------------------------
@dataclass
class Authority:
    key: SigningKey = field(default_factory=cauth.generate)
    serials: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    crl_serials: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    revoked: list[Revocation] = field(default_factory=list)

    @property
    def pub(self) -> AuthorityPublic:
        return cauth.public_of(self.key)

    @property
    def fingerprint(self) -> str:
        return self.pub.fingerprint

    def write_pub(self, path: Path) -> Path:
        path.write_bytes(self.pub.to_bytes())
        return path

    def issue(self, request: bytes | dict[str, Any], level: str, *,
              compartments: Iterable[str] = (), roles: Iterable[str] = (),
              days: int = 30, now: int | None = None) -> SignedCertificate:
        t = int(time.time()) if now is None else now
        req = EnrolmentRequest.verify(request)
        return issue_certificate(self.key, req, serial=next(self.serials), level=level,
                                 compartments=compartments, roles=roles, not_before=t - 3600,
                                 not_after=t + days * 86400, now=t, policy=Policy.default())

    def revoke(self, sc: SignedCertificate, reason: str = "test") -> RevocationList:
        self.revoked.append(Revocation(sc.cert.serial, sc.cert.device_id, int(time.time()),
                                       reason))
        return RevocationList.sign(self.key, next(self.crl_serials), int(time.time()),
                                   self.revoked)


# -- a real server process -------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProc:
    """``renkei-server`` in a subprocess on a loopback port, with its own data directory.

    ``kill()`` is SIGKILL (no shutdown code runs); ``start()`` again reuses port and data.
    """

    def __init__(self, data_dir: Path, authority_file: Path, *, port: int | None = None,
                 extra: Iterable[str] = ("--rate", "0", "--anon-rate", "0"),
                 env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.authority_file = authority_file
        self.port = port or free_port()
        self.extra = list(extra)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"server-{self.port}.log"
        self.starts = 0
        self.env = env or {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "server.cli", "--data-dir", str(self.data_dir),
                "--authority", str(self.authority_file), "--host", "127.0.0.1",
                "--port", str(self.port), *self.extra]

    def start(self, timeout: float = 30.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.env)
        with self.log.open("ab") as logf:
            self.proc = subprocess.Popen(self.command(), stdout=logf, stderr=subprocess.STDOUT,
                                         env=env, cwd=REPO)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"renkei-server exited with {self.proc.returncode}:\n"
                                   + self.log.read_text(errors="replace")[-3000:])
            try:
                r = httpx.get(self.url + "/v1/health", timeout=1.0)
                if r.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("renkei-server did not become ready:\n"
                           + self.log.read_text(errors="replace")[-3000:])

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


# -- network faults ----------------------------------------------------------------------------
class FaultTransport(httpx.BaseTransport):
    """Wraps the real transport; faults are switched on by tests.

    ``down``: every request fails to connect. ``lose_answers``: that many of the next
    requests matching ``lose_path`` reach the server but their answers are lost. With
    ``chaos`` (a probability) and ``rng``, each request meets one fault at random: dropped
    before sending, delivered with the answer lost, delivered twice, held back and
    delivered later (after the client's retry), answered 503 without delivery, answer
    replaced by a 502, answer body truncated, or sync items shuffled.
    """

    KINDS = ("drop", "lose", "duplicate", "hold", "unavailable", "bad-gateway", "truncate",
             "shuffle")

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.down = False
        self.lose_answers = 0
        self.lose_path = "/v1/envelopes"
        self.chaos = 0.0
        self.rng: Any = None
        self.held: list[httpx.Request] = []
        self.counts: dict[str, int] = {}

    def _send(self, request: httpx.Request) -> httpx.Response:
        resp = self.inner.handle_request(request)
        resp.read()
        resp.close()
        return resp

    def _flush_held(self) -> None:
        held, self.held = self.held, []
        for req in held:
            with contextlib.suppress(httpx.HTTPError):
                self._send(req)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("network is down (test)", request=request)
        if self.lose_answers and request.url.path == self.lose_path:
            self.lose_answers -= 1
            self._send(request)
            raise httpx.ReadTimeout("answer lost (test)", request=request)
        if self.held and (self.rng is None or self.rng.random() < 0.5):
            self._flush_held()
        if not self.chaos or self.rng is None or self.rng.random() >= self.chaos:
            return self._send(request)
        kind = self.rng.choice(self.KINDS)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        request.read()
        if kind == "drop":
            raise httpx.ConnectError("dropped (chaos)", request=request)
        if kind == "unavailable":
            return httpx.Response(503, json={"error": "unavailable", "message": "chaos"})
        if kind == "hold":
            self.held.append(request)
            raise httpx.ReadTimeout("held back (chaos)", request=request)
        resp = self._send(request)
        if kind == "lose":
            raise httpx.ReadTimeout("answer lost (chaos)", request=request)
        if kind == "duplicate":
            with contextlib.suppress(httpx.HTTPError):
                self._send(request)
            return resp
        if kind == "bad-gateway":
            return httpx.Response(502, text="<html>bad gateway</html>")
        headers = [(k, v) for k, v in resp.headers.items() if k.lower() != "content-length"]
        body = resp.content
        if kind == "truncate" and len(body) > 2:
            return httpx.Response(resp.status_code, headers=headers,
                                  content=body[: self.rng.randrange(1, len(body))])
        if kind == "shuffle" and request.url.path == "/v1/sync" and resp.status_code == 200:
            doc = json.loads(body)
            self.rng.shuffle(doc["items"])
            return httpx.Response(200, headers=headers, content=json.dumps(doc).encode())
        return httpx.Response(resp.status_code, headers=headers, content=body)

    def close(self) -> None:
        self.inner.close()


# -- people ------------------------------------------------------------------------------------
@dataclass
class Person:
    world: World
    user: str
    directory: Path
    signed_cert: SignedCertificate
    session: Session | None = None
    engine: Engine | None = None
    faults: FaultTransport | None = None

    @property
    def s(self) -> Session:
        assert self.session is not None, f"{self.user} is not open"
        return self.session

    @property
    def e(self) -> Engine:
        assert self.engine is not None, f"{self.user} is not open"
        return self.engine

    @property
    def device_id(self) -> str:
        return self.signed_cert.cert.device_id

    def open(self, transport: httpx.BaseTransport | None = None) -> Person:
        self.close()
        self.session = open_session(self.directory, passphrase=self.world.passphrase(),
                                    clock=self.world.clock)
        if transport is None and self.world.transport_factory is not None:
            transport = self.world.transport_factory(self)
        if transport is None:
            transport = self.faults = FaultTransport()
        self.engine = Engine(self.session, transport=transport, backoff=FAST_BACKOFF)
        return self

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
        if self.session is not None:
            self.session.close()
        self.engine = self.session = None

    def sync(self) -> int:
        """Send what is queued and fetch until the server has nothing more."""
        self.e.flush_outbox()
        return self.e.catch_up()

    def bodies(self, room: str) -> list[str]:
        return [i.body for i in store_items.list_items(self.s.conn, room, 0, 10_000)
                if i.status == "ok" and i.kind == "message"]

    def items(self, room: str) -> list[Any]:
        return store_items.list_items(self.s.conn, room, 0, 10_000)


class World:
    """Makes people with accounts on one authority, pointed at ``server_url``."""

    def __init__(self, base: Path, authority: Authority, server_url: str, *,
                 secrets_mode: str = "passphrase",
                 transport_factory: Callable[[Person], httpx.BaseTransport] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.base = base
        self.authority = authority
        self.server_url = server_url
        self.secrets_mode = secrets_mode
        self.transport_factory = transport_factory
        self.clock = clock
        self.people: list[Person] = []
        self.tag = secrets.token_hex(3)

    def passphrase(self) -> str | None:
        return PASSPHRASE if self.secrets_mode == "passphrase" else None

    def person(self, name: str, level: str, *, compartments: Iterable[str] = (),
               roles: Iterable[str] = (), org: str = "org-a", display: str | None = None,
               register: bool = True, unique: bool = False) -> Person:
        user = f"{name}-{self.tag}" if unique else name
        d = self.base / f"acct-{user}-{secrets.token_hex(2)}"
        req = create_account(d, server_url=self.server_url, authority=self.authority.pub,
                             user_id=user, display_name=display or name.title(), org=org,
                             secrets=self.secrets_mode,  # type: ignore[arg-type]
                             passphrase=self.passphrase(), now=int(time.time()), kdf=KDF)
        sc = self.authority.issue(req.read_bytes(), level, compartments=compartments,
                                  roles=roles)
        import_certificate(d, sc.to_bytes(), now=int(time.time()))
        p = Person(self, user, d, sc)
        self.people.append(p)
        p.open()
        if register:
            p.e.register()
        return p

    def sync_all(self, people: Iterable[Person] | None = None, rounds: int = 3) -> None:
        """Flush and catch up everyone, a few rounds so replies to replies settle."""
        group = list(people) if people is not None else [p for p in self.people if p.session]
        for _ in range(rounds):
            for p in group:
                p.sync()

    def close(self) -> None:
        for p in self.people:
            with contextlib.suppress(Exception):
                p.close()


def outbox_bodies(session: Session) -> list[dict[str, Any]]:
    """Everything a session has queued or sent, as (path, body) documents."""
    rows = session.conn.execute("SELECT payload FROM outbox ORDER BY created_ms, rowid")
    return [json.loads(bytes(r[0])) for r in rows]
