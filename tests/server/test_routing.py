"""Defence in depth: who may post what, and who receives which row."""

from __future__ import annotations

from typing import Any

import pytest

from crypto.membership import SignedEvent
from tests.server.conftest import Client, Harness
from tests.server.test_auth import err

pytestmark = pytest.mark.anyio
SECRET = "SECRET//TLP:AMBER"
CONF = "CONFIDENTIAL//TLP:AMBER"


def envelope_ids(items: list[dict[str, Any]]) -> set[str]:
    from crypto.envelope import Envelope

    return {Envelope.from_wire(i["envelope"]).header_unverified().id_hex
            for i in items if i["kind"] == "envelope"}


async def post(c: Client, env: Any) -> str:
    r = await c.post_envelope(env)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


async def test_label_routing_in_a_room(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin", level="SECRET")
    low = await harness.enrol("low", level="CONFIDENTIAL")
    high = await harness.enrol("high", level="TOP-SECRET")
    outsider = await harness.enrol("outsider", level="TOP-SECRET")
    room = await harness.room(admin, "room-labels", [low, high])
    secret = await post(admin, w.envelope(admin.dev, room.room_id, SECRET))
    conf = await post(admin, w.envelope(admin.dev, room.room_id, CONF))
    low_items, _ = await low.sync_all()
    high_items, _ = await high.sync_all()
    out_items, _ = await outsider.sync_all()
    assert envelope_ids(low_items) == {conf}
    assert envelope_ids(high_items) == {secret, conf}
    assert envelope_ids(out_items) == set()
    # The outsider learns of no event of that room either.
    assert not [i for i in out_items if i["kind"] == "event"]
    assert {i["room"] for i in low_items if i["kind"] == "event"} == {room.room_id}


async def test_compartments_and_releasability(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin", compartments=("CYBER",), org="gov")
    cyber = await harness.enrol("cyber", compartments=("CYBER",), org="gov")
    plain = await harness.enrol("plain", org="gov")
    other_org = await harness.enrol("corp", compartments=("CYBER",), org="corp")
    room = await harness.room(admin, "room-comp", [cyber, plain, other_org],
                              ceiling="SECRET/CYBER//TLP:AMBER")
    a = await post(admin, w.envelope(admin.dev, room.room_id, "SECRET/CYBER//TLP:AMBER"))
    # Releasability narrows a label, so a room's ceiling without REL does not admit it:
    # exercise it on the briefs channel, which has no ceiling.
    b = await post(admin, w.envelope(admin.dev, "channel:briefs",
                                     "SECRET/CYBER//TLP:AMBER//REL:gov"))
    assert envelope_ids((await cyber.sync_all())[0]) == {a, b}
    assert envelope_ids((await plain.sync_all())[0]) == set()
    assert envelope_ids((await other_org.sync_all())[0]) == {a}


async def test_post_refusals(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin", level="SECRET")
    low = await harness.enrol("low", level="CONFIDENTIAL")
    stranger = await harness.enrol("stranger", level="SECRET")
    room = await harness.room(admin, "room-refuse", [low], ceiling=CONF)
    r = await stranger.post_envelope(w.envelope(stranger.dev, room.room_id, CONF))
    assert r.status_code == 403 and err(r) == "not_member"
    r = await admin.post_envelope(w.envelope(admin.dev, room.room_id, SECRET))
    assert r.status_code == 403 and err(r) == "above_ceiling"
    room2 = await harness.room(admin, "room-refuse2", [low])
    r = await low.post_envelope(w.envelope(low.dev, room2.room_id, SECRET))
    assert r.status_code == 403 and err(r) == "above_clearance"
    # Somebody else's envelope cannot be posted by this device.
    r = await low.post_envelope(w.envelope(admin.dev, room2.room_id, CONF))
    assert r.status_code == 403 and err(r) == "sender_mismatch"
    r = await admin.post_envelope(w.envelope(admin.dev, "room-missing", CONF))
    assert r.status_code == 404 and err(r) == "no_such_room"
    r = await admin.post_envelope(w.envelope(admin.dev, room2.room_id, "SECRET//TLP:RED"))
    assert r.status_code == 400 and err(r) == "direct_required"
    r = await admin.post_envelope(w.envelope(admin.dev, room2.room_id, "BOGUS//TLP:AMBER"))
    assert r.status_code == 400 and err(r) == "bad_label"
    # A tampered envelope fails the sender-signature check.
    wire = w.envelope(admin.dev, room2.room_id, CONF).to_wire()
    wire["c"] = wire["c"][:-2] + ("AA" if wire["c"][-2:] != "AA" else "BB")
    r = await admin.post("/v1/envelopes", {"envelope": wire})
    assert r.status_code == 400


async def test_direct_mode_only_named_devices(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob")
    carol = await harness.enrol("carol")
    room = await harness.room(admin, "room-direct", [bob, carol])
    red = await post(admin, w.envelope(admin.dev, room.room_id, "SECRET//TLP:RED",
                                       to=[bob.dev]))
    assert envelope_ids((await bob.sync_all())[0]) == {red}
    assert envelope_ids((await carol.sync_all())[0]) == set()


async def test_channels(harness: Harness) -> None:
    w = harness.world
    pub = await harness.enrol("pub", roles=("publisher",), level="SECRET")
    reader = await harness.enrol("reader", level="CONFIDENTIAL")
    intake = await harness.enrol("intake", roles=("intake",), level="SECRET")
    reporter = await harness.enrol("reporter", roles=("reporter",), level="CONFIDENTIAL")
    r = await reader.post_envelope(w.envelope(reader.dev, "channel:advisories", CONF))
    assert r.status_code == 403 and err(r) == "not_publisher"
    adv_low = await post(pub, w.envelope(pub.dev, "channel:advisories", CONF))
    adv_high = await post(pub, w.envelope(pub.dev, "channel:advisories", SECRET))
    cat = await post(pub, w.envelope(pub.dev, "channel:catalog", "UNCLASSIFIED//TLP:CLEAR"))
    brief = await post(reader, w.envelope(reader.dev, "channel:briefs", CONF))
    r = await reporter.post_envelope(w.envelope(reporter.dev, "channel:intake", CONF))
    assert r.status_code == 400 and err(r) == "direct_required"
    report = await post(reporter, w.envelope(reporter.dev, "channel:intake", CONF,
                                             to=[intake.dev]))
    # Naming a non-intake device does not make it receive an incident report.
    sneaky = await post(reporter, w.envelope(reporter.dev, "channel:intake", CONF,
                                             to=[reader.dev]))
    r = await pub.post_envelope(w.envelope(pub.dev, "channel:nope", CONF))
    assert r.status_code == 404
    assert envelope_ids((await reader.sync_all())[0]) == {adv_low, cat, brief}
    assert envelope_ids((await intake.sync_all())[0]) == {adv_low, adv_high, cat, brief,
                                                           report}
    assert sneaky not in envelope_ids((await reader.sync_all())[0])
    assert envelope_ids((await reporter.sync_all())[0]) == {adv_low, cat, brief}
    # Intake staff reply to the reporter by name in the same channel: that does reach it,
    # and nobody else outside intake.
    follow_up = await post(intake, w.envelope(intake.dev, "channel:intake", CONF,
                                              to=[reporter.dev, intake.dev]))
    assert follow_up in envelope_ids((await reporter.sync_all())[0])
    assert follow_up not in envelope_ids((await reader.sync_all())[0])


async def test_membership_changes(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob")
    room = await harness.room(admin, "room-members", [])
    before = await post(admin, w.envelope(admin.dev, room.room_id, CONF))
    _, cursor = await bob.sync_all()
    r = await admin.append(room, w.event(admin.dev, room, "invite", target="bob",
                                         role="member"))
    assert r.status_code == 200
    during = await post(admin, w.envelope(admin.dev, room.room_id, CONF, seq=2))
    items, cursor = await bob.sync_all(cursor)
    assert [i["event"]["event"]["type"] for i in items if i["kind"] == "event"] == ["invite"]
    assert envelope_ids(items) == {during}
    r = await bob.get("/v1/rooms")
    assert r.json()["rooms"] == [{"room_id": room.room_id, "length": 2}]
    r = await bob.get(f"/v1/rooms/{room.room_id}/events", params={"from": 0})
    assert len(r.json()["events"]) == 2
    r = await admin.append(room, w.event(admin.dev, room, "remove", target="bob"))
    assert r.status_code == 200
    after = await post(admin, w.envelope(admin.dev, room.room_id, CONF, seq=3))
    items, _ = await bob.sync_all(cursor)
    assert [i["event"]["event"]["type"] for i in items if i["kind"] == "event"] == ["remove"]
    assert envelope_ids(items) == set()
    # A new device of bob catching up from 0 gets only what bob could read while a member.
    bob2 = harness.client(w.device("bob"))
    assert (await bob2.register()).status_code == 200
    assert envelope_ids((await bob2.sync_all())[0]) == {during}
    assert before and after
    r = await bob.post_envelope(w.envelope(bob.dev, room.room_id, CONF))
    assert r.status_code == 403 and err(r) == "not_member"


async def test_broken_events_are_refused(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin")
    bob = await harness.enrol("bob")
    room = await harness.room(admin, "room-events", [bob])
    # A member who is not an admin cannot invite (the Matrix 2022 attack, server side).
    r = await bob.append(room, w.event(bob.dev, room, "invite", target="mallory",
                                       role="admin"))
    assert r.status_code == 403 and err(r) == "bad_event"
    # Wrong chain position.
    ev = w.event(admin.dev, room, "invite", target="carol", role="member")
    body = dict(ev.body, index=7)
    from crypto import primitives as p
    from crypto.encoding import canonical

    forged = SignedEvent(body, p.sign(admin.dev.keys.sign_key, p.CTX_MEMBERSHIP,
                                      canonical(body)))
    r = await admin.post(f"/v1/rooms/{room.room_id}/events", forged.to_dict())
    assert r.status_code == 409 and err(r) == "room_log_conflict"
    # Bad signature.
    bad = SignedEvent(ev.body, bytes(64))
    r = await admin.post(f"/v1/rooms/{room.room_id}/events", bad.to_dict())
    assert r.status_code == 403 and err(r) == "bad_event"
    # An event signed by admin but posted by bob (relaying is not allowed).
    r = await bob.post(f"/v1/rooms/{room.room_id}/events", ev.to_dict())
    assert r.status_code == 403 and err(r) == "not_event_signer"
    # Into another room's path.
    r = await admin.post("/v1/rooms/room-other/events", ev.to_dict())
    assert r.status_code == 400 and err(r) == "bad_event"
    r = await admin.post("/v1/rooms/channel:briefs/events", ev.to_dict())
    assert r.status_code == 400
    # Duplicate create of an existing room, and the valid event still goes in afterwards.
    assert (await admin.append(room, ev)).status_code == 200
    r = await harness.http.get("/v1/rooms")
    assert r.status_code == 401
    outsider = await harness.enrol("outsider")
    r = await outsider.get(f"/v1/rooms/{room.room_id}/events")
    assert r.status_code == 403 and err(r) == "not_member"


async def test_key_deliveries(harness: Harness) -> None:
    w = harness.world
    admin = await harness.enrol("admin", level="SECRET")
    bob = await harness.enrol("bob", level="SECRET")
    low = await harness.enrol("low", level="CONFIDENTIAL")
    outsider = await harness.enrol("outsider", level="SECRET")
    room = await harness.room(admin, "room-keys", [bob, low])
    _, kds = w.deliveries(admin.dev, room.room_id, SECRET, [bob.dev])
    r = await admin.post("/v1/keys", {"deliveries": [k.to_wire() for k in kds]})
    assert r.status_code == 200 and r.json() == {"accepted": 1}
    items, _ = await bob.sync_all()
    keys = [i for i in items if i["kind"] == "key"]
    assert len(keys) == 1 and keys[0]["room"] == room.room_id
    from crypto.groupkeys import KeyDelivery, open_key_delivery

    ek = open_key_delivery(KeyDelivery.from_wire(keys[0]["key"]), bob.dev.keys,
                           admin.dev.keys.public.sign_pk)
    assert ek.label == SECRET
    for target, code in ((low, "recipient_not_cleared"), (outsider, "not_member")):
        _, kds = w.deliveries(admin.dev, room.room_id, SECRET, [target.dev])
        r = await admin.post("/v1/keys", {"deliveries": [k.to_wire() for k in kds]})
        assert r.status_code == 403 and err(r) == code
    # Deliveries signed by admin, posted by bob.
    _, kds = w.deliveries(admin.dev, room.room_id, SECRET, [bob.dev])
    r = await bob.post("/v1/keys", {"deliveries": [k.to_wire() for k in kds]})
    assert r.status_code == 400
    items, _ = await low.sync_all()
    assert not [i for i in items if i["kind"] == "key"]


async def test_acks_reach_the_senders_devices(harness: Harness) -> None:
    w = harness.world
    pub = await harness.enrol("pub", roles=("publisher",))
    pub2 = harness.client(w.device("pub", roles=("publisher",)))
    assert (await pub2.register()).status_code == 200
    reader = await harness.enrol("reader")
    low = await harness.enrol("low", level="UNCLASSIFIED")
    eid = await post(pub, w.envelope(pub.dev, "channel:briefs", SECRET))
    r = await reader.post("/v1/acks", {"room": "channel:briefs", "envelope_id": eid})
    assert r.status_code == 200 and r.json() == {"accepted": 1}
    r = await reader.post("/v1/acks", {"room": "channel:briefs", "envelope_id": eid})
    assert r.status_code == 200 and r.json() == {"accepted": 0}
    # Acking what one could not read, or in the wrong room, is refused.
    r = await low.post("/v1/acks", {"room": "channel:briefs", "envelope_id": eid})
    assert r.status_code == 404
    r = await reader.post("/v1/acks", {"room": "channel:catalog", "envelope_id": eid})
    assert r.status_code == 404
    for dev in (pub, pub2):
        items, _ = await dev.sync_all()
        acks = [i for i in items if i["kind"] == "ack"]
        assert len(acks) == 1
        assert acks[0]["ack"] == {"room": "channel:briefs", "envelope_id": eid}
        assert acks[0]["ack_from"] == "reader"
    items, _ = await reader.sync_all()
    assert not [i for i in items if i["kind"] == "ack"]
