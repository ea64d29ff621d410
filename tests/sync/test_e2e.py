"""End to end through a real ``renkei-server`` on loopback: rooms, labels, rotation on
removal, TLP:RED direct mode, acks, attachments and the offline outbox."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from crypto.envelope import Envelope
from crypto.groupkeys import KeyDelivery
from store import audit, outbox, search
from store import keys as store_keys
from sync import ingest
from sync.compose import SendError
from sync.content import Content
from sync.engine import Offline
from sync.wire import SyncResponse

CEILING = "SECRET/CYBER//TLP:AMBER"
U_GREEN = "UNCLASSIFIED//TLP:GREEN"
C_AMBER = "CONFIDENTIAL//TLP:AMBER"
S_AMBER = "SECRET//TLP:AMBER"


def cast(world: Any) -> tuple[Any, Any, Any]:
    analyst = world.person("analyst", "SECRET", compartments=["CYBER"], unique=True)
    responder = world.person("responder", "CONFIDENTIAL", org="org-b", unique=True)
    telecom = world.person("telecom", "UNCLASSIFIED", org="telco", unique=True)
    return analyst, responder, telecom


def joint_room(world: Any, admin: Any, *members: Any, history: str = "none") -> str:
    admin.sync()
    room = admin.e.create_room("Joint response", CEILING, history)
    for m in members:
        admin.e.invite(room, m.user)
    world.sync_all([admin, *members])
    return room


def no_security_events(*people: Any) -> None:
    for p in people:
        assert audit.list_security_events(p.s.conn) == [], p.user


def test_each_client_sees_exactly_what_its_clearance_admits(world: Any) -> None:
    analyst, responder, telecom = cast(world)
    room = joint_room(world, analyst, responder, telecom)
    analyst.e.send_text(room, U_GREEN, "u-green from analyst")
    analyst.e.send_text(room, C_AMBER, "c-amber from analyst")
    analyst.e.send_text(room, S_AMBER, "s-amber from analyst")
    analyst.e.send_text(room, "SECRET/CYBER//TLP:AMBER", "s-cyber from analyst")
    responder.e.send_text(room, "CONFIDENTIAL//TLP:GREEN", "c-green from responder")
    telecom.e.send_text(room, "UNCLASSIFIED//TLP:CLEAR", "u-clear from telecom")
    world.sync_all([analyst, responder, telecom])

    assert sorted(analyst.bodies(room)) == sorted([
        "u-green from analyst", "c-amber from analyst", "s-amber from analyst",
        "s-cyber from analyst", "c-green from responder", "u-clear from telecom"])
    assert sorted(responder.bodies(room)) == sorted([
        "u-green from analyst", "c-amber from analyst", "c-green from responder",
        "u-clear from telecom"])
    assert sorted(telecom.bodies(room)) == ["u-clear from telecom", "u-green from analyst"]
    for p in (analyst, responder, telecom):
        assert all(i.status == "ok" for i in p.items(room)), p.user
    no_security_events(analyst, responder, telecom)
    # Nothing above their clearance is searchable in the lower vaults either.
    assert search.search(telecom.s.conn, "analyst c-amber") == []
    assert search.search(responder.s.conn, "s-amber") == []
    # Portion marks travel with each message.
    labels = {i.body: i.label for i in responder.items(room)}
    assert labels["c-amber from analyst"] == C_AMBER


def test_sender_cannot_exceed_own_clearance_or_room_ceiling(world: Any) -> None:
    analyst, responder, telecom = cast(world)
    room = joint_room(world, analyst, responder)
    with pytest.raises(SendError, match="may not post"):
        responder.e.send_text(room, S_AMBER, "above my clearance")
    with pytest.raises(SendError, match="may not post"):
        analyst.e.send_text(room, "TOP-SECRET//TLP:AMBER", "above the ceiling")
    with pytest.raises(SendError, match="unknown"):
        telecom.e.send_text(room, U_GREEN, "not a member")


def test_removal_rotates_the_key(world: Any) -> None:
    analyst, responder, _ = cast(world)
    room = joint_room(world, analyst, responder)
    first = analyst.e.send_text(room, C_AMBER, "before removal")
    world.sync_all([analyst, responder])
    assert responder.bodies(room) == ["before removal"]

    analyst.e.remove(room, responder.user)
    world.sync_all([analyst, responder])
    second = analyst.e.send_text(room, C_AMBER, "after removal")
    world.sync_all([analyst, responder])
    assert responder.bodies(room) == ["before removal"]

    sent = {json.loads(e.payload)["body"]["envelope"]["h"]: json.loads(e.payload)
            for e in _all_outbox(analyst) if e.kind == "envelope"}
    envs = [Envelope.from_wire(d["body"]["envelope"]) for d in sent.values()]
    by_id = {e.header_unverified().id_hex: e for e in envs}
    e1, e2 = by_id[first].header_unverified(), by_id[second].header_unverified()
    assert e1.epoch != e2.epoch, "removal must start a new epoch"
    # No delivery of the new epoch key was addressed to the removed device.
    for e in _all_outbox(analyst):
        if e.kind == "keys":
            for d in json.loads(e.payload)["body"]["deliveries"]:
                if KeyDelivery.from_wire(d).header_unverified()["epoch"] == e2.epoch:
                    assert d["to"] != responder.device_id
    # Even when a server hands the removed member the new envelope, it stays unreadable.
    assert store_keys.get_epoch_key(responder.s.conn, room, C_AMBER, e2.epoch) is None
    wire = by_id[second].to_wire()
    resp = SyncResponse.model_validate({"cursor": ingest.cursor(responder.s), "items": [
        {"pos": "1", "kind": "envelope", "room": room, "label": C_AMBER, "envelope": wire}]})
    ingest.apply_sync(responder.s, resp)
    assert responder.bodies(room) == ["before removal"]


def _all_outbox(p: Any) -> list[Any]:
    rows = p.s.conn.execute("SELECT key FROM outbox ORDER BY created_ms, rowid").fetchall()
    return [outbox.get_entry(p.s.conn, r[0]) for r in rows]


def test_tlp_red_reaches_named_people_only(world: Any) -> None:
    analyst, responder, telecom = cast(world)
    other = world.person("responder2", "CONFIDENTIAL", org="org-b", unique=True)
    room = joint_room(world, analyst, responder, telecom, other)
    analyst.e.send_text(room, "CONFIDENTIAL//TLP:RED", "red for responder", users=[responder.user])
    with pytest.raises(SendError, match="named people"):
        analyst.e.send_text(room, "CONFIDENTIAL//TLP:RED", "red to everyone")
    with pytest.raises(SendError, match="not cleared"):
        analyst.e.send_text(room, "CONFIDENTIAL//TLP:RED", "red", users=[telecom.user])
    # Naming people narrows any label to them, not only TLP:RED.
    analyst.e.send_text(room, C_AMBER, "amber for responder only", users=[responder.user])
    world.sync_all([analyst, responder, telecom, other])
    assert responder.bodies(room) == ["red for responder", "amber for responder only"]
    assert other.bodies(room) == []
    assert telecom.bodies(room) == []
    assert analyst.bodies(room) == ["red for responder", "amber for responder only"]
    no_security_events(analyst, responder, telecom, other)


def test_acks_reach_the_sender(world: Any) -> None:
    analyst, responder, _ = cast(world)
    room = joint_room(world, analyst, responder)
    eid = analyst.e.send(room, C_AMBER, Content(kind="brief", title="Brief", body="read me"))
    world.sync_all([analyst, responder])
    assert responder.bodies(room) == []  # a brief, not a message
    brief = [i for i in responder.items(room) if i.kind == "brief"]
    assert [b.item_id for b in brief] == [eid]
    responder.e.ack(room, eid)
    world.sync_all([analyst, responder])
    acks = [i for i in analyst.items(room) if i.kind == "ack"]
    assert [(a.reply_to, a.sender_user) for a in acks] == [(eid, responder.user)]


def test_attachment_streams_with_progress(world: Any, tmp_path: Path) -> None:
    analyst, responder, _ = cast(world)
    room = joint_room(world, analyst, responder)
    src = tmp_path / "capture.pcap"
    data = os.urandom(700_000) + b"ATTACHMENT-CANARY" + os.urandom(1234)
    src.write_bytes(data)
    up: list[tuple[int, int]] = []
    att = analyst.e.upload_attachment(src, progress=lambda d, t: up.append((d, t)))
    assert up[-1] == (len(data), len(data))
    assert [d for d, _ in up] == sorted(d for d, _ in up)
    analyst.e.send(room, C_AMBER, Content(kind="message", body="pcap attached",
                                           attachments=[att]))
    world.sync_all([analyst, responder])
    [item] = [i for i in responder.items(room) if i.body == "pcap attached"]
    [got] = json.loads(item.payload)["attachments"]
    from sync.content import Attachment

    down: list[tuple[int, int]] = []
    dest = tmp_path / "received.pcap"
    responder.e.download_attachment(Attachment(**got), dest,
                                    progress=lambda d, t: down.append((d, t)))
    assert dest.read_bytes() == data
    assert down[-1] == (len(data), len(data))
    assert not list(tmp_path.glob("*.part"))


def test_offline_outbox_is_sent_exactly_once(world: Any) -> None:
    analyst, responder, _ = cast(world)
    room = joint_room(world, analyst, responder)
    analyst.faults.down = True
    ids = [analyst.e.send_text(room, C_AMBER, f"offline {i}") for i in range(5)]
    with pytest.raises(Offline):
        analyst.e.flush_outbox()
    assert outbox.pending_count(analyst.s.conn) >= 5
    analyst.faults.down = False
    # The first envelope reaches the server but its answer is lost: it is sent again, and
    # the server keeps one copy.
    analyst.faults.lose_answers = 1
    with pytest.raises(Offline):
        analyst.e.flush_outbox()
    analyst.e.flush_outbox()
    assert outbox.pending_count(analyst.s.conn) == 0
    assert analyst.e.flush_outbox() == 0
    world.sync_all([analyst, responder])
    got = [i for i in responder.items(room) if i.kind == "message"]
    assert sorted(i.item_id for i in got) == sorted(ids)
    assert [i.seq for i in got] == sorted(i.seq for i in got)
    assert [i.body for i in got] == [f"offline {i}" for i in range(5)]
    no_security_events(analyst, responder)


def test_invited_then_written_to_at_once(world: Any) -> None:
    """Invitation, key and message reach the newcomer in one batch; the log before the
    invitation is fetched first, so nothing is refused or lost."""
    analyst, responder, _ = cast(world)
    analyst.sync()
    room = analyst.e.create_room("Fast", CEILING, "none")
    analyst.e.invite(room, responder.user)
    analyst.e.send_text(room, C_AMBER, "welcome")
    responder.sync()
    assert responder.bodies(room) == ["welcome"]
    no_security_events(analyst, responder)
    assert [i.status for i in responder.items(room)] == ["ok"]


def _history_room(world: Any) -> tuple[Any, Any, Any, str, dict[str, int]]:
    analyst, responder, telecom = cast(world)
    room = joint_room(world, analyst, history="shared")
    analyst.e.send_text(room, U_GREEN, "old unclassified")
    analyst.e.send_text(room, C_AMBER, "old confidential")
    analyst.sync()
    old = {lb: store_keys.list_epoch_keys(analyst.s.conn, room, lb)[0].epoch
           for lb in (U_GREEN, C_AMBER)}
    analyst.e.invite(room, responder.user)
    analyst.e.invite(room, telecom.user)
    world.sync_all([analyst, responder, telecom])
    analyst.e.send_text(room, C_AMBER, "new confidential")
    analyst.e.send_text(room, U_GREEN, "new unclassified")
    world.sync_all([analyst, responder, telecom])
    return analyst, responder, telecom, room, old


def test_shared_history_gives_newcomers_past_keys_they_are_cleared_for(world: Any) -> None:
    _, responder, telecom, room, old = _history_room(world)
    held = {(k.label, k.epoch) for k in store_keys.list_epoch_keys(responder.s.conn, room)}
    assert {(U_GREEN, old[U_GREEN]), (C_AMBER, old[C_AMBER])} <= held
    held_t = {(k.label, k.epoch) for k in store_keys.list_epoch_keys(telecom.s.conn, room)}
    assert (U_GREEN, old[U_GREEN]) in held_t
    assert all(lb == U_GREEN for lb, _ in held_t)
    assert sorted(responder.bodies(room)) == ["new confidential", "new unclassified"]


@pytest.mark.xfail(strict=True, reason="server: room envelopes from before a member joined "
                   "are not delivered even when the room shares history (reported)")
def test_shared_history_messages_reach_newcomers(world: Any) -> None:
    _, responder, telecom, room, _ = _history_room(world)
    assert "old confidential" in responder.bodies(room)
    assert "old confidential" not in telecom.bodies(room)
