"""Attachments: streamed, content-addressed, authenticated."""

from __future__ import annotations

import hashlib
import os

import pytest

from tests.server.conftest import Harness
from tests.server.test_auth import err

pytestmark = pytest.mark.anyio


async def test_upload_download_roundtrip(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    bob = await harness.enrol("bob")
    data = os.urandom(700_000)
    r = await alice.request("POST", "/v1/attachments", content=data)
    assert r.status_code == 200, r.text
    blob_id = hashlib.sha256(data).hexdigest()
    assert r.json() == {"id": blob_id, "size": len(data)}
    again = await alice.request("POST", "/v1/attachments", content=data)
    assert again.json() == r.json()
    got = await bob.get(f"/v1/attachments/{blob_id}")
    assert got.status_code == 200 and got.content == data
    missing = await bob.get("/v1/attachments/" + "0" * 64)
    assert missing.status_code == 404 and err(missing) == "no_such_attachment"
    bad = await bob.get("/v1/attachments/xyz")
    assert bad.status_code == 400


async def test_upload_with_bad_signature_is_not_stored(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    data = b"ciphertext bytes" * 100
    r = await alice.request("POST", "/v1/attachments", content=data, sign_body=b"other")
    assert r.status_code == 401 and err(r) == "bad_signature"
    blob_id = hashlib.sha256(data).hexdigest()
    assert (await alice.get(f"/v1/attachments/{blob_id}")).status_code == 404
    stranger = harness.client(harness.world.device("mallory"))
    r = await stranger.request("POST", "/v1/attachments", content=data)
    assert r.status_code == 401 and err(r) == "unknown_device"
    r = await harness.http.post("/v1/attachments", content=data)
    assert r.status_code == 401
