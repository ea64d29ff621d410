"""GET /v1/rooms/{room_id}/history: what a member of a shared-history room missed, under the
same label and direct-mode rules as live delivery; never for rooms that keep history."""

from __future__ import annotations

from typing import Any

import pytest

from crypto.envelope import Envelope
from sync.wire import SyncResponse
from tests.server.conftest import Client, Harness, Room
from tests.server.test_auth import err

pytestmark = pytest.mark.anyio
SECRET = "SECRET//TLP:AMBER"
CONF = "CONFIDENTIAL//TLP:AMBER"


def eid(item: dict[str, Any]) -> str:
    return Envelope.from_wire(item["envelope"]).header_unverified().id_hex


async def post(c: Client, env: Envelope) -> str:
    r = await c.post_envelope(env)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def history(c: Client, room: str, **params: Any) -> dict[str, Any]:
    r = await c.get(f"/v1/rooms/{room}/history", params=params or None)
    assert r.status_code == 200, r.text
    SyncResponse.model_validate_json(r.content)  # the wire shape of sync items
    data: dict[str, Any] = r.json()
    return data


async def all_history(c: Client, room: str, limit: int = 500) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        page = await history(c, room, **params)
        items.extend(page["items"])
        if not page["more"]:
            return items
        params["before"] = page["cursor"]


async def invite(h: Harness, admin: Client, room: Room, who: Client) -> None:
    r = await admin.append(room, h.world.event(admin.dev, room, "invite",
                                               target=who.dev.user_id, role="member"))
    assert r.status_code == 200, r.text


async def test_newcomers_get_what_they_missed_under_their_clearance(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin", level="SECRET")
    bob = await harness.enrol("bob", level="SECRET")
    low = await harness.enrol("low", level="CONFIDENTIAL")
    high = await harness.enrol("high", level="TOP-SECRET")
    room = await harness.room(admin, "room-hist", [bob])
    rid = room.room_id
    conf1 = await post(admin, w.envelope(admin.dev, rid, CONF, seq=1))
    secret1 = await post(admin, w.envelope(admin.dev, rid, SECRET, seq=2))
    to_bob = await post(admin, w.envelope(admin.dev, rid, CONF, to=[bob.dev], seq=3))
    await invite(harness, admin, room, low)
    await invite(harness, admin, room, high)
    conf2 = await post(admin, w.envelope(admin.dev, rid, CONF, seq=4))

    # The live feed starts at the invitation ...
    live = {eid(i) for i in (await low.sync_all())[0] if i["kind"] == "envelope"}
    assert live == {conf2}
    # ... and the history holds the rest, filtered as live delivery would be.
    got = await all_history(low, rid)
    assert [eid(i) for i in got] == [conf1]
    assert got[0]["room"] == rid and got[0]["label"] == CONF and got[0]["kind"] == "envelope"
    assert {eid(i) for i in await all_history(high, rid)} == {conf1, secret1}
    # A member from the start missed nothing; the direct envelope only ever reached bob.
    assert await all_history(bob, rid) == []
    assert to_bob in {eid(i) for i in (await bob.sync_all())[0] if i["kind"] == "envelope"}


async def test_history_pages_newest_first(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob")
    room = await harness.room(admin, "room-pages")
    ids = [await post(admin, w.envelope(admin.dev, room.room_id, CONF, seq=n))
           for n in range(1, 8)]
    await invite(harness, admin, room, bob)
    pages = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        page = await history(bob, room.room_id, **params)
        pages.append(page)
        if not page["more"]:
            break
        params["before"] = page["cursor"]
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    flat = [i for p in pages for i in p["items"]]
    positions = [int(i["pos"]) for i in flat]
    assert positions == sorted(positions, reverse=True)
    assert [eid(i) for i in flat] == ids[::-1]
    # `before` is exclusive, and the next page's bound is the last position given.
    assert pages[0]["cursor"] == flat[2]["pos"]
    mid = await history(bob, room.room_id, before=flat[3]["pos"])
    assert [eid(i) for i in mid["items"]] == ids[:3][::-1] and mid["more"] is False


async def test_rejoining_member_gets_only_the_time_away(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob")
    room = await harness.room(admin, "room-away")
    rid = room.room_id
    before_bob = await post(admin, w.envelope(admin.dev, rid, CONF, seq=1))
    await invite(harness, admin, room, bob)
    await post(admin, w.envelope(admin.dev, rid, CONF, seq=2))  # bob receives it live
    r = await admin.append(room, w.event(admin.dev, room, "remove", target="bob"))
    assert r.status_code == 200
    r = await bob.get(f"/v1/rooms/{rid}/history")
    assert r.status_code == 403 and err(r) == "not_member"
    away = await post(admin, w.envelope(admin.dev, rid, CONF, seq=3))
    await invite(harness, admin, room, bob)
    assert [eid(i) for i in await all_history(bob, rid)] == [away, before_bob]


async def test_refusals(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob")
    outsider = await harness.enrol("outsider")
    closed = Room("room-closed")
    r = await admin.append(closed, w.event(admin.dev, closed, "create", name="Closed",
                                           ceiling=SECRET, history="none"))
    assert r.status_code == 200
    await post(admin, w.envelope(admin.dev, closed.room_id, CONF))
    await invite(harness, admin, closed, bob)
    for c in (admin, bob):
        r = await c.get(f"/v1/rooms/{closed.room_id}/history")
        assert r.status_code == 403 and err(r) == "history_not_shared"
    shared = await harness.room(admin, "room-open", [bob])
    path = f"/v1/rooms/{shared.room_id}/history"
    r = await outsider.get(path)
    assert r.status_code == 403 and err(r) == "not_member"
    r = await bob.get("/v1/rooms/room-missing/history")
    assert r.status_code == 404 and err(r) == "no_such_room"
    r = await bob.get("/v1/rooms/channel:briefs/history")
    assert r.status_code == 400 and err(r) == "reserved_room"
    for params in ({"limit": 0}, {"limit": 501}, {"before": "-1"}, {"before": "x"},
                   {"before": "1" * 20}, {"since": "0"}):
        r = await bob.get(path, params=params)
        assert r.status_code == 400 and err(r) == "invalid_request", params
    r = await harness.http.get(path)
    assert r.status_code == 401 and err(r) == "unauthenticated"
    # The largest bound the pattern admits is answered, not a server error.
    page = await history(bob, shared.room_id, before="9" * 19, limit=500)
    assert page == {"cursor": "0", "items": [], "more": False}
