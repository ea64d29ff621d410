from __future__ import annotations

import pytest

from tests.server.conftest import Harness

pytestmark = pytest.mark.anyio


async def test_health(harness: Harness) -> None:
    r = await harness.http.get("/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


async def test_post_and_sync(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    bob = await harness.enrol("bob")
    room = await harness.room(alice, "room-one", [bob])
    env = harness.world.envelope(alice.dev, room.room_id, "SECRET//TLP:AMBER")
    r = await alice.post_envelope(env)
    assert r.status_code == 200, r.text
    items, cursor = await bob.sync_all()
    kinds = [i["kind"] for i in items]
    assert "envelope" in kinds


async def test_authority_is_published(harness: Harness) -> None:
    from crypto.authority import AuthorityPublic

    r = await harness.http.get("/v1/authority")
    assert r.status_code == 200
    assert AuthorityPublic.parse(r.content).fingerprint == harness.world.public.fingerprint
