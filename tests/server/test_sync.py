"""Long-poll semantics: immediate wake-up, timeouts, revocation cut-off, cursor guarantees,
idempotent posts."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from tests.server.conftest import Client, Harness
from tests.server.test_auth import err
from tests.server.test_routing import CONF, envelope_ids, post

pytestmark = pytest.mark.anyio


async def until_waiting(harness: Harness, c: Client, n: int = 1) -> None:
    hub = harness.app.state.core.hub
    for _ in range(2000):
        if hub.waiting(c.dev.device_id) >= n:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the long-poll never started waiting")


async def test_long_poll_is_woken_by_a_post(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob")
    room = await harness.room(admin, "room-wake", [bob])
    _, cursor = await bob.sync_all()
    poll = asyncio.create_task(bob.sync(cursor, timeout=60))
    await until_waiting(harness, bob)
    eid = await post(admin, w.envelope(admin.dev, room.room_id, CONF))
    # Well before the 60 s timeout: the post itself must have woken the poll.
    data = await asyncio.wait_for(poll, 20)
    assert envelope_ids(data["items"]) == {eid}
    assert int(data["cursor"]) > int(cursor)


async def test_long_poll_times_out_empty(harness: Harness) -> None:
    bob = await harness.enrol("bob")
    _, cursor = await bob.sync_all()
    data = await bob.sync(cursor, timeout=1)
    assert data == {"cursor": cursor, "items": [], "more": False}


async def test_unrelated_posts_do_not_answer_a_poll(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob", level="CONFIDENTIAL")
    room = await harness.room(admin, "room-quiet", [bob])
    other = await harness.room(admin, "room-other", [])
    _, cursor = await bob.sync_all()
    poll = asyncio.create_task(bob.sync(cursor, timeout=60))
    await until_waiting(harness, bob)
    await post(admin, w.envelope(admin.dev, other.room_id, CONF))
    await post(admin, w.envelope(admin.dev, room.room_id, "SECRET//TLP:AMBER", seq=2))
    await asyncio.sleep(0.2)
    assert not poll.done()
    eid = await post(admin, w.envelope(admin.dev, room.room_id, CONF, seq=3))
    data = await asyncio.wait_for(poll, 20)
    assert envelope_ids(data["items"]) == {eid}


async def test_revocation_cuts_an_open_long_poll(harness: Harness) -> None:
    bob = await harness.enrol("bob")
    _, cursor = await bob.sync_all()
    poll = asyncio.create_task(bob.get("/v1/sync", params={"since": cursor, "timeout": 60}))
    await until_waiting(harness, bob)
    r = await harness.http.post("/v1/crl",
                                json={"revocation_list": harness.world.crl(1, [bob.dev])})
    assert r.status_code == 200
    resp = await asyncio.wait_for(poll, 20)
    assert resp.status_code == 403 and err(resp) == "revoked"


async def test_new_certificates_and_crls_reach_everyone(harness: Harness) -> None:
    bob = await harness.enrol("bob")
    _, cursor = await bob.sync_all()
    carol = await harness.enrol("carol")
    r = await harness.http.post("/v1/crl", json={"revocation_list": harness.world.crl(1, [])})
    assert r.status_code == 200
    items, _ = await bob.sync_all(cursor)
    assert [i["kind"] for i in items] == ["certificate", "crl"]
    assert items[0]["certificate"]["certificate"]["device_id"] == carol.dev.device_id


async def test_nothing_skipped_or_repeated_under_concurrency(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    senders = [await harness.enrol(f"sender{i}") for i in range(4)]
    reader = await harness.enrol("reader")
    room = await harness.room(admin, "room-busy", [reader, *senders])
    _, cursor = await reader.sync_all()
    posted: set[str] = set()

    async def sender(c: Client) -> None:
        for seq in range(1, 41):
            posted.add(await post(c, w.envelope(c.dev, room.room_id, CONF, seq=seq)))
            if random.random() < 0.3:
                await asyncio.sleep(0)

    got: list[str] = []
    positions: list[int] = []
    done = asyncio.Event()

    async def read() -> None:
        nonlocal cursor
        while True:
            data = await reader.sync(cursor, timeout=1 if done.is_set() else 5)
            for item in data["items"]:
                positions.append(int(item["pos"]))
            got.extend(sorted(envelope_ids(data["items"])))
            assert int(data["cursor"]) >= int(cursor)
            cursor = data["cursor"]
            if done.is_set() and not data["items"] and not data["more"]:
                return

    reader_task = asyncio.create_task(read())
    await asyncio.gather(*(sender(s) for s in senders))
    done.set()
    await asyncio.wait_for(reader_task, 60)
    assert len(got) == len(set(got)) == 160
    assert set(got) == posted
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


async def test_idempotent_envelope_posts(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob")
    room = await harness.room(admin, "room-idem", [bob])
    env = w.envelope(admin.dev, room.room_id, CONF)
    first = await admin.post_envelope(env)
    again = await admin.post_envelope(env)
    assert first.status_code == again.status_code == 200
    assert first.json()["duplicate"] is False and again.json()["duplicate"] is True
    assert first.json()["cursor"] == again.json()["cursor"]
    items, _ = await bob.sync_all()
    assert len([i for i in items if i["kind"] == "envelope"]) == 1
    # Same id, different content: refused, never stored.
    from crypto.envelope import new_header, seal_group

    h = env.header_unverified()
    clash = seal_group(new_header(room=room.room_id, sender=admin.dev.device_id, seq=9,
                                  label=CONF, epoch=1, created=h.created, ctype="text/plain",
                                  envelope_id=h.id), b"other", bytes(32), admin.dev.keys)
    r = await admin.post_envelope(clash)
    assert r.status_code == 409 and err(r) == "envelope_conflict"
    # An event retried is a duplicate too.
    ev = w.event(admin.dev, room, "invite", target="carol", role="member")
    r1 = await admin.post(f"/v1/rooms/{room.room_id}/events", ev.to_dict())
    r2 = await admin.post(f"/v1/rooms/{room.room_id}/events", ev.to_dict())
    assert r1.status_code == r2.status_code == 200
    assert r2.json()["duplicate"] is True and r1.json()["id"] == r2.json()["id"]


async def test_bad_cursor_and_query(harness: Harness) -> None:
    bob = await harness.enrol("bob")
    r = await bob.get("/v1/sync", params={"since": "999999999", "timeout": 0})
    assert r.status_code == 400 and err(r) == "bad_cursor"
    r = await bob.get("/v1/sync", params={"since": "-1", "timeout": 0})
    assert r.status_code == 400 and err(r) == "invalid_request"
    r = await bob.get("/v1/sync", params={"since": "0", "timeout": 61})
    assert r.status_code == 400 and err(r) == "invalid_request"


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list(data["items"])
