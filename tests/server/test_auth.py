"""Request authentication: forgery, replay, stale requests, certificates and revocation."""

from __future__ import annotations

import time

import pytest

from crypto import authority as auth_keys
from crypto import primitives as p
from crypto.requests import sign_request
from server.auth import check_signature_digest
from server.errors import ApiError
from tests.server.conftest import Harness, now_ms

pytestmark = pytest.mark.anyio


def err(r: object) -> str:
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "message"}
    return str(body["error"])


async def test_missing_headers_are_refused(harness: Harness) -> None:
    r = await harness.http.get("/v1/directory")
    assert r.status_code == 401 and err(r) == "unauthenticated"


async def test_signed_request_is_accepted(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    r = await alice.get("/v1/directory")
    assert r.status_code == 200
    ids = {c["certificate"]["device_id"] for c in r.json()["certificates"]}
    assert alice.dev.device_id in ids


async def test_wrong_key_and_other_devices_signature(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    bob = await harness.enrol("bob")
    # Signed by bob's request key while claiming to be alice.
    r = await alice.get("/v1/directory", signer=bob.dev)
    assert r.status_code == 401 and err(r) == "bad_signature"
    # A key nobody registered.
    stranger = harness.world.device("mallory")
    r = await alice.get("/v1/directory", signer=stranger)
    assert r.status_code == 401 and err(r) == "bad_signature"


async def test_unknown_device(harness: Harness) -> None:
    stranger = harness.client(harness.world.device("mallory"))
    r = await stranger.get("/v1/directory")
    assert r.status_code == 401 and err(r) == "unknown_device"


async def test_stale_and_future_timestamps(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    r = await alice.get("/v1/directory", ts=now_ms() - 10 * 60 * 1000)
    assert r.status_code == 401 and err(r) == "stale_request"
    r = await alice.get("/v1/directory", ts=now_ms() + 10 * 60 * 1000)
    assert r.status_code == 401 and err(r) == "stale_request"


async def test_reused_nonce(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    r = await alice.get("/v1/rooms", nonce="nonce-0123456789")
    assert r.status_code == 200
    r = await alice.get("/v1/rooms", nonce="nonce-0123456789")
    assert r.status_code == 401 and err(r) == "replayed"


async def test_exact_replay_of_headers_is_refused(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    hdrs = sign_request(alice.dev.keys, "GET", "/v1/rooms", b"", now_ms())
    assert (await harness.http.get("/v1/rooms", headers=hdrs)).status_code == 200
    r = await harness.http.get("/v1/rooms", headers=hdrs)
    assert r.status_code == 401 and err(r) == "replayed"


async def test_signature_bound_to_path_query_and_body(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    r = await alice.get("/v1/rooms", sign_target="/v1/directory")
    assert r.status_code == 401 and err(r) == "bad_signature"
    r = await alice.get("/v1/sync", params={"since": "0", "timeout": "0"},
                        sign_target="/v1/sync?since=5&timeout=0")
    assert r.status_code == 401 and err(r) == "bad_signature"
    r = await alice.post("/v1/acks", {"room": "room-x", "envelope_id": "0" * 32},
                         sign_body=b'{"room": "room-y", "envelope_id": "' + b"0" * 32 + b'"}')
    assert r.status_code == 401 and err(r) == "bad_signature"
    # Method is bound too.
    hdrs = sign_request(alice.dev.keys, "POST", "/v1/rooms", b"", now_ms())
    r = await harness.http.get("/v1/rooms", headers=hdrs)
    assert r.status_code == 401 and err(r) == "bad_signature"


async def test_registration_needs_the_certified_devices_signature(harness: Harness) -> None:
    alice = harness.client(harness.world.device("alice"))
    other = harness.world.device("bob")
    r = await alice.post("/v1/devices", {"certificate": alice.dev.signed.to_dict()},
                         signer=other)
    assert r.status_code == 401 and err(r) == "bad_signature"
    # Presenting someone else's certificate under one's own device id.
    r = await alice.post("/v1/devices", {"certificate": other.signed.to_dict()})
    assert r.status_code == 401 and err(r) == "device_mismatch"


async def test_registration_is_idempotent(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    r = await alice.register()
    assert r.status_code == 200
    assert r.json() == {"device_id": alice.dev.device_id, "user_id": "alice"}
    r = await alice.get("/v1/directory")
    assert len(r.json()["certificates"]) == 1


async def test_foreign_expired_and_tampered_certificates(harness: Harness) -> None:
    w = harness.world
    foreign = harness.client(w.device("eve", authority=auth_keys.generate()))
    r = await foreign.register()
    assert r.status_code == 403 and err(r) == "foreign_certificate"
    now = int(time.time())
    expired = harness.client(w.device("old", not_before=now - 7200, not_after=now - 3600))
    r = await expired.register()
    assert r.status_code == 403 and err(r) == "certificate_expired"
    doc = w.device("carol", level="CONFIDENTIAL").signed.to_dict()
    doc["certificate"]["level"] = "TOP-SECRET"  # self-promotion breaks the signature
    carol = harness.client(w.device("carol"))
    r = await carol.post("/v1/devices", {"certificate": doc})
    assert r.status_code in (401, 403)
    r = await carol.post("/v1/devices", {"certificate": {"certificate": {}, "signature": ""}})
    assert r.status_code == 400 and err(r) == "bad_certificate"


async def test_revocation_refuses_device_and_rollback(harness: Harness) -> None:
    w = harness.world
    alice = await harness.enrol("alice")
    bob = await harness.enrol("bob")
    r = await harness.http.post("/v1/crl", json={"revocation_list": w.crl(2, [bob.dev])})
    assert r.status_code == 200 and r.json() == {"accepted": 1}
    r = await bob.get("/v1/rooms")
    assert r.status_code == 403 and err(r) == "revoked"
    assert (await alice.get("/v1/rooms")).status_code == 200
    # Re-registering a revoked certificate is refused too.
    r = await bob.register()
    assert r.status_code == 403 and err(r) == "revoked"
    # Same list again: accepted as a no-op; an older one: rollback refused.
    r = await harness.http.post("/v1/crl", json={"revocation_list": w.crl(2, [bob.dev])})
    assert r.status_code in (200, 409)
    r = await harness.http.post("/v1/crl", json={"revocation_list": w.crl(1, [])})
    assert r.status_code == 409 and err(r) == "crl_rollback"
    # A list not signed by the pinned authority.
    other = auth_keys.generate()
    from crypto.certs import RevocationList

    forged = RevocationList.sign(other, 9, int(time.time()), []).to_dict()
    r = await harness.http.post("/v1/crl", json={"revocation_list": forged})
    assert r.status_code == 403 and err(r) == "bad_signature"
    r = await alice.get("/v1/directory")
    assert r.json()["revocation_list"]["revocation_list"]["serial"] == 2


def test_streamed_digest_check_matches_crypto_requests() -> None:
    from crypto.identity import DeviceKeys

    keys = DeviceKeys.generate()
    body = b"x" * 1000
    ts = now_ms()
    hdrs = sign_request(keys, "POST", "/v1/attachments", body, ts, "nonce-abcdefgh")
    from crypto.encoding import b64d

    sig = b64d(hdrs["X-Renkei-Signature"])
    check_signature_digest(keys.public.auth_pk, keys.device_id, "POST", "/v1/attachments",
                           p.hash32(body), ts, "nonce-abcdefgh", sig)
    with pytest.raises(ApiError):
        check_signature_digest(keys.public.auth_pk, keys.device_id, "POST", "/v1/attachments",
                               p.hash32(body + b"!"), ts, "nonce-abcdefgh", sig)
