"""End to end through a real ``renkei-server`` on loopback: rooms, labels, rotation on
removal, TLP:RED direct mode, acks, attachments and the offline outbox."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from crypto.envelope import Envelope
from crypto.groupkeys import KeyDelivery
from store import audit, kv, outbox, search
from store import keys as store_keys
from sync import compose, history, ingest
from sync.compose import SendError
from sync.content import Content
from sync.engine import Offline, ServerRefused
from sync.ingest_envelopes import PENDING_PREFIX
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
    assert sorted(responder.bodies(room)) == ["new confidential", "new unclassified",
                                              "old confidential", "old unclassified"]


def test_shared_history_messages_reach_newcomers(world: Any) -> None:
    analyst, responder, telecom, room, _ = _history_room(world)
    assert "old confidential" in responder.bodies(room)
    assert "old confidential" not in telecom.bodies(room)
    assert sorted(telecom.bodies(room)) == ["new unclassified", "old unclassified"]
    for p in (responder, telecom):
        assert all(i.status == "ok" for i in p.items(room)), p.user
        prog = history.progress(p.s, room)
        assert prog is not None and prog.done and prog.held == 0
    no_security_events(analyst, responder, telecom)


def _history_answer(p: Any, room: str) -> SyncResponse:
    r = p.e.request("GET", f"/v1/rooms/{room}/history", params={"limit": 500})
    return SyncResponse.model_validate_json(r.content)


def test_uncleared_newcomer_gets_nothing_above_its_clearance(world: Any) -> None:
    _, responder, telecom, room, _ = _history_room(world)
    assert {i.label for i in _history_answer(telecom, room).items} == {U_GREEN}
    both = _history_answer(responder, room).items
    assert {i.label for i in both} == {U_GREEN, C_AMBER}
    # Handed the confidential one anyway (a misrouting server), telecom cannot read it: the
    # client refuses it as misrouted and stores no content.
    [conf] = [i for i in both if i.label == C_AMBER]
    res, held = history.apply_history(telecom.s, room, [conf],
                                      history.Progress(0, None, True))
    assert res.stored == [] and len(res.rejected) == 1 and held == 0
    assert "old confidential" not in telecom.bodies(room)
    [ev] = audit.list_security_events(telecom.s.conn)
    assert "not cleared" in ev.detail


def test_room_without_shared_history_keeps_it(world: Any) -> None:
    analyst, responder, _ = cast(world)
    room = joint_room(world, analyst)
    analyst.e.send_text(room, C_AMBER, "before you came")
    analyst.e.invite(room, responder.user)
    analyst.e.send_text(room, C_AMBER, "welcome")
    world.sync_all([analyst, responder])
    assert responder.bodies(room) == ["welcome"]
    with pytest.raises(ServerRefused) as exc:
        _history_answer(responder, room)
    assert exc.value.status == 403 and exc.value.code == "history_not_shared"
    assert history.progress(responder.s, room) is None
    no_security_events(analyst, responder)


def test_history_waits_for_its_keys(world: Any) -> None:
    """History fetched before anyone hands over the past keys is parked, then opened when
    the keys arrive (here the inviter's client hands nothing over at the invitation, so the
    keys come with its next message there)."""
    analyst, responder, _ = cast(world)
    room = joint_room(world, analyst, history="shared")
    analyst.e.send_text(room, C_AMBER, "old confidential")
    analyst.e._post_event(room, compose.room_event(analyst.s, room, "invite",
                                                   target=responder.user, role="member"))
    world.sync_all([analyst, responder])
    assert responder.bodies(room) == []
    parked = [n for n in kv.list_settings(responder.s.conn) if n.startswith(PENDING_PREFIX)]
    assert len(parked) == 1
    assert history.progress(responder.s, room) == history.Progress(1, None, True)
    analyst.e.send_text(room, C_AMBER, "new confidential")
    world.sync_all([analyst, responder])
    assert sorted(responder.bodies(room)) == ["new confidential", "old confidential"]
    assert not [n for n in kv.list_settings(responder.s.conn) if n.startswith(PENDING_PREFIX)]
    no_security_events(analyst, responder)


class _Counting(httpx.BaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()

    def history_calls(self) -> int:
        return sum(p.endswith("/history") for p in self.paths)


def test_history_is_fetched_once_per_membership(world: Any) -> None:
    analyst, responder, _, room, _ = _history_room(world)
    counting = _Counting()
    responder.open(transport=counting)  # a restart: every room is looked at again
    responder.sync()
    assert counting.history_calls() == 0
    analyst.e.remove(room, responder.user)
    analyst.e.send_text(room, C_AMBER, "while you were away")
    analyst.e.invite(room, responder.user)
    analyst.e.send_text(room, C_AMBER, "welcome back")
    world.sync_all([analyst, responder])
    assert counting.history_calls() == 1
    assert "while you were away" in responder.bodies(room)
    assert "welcome back" in responder.bodies(room)
    assert len(responder.bodies(room)) == len(set(responder.bodies(room))) == 6
    no_security_events(analyst, responder)


def test_new_device_gets_history_on_first_catch_up(world: Any) -> None:
    analyst, responder, _, room, _ = _history_room(world)
    second = world.person("responder", "CONFIDENTIAL", org="org-b", unique=True)
    assert second.user == responder.user and second.device_id != responder.device_id
    world.sync_all([analyst])
    for change in store_keys.list_key_changes(analyst.s.conn):  # a new device is a change
        store_keys.accept_key_change(analyst.s.conn, change.change_id, analyst.s.now_ms())
    analyst.e.send_text(room, C_AMBER, "to both devices")
    world.sync_all([analyst, second])
    # Past keys travel per label, when a holder next writes at that label: until then the
    # unclassified history waits, parked.
    assert sorted(second.bodies(room)) == ["new confidential", "old confidential",
                                           "to both devices"]
    analyst.e.send_text(room, U_GREEN, "green to both")
    world.sync_all([analyst, second, responder])
    assert sorted(second.bodies(room)) == sorted(responder.bodies(room))
    assert len(second.bodies(room)) == 6
    no_security_events(second)


def _departed_sender_room(world: Any) -> tuple[Any, Any, str]:
    analyst, responder, telecom = cast(world)
    newcomer = world.person("responder2", "CONFIDENTIAL", org="org-b", unique=True)
    room = joint_room(world, analyst, responder, history="shared")
    responder.e.send_text(room, C_AMBER, "from one who left")
    world.sync_all([analyst, responder])
    responder.e.leave(room)
    analyst.sync()
    analyst.e.invite(room, newcomer.user)
    world.sync_all([analyst, newcomer])
    analyst.e.send_text(room, C_AMBER, "after the leaving")
    world.sync_all([analyst, newcomer])
    return analyst, newcomer, room


def test_history_from_members_who_left_is_judged_by_the_log_of_then(world: Any) -> None:
    """The sender left after writing: its right is judged by the log as it stood when it
    wrote, so the message is delivered, nothing is held back, and nothing is called forged."""
    analyst, newcomer, room = _departed_sender_room(world)
    assert sorted(newcomer.bodies(room)) == ["after the leaving", "from one who left"]
    prog = history.progress(newcomer.s, room)
    assert prog is not None and prog.done and prog.held == 0
    no_security_events(analyst, newcomer)


def test_history_from_members_who_left_is_delivered(world: Any) -> None:
    _, newcomer, room = _departed_sender_room(world)
    assert sorted(newcomer.bodies(room)) == ["after the leaving", "from one who left"]


def test_history_fetch_resumes_and_cannot_be_kept_looping(world: Any,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    _, responder, _, room, _ = _history_room(world)
    s = responder.s
    joined = history.joined_index(s, room)
    assert joined is not None and history.progress(s, room) == history.Progress(
        joined, None, True)
    kv.delete_setting(s.conn, "history:" + room)
    monkeypatch.setattr(history, "APPLY_ITEMS", 0)  # apply every page as it comes
    calls: list[str | None] = []

    def pages(*answers: Any) -> Any:
        queue = list(answers)

        def get_page(r: str, before: str | None, limit: int) -> SyncResponse | None:
            assert r == room
            calls.append(before)
            answer = queue.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return SyncResponse(cursor=answer[0], items=[], more=answer[1])
        return get_page

    top = str(int(ingest.cursor(s)) + 1)
    mid, low = str(int(top) // 2), str(int(top) // 4)
    cut = history.HistoryFetcher(s, pages((mid, True), Offline("cut (test)")))
    with pytest.raises(Offline):
        cut.run(ingest.cursor(s))
    assert calls == [top, mid]
    assert history.progress(s, room) == history.Progress(joined, mid, False)
    # A restarted engine resumes where it stopped; a server answering with a bound that
    # does not move back is not followed.
    calls.clear()
    history.HistoryFetcher(s, pages((low, True), (low, True))).run(ingest.cursor(s))
    assert calls == [mid, low]
    assert history.progress(s, room) == history.Progress(joined, None, True)
    calls.clear()
    history.HistoryFetcher(s, pages()).run(ingest.cursor(s))
    assert calls == []


def test_history_in_many_small_pages(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "PAGE_SIZE", 1)
    monkeypatch.setattr(history, "APPLY_ITEMS", 2)
    analyst, responder, _ = cast(world)
    counting = _Counting()
    responder.open(transport=counting)
    room = joint_room(world, analyst, history="shared")
    old = [f"old {n}" for n in range(5)]
    for text in old:
        analyst.e.send_text(room, C_AMBER, text)
    analyst.e.invite(room, responder.user)
    world.sync_all([analyst, responder])
    assert counting.history_calls() == 6  # one row a page, then the empty last one
    analyst.e.send_text(room, C_AMBER, "new")
    world.sync_all([analyst, responder])
    assert sorted(responder.bodies(room)) == sorted([*old, "new"])
    assert counting.history_calls() == 6
    no_security_events(analyst, responder)


def test_invitation_hands_over_past_keys_at_once(world: Any) -> None:
    """Inviting someone to a room that shares history gives them the past keys they are
    cleared for right away: old messages at every label open without anyone writing again."""
    analyst, responder, telecom = cast(world)
    room = joint_room(world, analyst, history="shared")
    analyst.e.send_text(room, U_GREEN, "old unclassified")
    analyst.e.send_text(room, C_AMBER, "old confidential")
    analyst.e.invite(room, responder.user)
    analyst.e.invite(room, telecom.user)
    world.sync_all([analyst, responder, telecom])
    assert sorted(responder.bodies(room)) == ["old confidential", "old unclassified"]
    assert telecom.bodies(room) == ["old unclassified"]
    assert all(k.label == U_GREEN for k in store_keys.list_epoch_keys(telecom.s.conn, room))
