"""The real backend over the vault and the sync engine, against a live server on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from client.demo_world import DEMO_PASSPHRASE
from client.ui.backend import (
    AdvisoryArrived,
    Backend,
    BackendError,
    BackendEvent,
    KeyChanged,
    RoomChanged,
    SyncStatus,
)
from intel.markings import Label
from store import audit, seqs
from store import items as store_items
from store import rooms as store_rooms
from store.models import NewItem
from sync import flows

U_GREEN = "UNCLASSIFIED//TLP:GREEN"
S_CYBER = "SECRET/CYBER//TLP:AMBER"


def sync_until(backend: Any, done: Callable[[list[BackendEvent]], bool],
               timeout: float = 30.0) -> list[BackendEvent]:
    """Run the backend's sync loop on a thread until ``done(events)``; then stop it."""
    events: list[BackendEvent] = []
    unsubscribe = backend.subscribe(events.append)
    stop = threading.Event()
    thread = threading.Thread(target=backend.run_sync, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while not done(list(events)):
            assert time.monotonic() < deadline, events
            assert thread.is_alive(), "the sync loop ended on its own"
            time.sleep(0.02)
    finally:
        stop.set()
        backend.cancel_sync()
        thread.join(15)
        unsubscribe()
    assert not thread.is_alive()
    return events


def idle(events: list[BackendEvent]) -> bool:
    return any(isinstance(e, SyncStatus) and e.state == "idle" for e in events)


def advisory(doc_id: str) -> dict[str, Any]:
    return {"kind": "advisory", "document_id": doc_id, "title": f"Gateway flaw {doc_id}",
            "header_label": "UNCLASSIFIED//TLP:CLEAR", "severity": "critical",
            "publisher": "Test CSIRT", "issued_at": "2026-01-01T09:00:00+00:00", "sections": [
                {"section_id": "s1", "kind": "executive_summary",
                 "label": "UNCLASSIFIED//TLP:CLEAR", "body": "Patch the gateway."},
                {"section_id": "s2", "kind": "cves", "label": "UNCLASSIFIED//TLP:CLEAR",
                 "cves": ["CVE-2025-0282"]},
                {"section_id": "s3", "kind": "technical_annex", "label": S_CYBER,
                 "body": "Implant ZEBRA details."}]}


def test_unlock_lock_and_wrong_passphrase(enrol_person: Any, store_backends: Any) -> None:
    me = enrol_person("reader", "CONFIDENTIAL")
    b = store_backends(me, unlock=False)
    assert isinstance(b, Backend)
    assert b.is_locked() and b.unlock_methods() == ("passphrase",)
    assert b.identity().user_id == me.user_id  # known while locked: the window needs it
    with pytest.raises(BackendError):
        b.list_rooms()
    with pytest.raises(BackendError) as bad:
        b.unlock("not the passphrase")
    assert "passphrase" in str(bad.value).lower() and b.is_locked()
    b.unlock(DEMO_PASSPHRASE)
    assert not b.is_locked() and b.list_rooms() == []
    assert b._slots.open_connections() == 1  # the calling thread's own connection
    b.lock()
    assert b.is_locked() and b._slots.open_connections() == 0
    with pytest.raises(BackendError, match="locked"):
        b.list_rooms()
    b.unlock(DEMO_PASSPHRASE)
    assert b.list_rooms() == []


def test_each_thread_has_its_own_connection_and_lock_waits_for_none(
        enrol_person: Any, store_backends: Any) -> None:
    b = store_backends(enrol_person("threads", "UNCLASSIFIED"))
    entered, release = threading.Event(), threading.Event()
    seen: list[int] = []

    def worker() -> None:
        with b._use() as slot:
            seen.append(id(slot.session.conn))
            entered.set()
            release.wait(10)
            # Still usable by the call in flight; a new call would be refused (locked).
            slot.session.conn.execute("SELECT count(*) FROM items").fetchone()

    t = threading.Thread(target=worker)
    t.start()
    assert entered.wait(10)
    with b._use() as slot:
        assert id(slot.session.conn) not in seen
    started = time.monotonic()
    b.lock()  # never waits for the busy thread
    assert time.monotonic() - started < 1.0
    assert b._slots.open_connections() == 1  # the busy one, closed by its owner
    release.set()
    t.join(10)
    assert b._slots.open_connections() == 0


def test_sync_shows_each_reader_what_they_are_cleared_for(
        enrol_person: Any, opened: Any, store_backends: Any) -> None:
    analyst = enrol_person("analyst", "SECRET", compartments=("CYBER",),
                           roles=("publisher", "room-admin"))
    executive = enrol_person("executive", "UNCLASSIFIED", org="org-b")
    exec_backend = store_backends(executive)
    sync_until(exec_backend, idle)  # registers the device with the server
    s, e = opened(analyst)
    room = e.create_room("Joint", S_CYBER)
    e.invite(room, executive.user_id)
    e.send_text(room, U_GREEN, "bridge call at nine")
    e.send_text(room, S_CYBER, "attribution ZEBRA")
    e.send_text(room, U_GREEN, "patch released")
    flows.publish_document(e, advisory("ADV-T-1"))

    events = sync_until(exec_backend, lambda ev: any(
        isinstance(x, AdvisoryArrived) for x in ev) and idle(ev[-1:]))
    assert any(isinstance(x, RoomChanged) and x.room_id == room for x in events)
    arrived = [x for x in events if isinstance(x, AdvisoryArrived)]
    assert arrived[0].advisory_id == "ADV-T-1" and arrived[0].urgent
    rooms = exec_backend.list_rooms()
    assert [r.room_id for r in rooms] == [room] and rooms[0].unread == 2
    entries = exec_backend.page_items(room, None, 50)
    assert [x.body for x in entries] == ["patch released", "bridge call at nine"]
    assert all(x.state == "ok" for x in entries)  # per-label numbering: no false gap
    assert exec_backend.count_items(room) == 2
    assert exec_backend.items_after(room, entries[-1].pos, 10)[0].body == "patch released"
    adv = exec_backend.get_advisory("ADV-T-1")
    assert adv is not None and adv.official and adv.annex == () and adv.cves
    assert {m.user_id for m in exec_backend.members(room)} == {analyst.user_id,
                                                              executive.user_id}
    assert "ZEBRA" not in repr(exec_backend.search("ZEBRA"))
    hits = exec_backend.search("patch")
    assert {h.kind for h in hits} >= {"message", "advisory"}
    assert any(h.item_id == "ADV-T-1" and h.title.startswith("Gateway") for h in hits)

    analyst_backend = store_backends(analyst)
    full = analyst_backend.get_advisory("ADV-T-1")
    assert full is not None and [s.text for s in full.annex] == ["Implant ZEBRA details."]
    assert [x.body for x in analyst_backend.page_items(room, None, 50)][1] == \
        "attribution ZEBRA"
    exec_backend.mark_read(room, entries[0].pos)
    assert exec_backend.list_rooms()[0].unread == 0
    del s


def test_rejected_items_and_gaps_are_rows(enrol_person: Any, opened: Any,
                                          store_backends: Any) -> None:
    me = enrol_person("watcher", "CONFIDENTIAL")
    s, _e = opened(me)
    room, sender = "room:testgaps", "d" + "1" * 32
    now = int(time.time() * 1000)
    scope = f"{room}|{U_GREEN}"
    store_rooms.put_room(s.conn, room, "Gaps", S_CYBER, "none", now)
    for n in (1, 4):
        seqs.record_seq(s.conn, scope, sender, n)
        store_items.insert_item(s.conn, NewItem(
            item_id=f"m{n}", room_id=room, kind="message", sender_device=sender,
            sender_user="someone", label=U_GREEN, content_type="renkei/message",
            created_ms=now + n, received_ms=now + n, seq=n, body=f"message {n}"))
    store_items.insert_item(s.conn, NewItem(
        item_id="bad", room_id=room, kind="system", sender_device=sender, sender_user="",
        label=S_CYBER, content_type="", created_ms=now + 9, received_ms=now + 9,
        status="rejected", reject_reason="signature or decryption check failed"))
    b = store_backends(me)
    rows = b.page_items(room, None, 10)
    assert [(r.state, r.body) for r in rows] == [
        ("rejected", ""), ("ok", "message 4"), ("gap", ""), ("ok", "message 1")]
    assert rows[0].reason == "signature or decryption check failed"
    assert "numbers 2–3" in rows[2].reason
    assert [r.state for r in b.items_after(room, 0, 10)] == ["ok", "gap", "ok", "rejected"]


def test_opening_restricted_items_is_audited_once(enrol_person: Any, opened: Any,
                                                  store_backends: Any) -> None:
    me = enrol_person("auditor", "SECRET")
    b = store_backends(me)
    label = Label.parse("SECRET//TLP:AMBER")
    b.record_open("doc-1", label)
    b.record_open("doc-1", label)
    b.record_downgrade("msg-1", label, Label.parse(U_GREEN), "public now")
    b.lock()
    s, _e = opened(me)
    rows = audit.list_audit(s.conn)
    assert [(r.action, r.item_id, r.actor) for r in rows] == [
        ("open", "doc-1", me.user_id), ("downgrade", "msg-1", me.user_id)]
    assert audit.verify_audit_chain(s.conn).ok


def test_key_change_is_flagged_then_accepted(enrol_person: Any, opened: Any,
                                             store_backends: Any, tmp_path: Any,
                                             live_server: Any) -> None:
    from client.demo_world import DemoPerson, enrol

    watcher = enrol_person("kc-watcher", "CONFIDENTIAL")
    peer = enrol_person("kc-peer", "CONFIDENTIAL")
    opened(peer)
    b = store_backends(watcher)
    sync_until(b, idle)
    assert b.pending_key_changes() == []
    # The same person on a new device (new keys): a changed key for a known user.
    again = DemoPerson("kc-peer-2", peer.user_id, "Peer", "org-a", "CONFIDENTIAL")
    opened(enrol(tmp_path / "second", again, live_server.authority, live_server.url))
    events = sync_until(b, lambda ev: any(isinstance(x, KeyChanged) for x in ev))
    notice = next(x.notice for x in events if isinstance(x, KeyChanged))
    assert notice.user_id == peer.user_id
    assert [n.change_id for n in b.pending_key_changes()] == [notice.change_id]
    b.accept_key_change(notice.change_id)
    assert b.pending_key_changes() == []
    assert len(next(m for m in b.directory() if m.user_id == peer.user_id).devices) == 2


def test_reports_intake_follow_up_and_answer(enrol_person: Any, store_backends: Any) -> None:
    from client.ui.report_rules import QuickReportForm, build_quick_report

    reporter = enrol_person("reporter", "CONFIDENTIAL", org="kanto", roles=("reporter",))
    intake = enrol_person("intake", "CONFIDENTIAL", org="ncsc", roles=("intake",))
    rb, ib = store_backends(reporter), store_backends(intake)
    sync_until(ib, idle)
    sync_until(rb, idle)
    prefill = rb.report_prefill()
    form = QuickReportForm(entity_name="Kanto Test Power", sector="electricity",
                           contact_name="Ken", contact_email="soc@kanto.example",
                           contact_phone="+81 3-5555-0100", category="ransomware",
                           summary="Ransom note on a file server.", consent=True)
    report_id = rb.submit_report(build_quick_report(prefill, form))
    assert [r.thread_id for r in rb.list_reports()] == [report_id]
    sync_until(ib, lambda ev: any(r.thread_id == report_id for r in ib.list_reports()))
    assert ib.list_reports()[0].status == "received"
    ib.set_report_status(report_id, "triaged", "on it")
    qid = ib.ask_follow_up(report_id, "Is the VPN segment affected?")
    sync_until(rb, lambda ev: rb.list_reports()[0].open_questions == 1)
    thread = rb.report_thread(report_id)
    assert [e.what for e in thread] == ["report", "status", "question"]
    assert thread[2].question_id == qid and not thread[2].answered
    rb.answer_follow_up(qid, "No.")
    assert rb.report_thread(report_id)[2].answered
    # The reporter's organisation and contact are remembered for the next quick report.
    assert rb.report_prefill()["entity"]["name"] == "Kanto Test Power"
    with pytest.raises(BackendError):
        rb.set_report_status(report_id, "closed")  # intake staff only


def test_publishing_catalog_and_inventory(enrol_person: Any, store_backends: Any,
                                          tmp_path: Any) -> None:
    import json

    from client.demo_kev import SAMPLE_CATALOG

    publisher = enrol_person("pub", "SECRET", compartments=("CYBER",), roles=("publisher",))
    pb = store_backends(publisher)
    sync_until(pb, idle)
    assert pb.publish_document(advisory("ADV-T-2")) == "ADV-T-2"
    assert [a.advisory_id for a in pb.list_advisories()] == ["ADV-T-2"]
    path = tmp_path / "kev.json"
    path.write_text(json.dumps(SAMPLE_CATALOG), "utf-8")
    summary = pb.import_kev(str(path))
    assert "16" in summary
    rows = pb.kev_rows()
    assert len(rows) == 16 and not any(r.affects_us for r in rows)
    assert pb.get_advisory("ADV-T-2").affects_us == "unknown"  # type: ignore[union-attr]
    pb.add_product("Ivanti", "Connect Secure", "22.7")
    assert [p.product for p in pb.inventory()] == ["Connect Secure"]
    affected = {r.cve for r in pb.kev_rows() if r.affects_us}
    assert "CVE-2025-0282" in affected
    assert pb.get_advisory("ADV-T-2").affects_us == "yes"  # type: ignore[union-attr]
    with pytest.raises(BackendError):
        pb.import_kev(str(tmp_path / "missing.json"))


class _MemoryKeyring:
    """An in-memory OS keyring for this test (set explicitly, removed afterwards)."""

    priority = 1

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def test_keyring_account_unlocks_without_a_passphrase(tmp_path: Any, live_server: Any,
                                                      store_backends: Any) -> None:
    import keyring
    import keyring.backend

    from client.demo_world import DemoPerson
    from sync.account import create_account, import_certificate

    class Ring(_MemoryKeyring, keyring.backend.KeyringBackend):
        pass

    previous = keyring.get_keyring()
    ring = Ring()
    keyring.set_keyring(ring)
    try:
        account = tmp_path / "keyring-account"
        now = int(time.time())
        request = create_account(account, server_url=live_server.url,
                                 authority=live_server.authority.public, user_id="ring-user",
                                 display_name="Ring", org="org-r", secrets="keyring", now=now)
        sc = live_server.authority.issue(request.read_bytes(), "UNCLASSIFIED")
        import_certificate(account, sc.to_bytes(), now=now)
        person = DemoPerson("ring", "ring-user", "Ring", "org-r", "UNCLASSIFIED")
        person.directory = account
        b = store_backends(person, unlock=False)
        assert b.unlock_methods() == ("keyring",)
        b.unlock(None)
        assert not b.is_locked() and b.list_rooms() == []
        b.lock()
        ring.entries.clear()  # the keyring lost the keys: fail closed, nothing recreated
        with pytest.raises(BackendError, match="keyring"):
            b.unlock(None)
        assert b.is_locked() and (account / "vault.db").is_file()
    finally:
        keyring.set_keyring(previous)
