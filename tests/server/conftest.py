"""Fixtures for the server tests: a synthetic authority, devices, rooms, and a signed-request
client. Every test that takes ``backend`` runs on SQLite and on PostgreSQL (the latter only
when RENKEI_TEST_PG_URL is set; CI sets it, see tools/pg_test.sh)."""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from crypto import authority as auth_keys
from crypto.certs import (
    EnrolmentRequest,
    Revocation,
    RevocationList,
    SignedCertificate,
    issue_certificate,
)
from crypto.envelope import Envelope, new_header, seal_direct, seal_group
from crypto.groupkeys import EpochKey, KeyDelivery, new_epoch_key, seal_epoch_key
from crypto.identity import DeviceKeys
from crypto.membership import GENESIS, SignedEvent, make_event
from crypto.requests import sign_request
from intel.markings import Policy
from server.app import create_app
from server.config import Limits, ServerConfig

PG_URL = os.environ.get("RENKEI_TEST_PG_URL")


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# -- synthetic PKI ------------------------------------------------------------------------
@dataclass
class Device:
    keys: DeviceKeys
    signed: SignedCertificate

    @property
    def cert(self) -> Any:
        return self.signed.cert

    @property
    def device_id(self) -> str:
        return self.keys.device_id

    @property
    def user_id(self) -> str:
        return str(self.signed.cert.user_id)


@dataclass
class Room:
    room_id: str
    events: list[SignedEvent] = field(default_factory=list)

    @property
    def head(self) -> str:
        return self.events[-1].hash if self.events else GENESIS


class World:
    """An authority and the devices, rooms and documents it certifies (all synthetic)."""

    def __init__(self) -> None:
        self.authority = auth_keys.generate()
        self.public = auth_keys.public_of(self.authority)
        self.policy = Policy.default()
        self._serial = 0

    def device(self, user: str, *, org: str = "org-a", level: str = "SECRET",
               compartments: tuple[str, ...] = (), roles: tuple[str, ...] = (),
               not_before: int | None = None, not_after: int | None = None,
               authority: Any = None) -> Device:
        keys = DeviceKeys.generate()
        now = int(time.time())
        req = EnrolmentRequest.verify(EnrolmentRequest.create(keys, user, f"Test {user}", org,
                                                              now))
        self._serial += 1
        nb = now - 3600 if not_before is None else not_before
        na = now + 86400 if not_after is None else not_after
        signed = issue_certificate(authority or self.authority, req, serial=self._serial,
                                   level=level, compartments=compartments, roles=roles,
                                   not_before=nb, not_after=na, now=now, policy=self.policy)
        return Device(keys, signed)

    def crl(self, serial: int, revoked: list[Device]) -> dict[str, Any]:
        now = int(time.time())
        return RevocationList.sign(self.authority, serial, now, [
            Revocation(d.cert.serial, d.device_id, now - 1, "test") for d in revoked
        ]).to_dict()

    def event(self, dev: Device, room: Room, type: str, **kw: Any) -> SignedEvent:
        ev = make_event(dev.keys, dev.cert, room_id=room.room_id, index=len(room.events),
                        prev=room.head, type=type, created=now_ms(), **kw)  # type: ignore[arg-type]
        return ev

    def envelope(self, dev: Device, room: str, label: str, *, body: bytes = b"synthetic",
                 to: list[Device] | None = None, seq: int = 1,
                 key: bytes | None = None) -> Envelope:
        h = new_header(room=room, sender=dev.device_id, seq=seq, label=label,
                       epoch=0 if to else 1, created=now_ms(), ctype="text/plain",
                       mode="direct" if to else "group")
        if to:
            return seal_direct(h, body, dev.keys, [(d.device_id, d.keys.public.enc_pk)
                                                   for d in to])
        return seal_group(h, body, key or bytes(32), dev.keys)

    def deliveries(self, sender: Device, room: str, label: str,
                   recipients: list[Device]) -> tuple[EpochKey, list[KeyDelivery]]:
        ek = new_epoch_key(room, label, 1, sender.device_id, now_ms())
        return ek, seal_epoch_key(ek, sender.keys, [r.cert for r in recipients])


@pytest.fixture
def world() -> World:
    return World()


# -- backends -----------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not PG_URL:
        pytest.skip("RENKEI_TEST_PG_URL is not set (see tools/pg_test.sh)")
    return str(request.param)


def pg_url_with_schema(schema: str) -> str:
    assert PG_URL
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def database_url(backend: str) -> Iterator[str | None]:
    """A fresh PostgreSQL schema per test (None on SQLite)."""
    if backend != "postgres":
        yield None
        return
    import psycopg

    schema = "t_" + secrets.token_hex(6)
    assert PG_URL
    with psycopg.connect(PG_URL, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    try:
        yield pg_url_with_schema(schema)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def make_config(tmp_path: Path, world: World,
                database_url: str | None) -> Callable[..., ServerConfig]:
    def make(name: str = "srv", **limits: Any) -> ServerConfig:
        return ServerConfig(authority=world.public, data_dir=tmp_path / name,
                            database_url=database_url, limits=Limits(**limits))
    return make


# -- signed-request client ----------------------------------------------------------------
class Client:
    """Signs each request with a device's request key, as the sync engine does."""

    def __init__(self, http: httpx.AsyncClient, dev: Device) -> None:
        self.http = http
        self.dev = dev

    async def request(self, method: str, path: str, *, json_body: Any = None,
                      content: bytes | None = None, params: dict[str, Any] | None = None,
                      ts: int | None = None, nonce: str | None = None,
                      sign_target: str | None = None, sign_body: bytes | None = None,
                      signer: Device | None = None,
                      timeout: float = 30) -> httpx.Response:
        body = content if content is not None else (
            json.dumps(json_body).encode() if json_body is not None else b"")
        target = path + ("?" + urlencode(params) if params else "")
        hdrs = sign_request((signer or self.dev).keys, method, sign_target or target,
                            body if sign_body is None else sign_body,
                            now_ms() if ts is None else ts, nonce)
        hdrs["X-Renkei-Device"] = self.dev.device_id
        hdrs["Content-Type"] = "application/json" if content is None else \
            "application/octet-stream"
        return await self.http.request(method, target, content=body, headers=hdrs,
                                       timeout=timeout)

    async def post(self, path: str, body: Any, **kw: Any) -> httpx.Response:
        return await self.request("POST", path, json_body=body, **kw)

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", path, **kw)

    async def register(self) -> httpx.Response:
        return await self.post("/v1/devices", {"certificate": self.dev.signed.to_dict()})

    async def sync(self, since: str = "0", timeout: int = 0) -> dict[str, Any]:
        r = await self.get("/v1/sync", params={"since": since, "timeout": timeout},
                           timeout=timeout + 30)
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data

    async def sync_all(self, since: str = "0") -> tuple[list[dict[str, Any]], str]:
        items: list[dict[str, Any]] = []
        while True:
            data = await self.sync(since)
            items.extend(data["items"])
            since = data["cursor"]
            if not data["more"]:
                return items, since

    async def post_envelope(self, env: Envelope) -> httpx.Response:
        return await self.post("/v1/envelopes", {"envelope": env.to_wire()})

    async def append(self, room: Room, ev: SignedEvent) -> httpx.Response:
        r = await self.post(f"/v1/rooms/{room.room_id}/events", ev.to_dict())
        if r.status_code == 200:
            room.events.append(ev)
        return r


@dataclass
class Harness:
    http: httpx.AsyncClient
    world: World
    app: Any

    def client(self, dev: Device) -> Client:
        return Client(self.http, dev)

    async def enrol(self, user: str, **kw: Any) -> Client:
        c = self.client(self.world.device(user, **kw))
        r = await c.register()
        assert r.status_code == 200, r.text
        return c

    async def room(self, admin: Client, room_id: str, members: Sequence[Client] = (),
                   ceiling: str = "SECRET//TLP:AMBER") -> Room:
        room = Room(room_id)
        ev = self.world.event(admin.dev, room, "create", name="Test room", ceiling=ceiling,
                              history="shared")
        r = await admin.append(room, ev)
        assert r.status_code == 200, r.text
        for m in members:
            if m.dev.user_id in {e.body.get("target") for e in room.events} or \
                    m.dev.user_id == admin.dev.user_id:
                continue
            ev = self.world.event(admin.dev, room, "invite", target=m.dev.user_id,
                                  role="member")
            r = await admin.append(room, ev)
            assert r.status_code == 200, r.text
        return room


@pytest.fixture
async def harness(world: World, make_config: Callable[..., ServerConfig]
                  ) -> AsyncIterator[Harness]:
    app = create_app(make_config())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://renkei.test") as http:
            yield Harness(http, world, app)
