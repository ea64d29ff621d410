"""Request sessions: one signed request buys a MAC key; every request of the session is
bound like a signed one, and nothing about it can be forged, stretched or replayed."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from crypto import primitives as p
from crypto.encoding import b64d, b64e
from crypto.errors import AuthenticationFailed
from crypto.sessions import check_request_mac, mac_request, new_token, open_key
from tests.server.conftest import Client, Harness, now_ms

pytestmark = pytest.mark.anyio


async def start(c: Client) -> tuple[str, bytes, int]:
    r = await c.post("/v1/sessions", {})
    assert r.status_code == 200, r.text
    doc = r.json()
    return doc["token"], open_key(c.dev.keys, doc["token"], doc["key"]), doc["expires_ms"]


async def in_session(c: Client, token: str, key: bytes, method: str, path: str,
                     body: bytes = b"", *, device: str | None = None, ts: int | None = None,
                     nonce: str | None = None, mac_body: bytes | None = None,
                     mac_path: str | None = None) -> httpx.Response:
    hdrs = mac_request(device or c.dev.device_id, token, key, method, mac_path or path,
                       body if mac_body is None else mac_body,
                       now_ms() if ts is None else ts, nonce)
    hdrs["Content-Type"] = "application/json"
    return await c.http.request(method, path, content=body, headers=hdrs)


def err(r: httpx.Response) -> str:
    code: str = r.json()["error"]
    return code


async def test_a_session_serves_reads_and_posts(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    token, key, expires = await start(alice)
    assert now_ms() < expires <= now_ms() + 900_000 + 5_000
    r = await in_session(alice, token, key, "GET", "/v1/sync?since=0&timeout=0")
    assert r.status_code == 200 and "cursor" in r.json()
    room = await harness.room(alice, "room-sessions")
    env = harness.world.envelope(alice.dev, room.room_id, "SECRET//TLP:AMBER")
    body = json.dumps({"envelope": env.to_wire()}).encode()
    r = await in_session(alice, token, key, "POST", "/v1/envelopes", body)
    assert r.status_code == 200, r.text
    assert r.json()["duplicate"] is False


async def test_the_key_is_sealed_to_the_device(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    bob = await harness.enrol("bob")
    r = await alice.post("/v1/sessions", {})
    doc = r.json()
    with pytest.raises(AuthenticationFailed):
        open_key(bob.dev.keys, doc["token"], doc["key"])  # another device cannot read it
    with pytest.raises(AuthenticationFailed):
        open_key(alice.dev.keys, new_token(doc["expires_ms"]), doc["key"])  # other token
    raw = bytearray(b64d(doc["key"]))
    raw[-1] ^= 1
    with pytest.raises(AuthenticationFailed):
        open_key(alice.dev.keys, doc["token"], b64e(bytes(raw)))


async def test_forged_stretched_or_borrowed_sessions_are_refused(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    bob = await harness.enrol("bob")
    token, key, expires = await start(alice)
    path = "/v1/sync?since=0&timeout=0"
    # A made-up key, or the right key with a token whose expiry was pushed back.
    r = await in_session(alice, token, bytes(32), "GET", path)
    assert r.status_code == 401 and err(r) == "bad_session"
    later = f"{expires + 3_600_000}.{token.split('.')[1]}"
    r = await in_session(alice, later, key, "GET", path)
    assert r.status_code == 401 and err(r) == "bad_session"
    # Alice's session presented as Bob's device.
    r = await in_session(bob, token, key, "GET", path)
    assert r.status_code == 401 and err(r) == "bad_session"
    r = await in_session(alice, "not-a-token", key, "GET", path)
    assert r.status_code == 401 and err(r) == "bad_session"


async def test_each_request_is_bound_and_fresh(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    token, key, _ = await start(alice)
    room = await harness.room(alice, "room-bound")
    env = harness.world.envelope(alice.dev, room.room_id, "SECRET//TLP:AMBER")
    body = json.dumps({"envelope": env.to_wire()}).encode()
    # The MAC covers the body and the path with its query.
    r = await in_session(alice, token, key, "POST", "/v1/envelopes", body, mac_body=b"{}")
    assert r.status_code == 401 and err(r) == "bad_session"
    r = await in_session(alice, token, key, "GET", "/v1/sync?since=0&timeout=0",
                         mac_path="/v1/sync?since=5&timeout=0")
    assert r.status_code == 401 and err(r) == "bad_session"
    # Stale time, then a replayed nonce.
    r = await in_session(alice, token, key, "GET", "/v1/sync?since=0&timeout=0",
                         ts=now_ms() - 3_600_000)
    assert r.status_code == 401 and err(r) == "stale_request"
    ok = await in_session(alice, token, key, "GET", "/v1/sync?since=0&timeout=0",
                          nonce="nonce-once-123")
    again = await in_session(alice, token, key, "GET", "/v1/sync?since=0&timeout=0",
                             nonce="nonce-once-123")
    assert ok.status_code == 200 and again.status_code == 401 and err(again) == "replayed"


async def test_an_expired_session_is_refused(harness: Harness,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    alice = await harness.enrol("alice")
    token, key, expires = await start(alice)
    import server.core as core_mod

    monkeypatch.setattr(core_mod, "now_ms", lambda: expires + 1)
    r = await in_session(alice, token, key, "GET", "/v1/sync?since=0&timeout=0",
                         ts=expires + 1)
    assert r.status_code == 401 and err(r) == "session_expired"


async def test_a_session_starts_only_from_a_signed_request(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    token, key, _ = await start(alice)
    r = await in_session(alice, token, key, "POST", "/v1/sessions", b"{}")
    assert r.status_code == 401 and err(r) == "signature_required"
    stranger = harness.client(harness.world.device("stranger"))  # never registered
    r = await stranger.post("/v1/sessions", {})
    assert r.status_code == 401


async def test_revocation_cuts_off_a_live_session(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    token, key, _ = await start(alice)
    authority = harness.world
    r = await harness.http.post("/v1/crl", json={"revocation_list": authority.crl(1, [alice.dev])})
    assert r.status_code == 200, r.text
    r = await in_session(alice, token, key, "GET", "/v1/sync?since=0&timeout=0")
    assert r.status_code in (401, 403) and err(r) == "revoked"


def test_a_mac_holds_only_under_its_own_key_and_for_its_own_request() -> None:
    key, other = p.random_bytes(32), p.random_bytes(32)
    dev, ts, nonce = "d" + "0" * 32, int(time.time() * 1000), "n" * 16
    h = mac_request(dev, "1.AAAAAAAAAAAAAAAAAAAAAA", key, "GET", "/v1/sync", b"", ts, nonce)
    assert set(h) == {"X-Renkei-Device", "X-Renkei-Time", "X-Renkei-Nonce",
                      "X-Renkei-Session", "X-Renkei-Mac"}
    mac = b64d(h["X-Renkei-Mac"])
    check_request_mac(key, dev, "GET", "/v1/sync", p.hash32(b""), ts, nonce, mac)
    for args in ((other, dev, "GET", "/v1/sync", p.hash32(b""), ts, nonce),
                 (key, dev, "POST", "/v1/sync", p.hash32(b""), ts, nonce),
                 (key, dev, "GET", "/v1/sync", p.hash32(b"x"), ts, nonce),
                 (key, dev, "GET", "/v1/sync", p.hash32(b""), ts + 1, nonce)):
        with pytest.raises(AuthenticationFailed):
            check_request_mac(*args, mac)
