"""Rooms, membership logs, certificates and key changes, epoch keys, sequences, outbox,
cursors and settings."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import keys, kv, outbox, rooms, seqs
from store.errors import IntegrityError, InvalidData
from store.items import insert_items
from store.models import SeqGap


def test_rooms_and_unread_counts(vault: Any, item: Any) -> None:
    rooms.put_room(vault, "room-a", "合同対策室", "SECRET//TLP:AMBER", "shared", 1)
    rooms.put_room(vault, "room-b", "Another room", "CONFIDENTIAL//TLP:GREEN", "joined", 2)
    results = insert_items(vault, [item(room_id="room-a") for _ in range(5)])
    assert {r.room_id: r.unread for r in rooms.list_rooms(vault)} == {"room-a": 5, "room-b": 0}
    rooms.set_last_read(vault, "room-a", results[2].pos)
    room = rooms.get_room(vault, "room-a")
    assert room is not None and room.unread == 2 and room.name == "合同対策室"
    rooms.set_last_read(vault, "room-a", results[0].pos)  # never moves back
    assert rooms.get_room(vault, "room-a").unread == 2  # type: ignore[union-attr]
    rooms.put_room(vault, "room-a", "renamed", "SECRET//TLP:AMBER", "none", 1)
    room = rooms.get_room(vault, "room-a")
    assert room is not None and room.name == "renamed" and room.history == "none"
    assert room.last_read_pos == results[2].pos
    assert rooms.delete_room(vault, "room-b") and rooms.get_room(vault, "room-b") is None


def _event(n: int, tag: bytes = b"") -> tuple[bytes, bytes]:
    ev = b"signed membership event %d" % n + tag
    return ev, hashlib.blake2b(ev, digest_size=32).digest()


def test_membership_log(vault: Any) -> None:
    rooms.put_room(vault, "room-a", "A", "SECRET//TLP:AMBER", "shared", 1)
    for n in range(3):
        assert rooms.append_membership_event(vault, "room-a", n, *_event(n))
    assert not rooms.append_membership_event(vault, "room-a", 1, *_event(1))  # same again
    with pytest.raises(IntegrityError):  # a fork: a different event at a held index
        rooms.append_membership_event(vault, "room-a", 1, *_event(1, b"forged"))
    with pytest.raises(InvalidData):  # a hole
        rooms.append_membership_event(vault, "room-a", 5, *_event(5))
    with pytest.raises(InvalidData):  # unknown room
        rooms.append_membership_event(vault, "room-x", 0, *_event(0))
    events = rooms.list_membership_events(vault, "room-a")
    assert [e.index for e in events] == [0, 1, 2]
    assert events[1].event == _event(1)[0]
    assert rooms.membership_head(vault, "room-a") == 2
    assert [e.index for e in rooms.list_membership_events(vault, "room-a", 2)] == [2]
    # deleting the room removes its log (foreign keys are on)
    rooms.delete_room(vault, "room-a")
    assert rooms.list_membership_events(vault, "room-a") == []


def test_certificates_and_key_changes(vault: Any) -> None:
    r = keys.put_certificate(vault, "dev-b1", "bob", "org-b", "Bob", "fp-1", b"cert1", 10)
    assert r.outcome == "new" and r.key_change is None  # first sight of bob: nothing to flag
    assert keys.set_verified(vault, "dev-b1", True)
    r = keys.put_certificate(vault, "dev-b1", "bob", "org-b", "Bob B.", "fp-1", b"cert1b", 11)
    assert r.outcome == "unchanged" and r.key_change is None
    cert = keys.get_certificate(vault, "dev-b1")
    assert cert is not None and cert.verified and cert.display_name == "Bob B."
    assert not keys.has_unaccepted_key_change(vault, "bob")

    # a new device for a known user is flagged
    r = keys.put_certificate(vault, "dev-b2", "bob", "org-b", "Bob", "fp-2", b"cert2", 12)
    assert r.outcome == "new" and r.key_change is not None
    assert r.key_change.old_fingerprint is None and r.key_change.new_fingerprint == "fp-2"
    assert keys.has_unaccepted_key_change(vault, "bob")

    # a changed key on a known device is flagged and loses its verification
    r = keys.put_certificate(vault, "dev-b1", "bob", "org-b", "Bob", "fp-3", b"cert3", 13)
    assert r.outcome == "updated" and r.key_change is not None
    assert r.key_change.old_fingerprint == "fp-1"
    assert not keys.get_certificate(vault, "dev-b1").verified  # type: ignore[union-attr]

    open_changes = keys.list_key_changes(vault, "bob")
    assert [c.new_fingerprint for c in open_changes] == ["fp-2", "fp-3"]
    for c in open_changes:
        assert keys.accept_key_change(vault, c.change_id, 20)
        assert not keys.accept_key_change(vault, c.change_id, 21)
    assert not keys.has_unaccepted_key_change(vault, "bob")
    assert keys.list_key_changes(vault) == []
    assert len(keys.list_key_changes(vault, include_accepted=True)) == 2

    # a device id cannot move to another user
    with pytest.raises(IntegrityError):
        keys.put_certificate(vault, "dev-b1", "mallory", "org-m", "M", "fp-9", b"c", 30)
    assert [c.device_id for c in keys.list_certificates(vault, "bob")] == ["dev-b1", "dev-b2"]
    # removing a device keeps the user known: a later device is still flagged
    assert keys.remove_certificate(vault, "dev-b1") and keys.remove_certificate(vault, "dev-b2")
    r = keys.put_certificate(vault, "dev-b4", "bob", "org-b", "Bob", "fp-4", b"cert4", 40)
    assert r.key_change is not None


def test_epoch_keys(vault: Any) -> None:
    k0, k1 = bytes(range(32)), bytes(range(1, 33))
    assert keys.put_epoch_key(vault, "room-a", "SECRET//TLP:AMBER", 0, k0, 1)
    assert keys.put_epoch_key(vault, "room-a", "SECRET//TLP:AMBER", 1, k1, 2)
    assert not keys.put_epoch_key(vault, "room-a", "SECRET//TLP:AMBER", 1, k1, 3)
    with pytest.raises(IntegrityError):  # swapped key
        keys.put_epoch_key(vault, "room-a", "SECRET//TLP:AMBER", 1, k0, 4)
    with pytest.raises(InvalidData):
        keys.put_epoch_key(vault, "room-a", "SECRET//TLP:AMBER", 2, b"short", 4)
    latest = keys.latest_epoch_key(vault, "room-a", "SECRET//TLP:AMBER")
    assert latest is not None and latest.epoch == 1 and latest.key == k1
    assert keys.get_epoch_key(vault, "room-a", "SECRET//TLP:AMBER", 0).key == k0  # type: ignore
    assert keys.latest_epoch_key(vault, "room-a", "UNCLASSIFIED//TLP:CLEAR") is None
    assert [keys.increment_messages_sent(vault, "room-a", "SECRET//TLP:AMBER", 1)
            for _ in range(3)] == [1, 2, 3]
    assert keys.get_epoch_key(vault, "room-a", "SECRET//TLP:AMBER", 1).messages_sent == 3  # type: ignore
    with pytest.raises(InvalidData):
        keys.increment_messages_sent(vault, "room-a", "SECRET//TLP:AMBER", 7)
    assert len(keys.list_epoch_keys(vault, "room-a")) == 2


def test_sequence_tracking(vault: Any) -> None:
    for s in (1, 2, 3, 6, 7, 10):
        assert seqs.record_seq(vault, "room-a", "dev-1", s)
    assert not seqs.record_seq(vault, "room-a", "dev-1", 3)  # replay
    assert seqs.record_seq(vault, "room-b", "dev-1", 3)  # other scope: new
    for s in (5, 6):
        seqs.record_seq(vault, "room-a", "dev-2", s)
    gaps = seqs.list_gaps(vault, "room-a")
    assert [(g.sender_device, g.first_missing, g.last_missing) for g in gaps] == [
        ("dev-1", 4, 5), ("dev-1", 8, 9)]
    gaps = seqs.list_gaps(vault, "room-a", first_seq=1)
    assert [(g.sender_device, g.first_missing, g.last_missing) for g in gaps] == [
        ("dev-1", 4, 5), ("dev-1", 8, 9), ("dev-2", 1, 4)]
    assert seqs.seq_seen(vault, "room-a", "dev-1", 6)
    assert not seqs.seq_seen(vault, "room-a", "dev-1", 4)
    assert seqs.highest_seq(vault, "room-a", "dev-1") == 10
    assert seqs.highest_seq(vault, "room-a", "dev-9") is None


def test_sequences_recorded_as_a_batch(vault: Any) -> None:
    assert seqs.record_seq(vault, "room-a", "dev-1", 2)
    rows = [("room-a", "dev-1", 1), ("room-a", "dev-1", 2), ("room-a", "dev-2", 2),
            ("room-b", "dev-1", 2), ("room-a", "dev-1", 1), ("room-a", "dev-1", 3)]
    # 2 was seen before; 1 is new the first time only; other scopes and senders count apart.
    assert seqs.record_seqs(vault, rows) == [True, False, True, True, False, True]
    assert seqs.record_seqs(vault, rows) == [False] * len(rows)
    assert seqs.record_seqs(vault, []) == []
    assert seqs.highest_seq(vault, "room-a", "dev-1") == 3
    assert seqs.list_gaps(vault, "room-a") == []
    with pytest.raises(InvalidData):
        seqs.record_seqs(vault, [("room-a", "dev-1", 4), ("room-a", "dev-1", -1)])
    assert not seqs.seq_seen(vault, "room-a", "dev-1", 4)  # nothing of a refused batch


def test_batch_and_single_sequence_recording_agree(vault: Any) -> None:
    import random

    rnd = random.Random(7)
    rows = [(rnd.choice(["s1", "s2"]), rnd.choice(["d1", "d2", "d3"]), rnd.randint(1, 40))
            for _ in range(300)]
    batch = seqs.record_seqs(vault, rows[:150]) + seqs.record_seqs(vault, rows[150:])
    single = []
    for scope, sender, seq in rows:
        single.append(seqs.record_seq(vault, "x" + scope, sender, seq))
    assert batch == single and any(batch) and not all(batch)


def test_own_sequence_counter(vault: Any) -> None:
    assert seqs.current_seq(vault, "room-a") == 0
    assert [seqs.next_seq(vault, "room-a") for _ in range(3)] == [1, 2, 3]
    assert seqs.next_seq(vault, "room-b") == 1
    assert seqs.current_seq(vault, "room-a") == 3


def test_outbox_idempotency(vault: Any) -> None:
    assert outbox.enqueue(vault, "idem-1", "envelope", b"\x00payload-1", 1)
    assert not outbox.enqueue(vault, "idem-1", "envelope", b"something else", 2)
    assert outbox.enqueue(vault, "idem-2", "envelope", b"payload-2", 3)
    pend = outbox.pending(vault, 10)
    assert [(e.key, e.payload) for e in pend] == [
        ("idem-1", b"\x00payload-1"), ("idem-2", b"payload-2")]
    assert outbox.pending_count(vault) == 2
    assert outbox.mark_attempt(vault, "idem-1", "connection refused", 5) == 1
    assert outbox.mark_attempt(vault, "idem-1", None, 6) == 2
    entry = outbox.get_entry(vault, "idem-1")
    assert entry is not None and entry.attempts == 2 and entry.last_attempt_ms == 6
    assert outbox.mark_sent(vault, "idem-1", 7)
    assert not outbox.mark_sent(vault, "idem-1", 8)
    assert [e.key for e in outbox.pending(vault, 10)] == ["idem-2"]
    assert not outbox.enqueue(vault, "idem-1", "envelope", b"again", 9)  # sent stays sent
    assert [e.key for e in outbox.pending(vault, 10)] == ["idem-2"]
    assert outbox.purge_sent(vault, 100) == 1
    with pytest.raises(InvalidData):
        outbox.mark_attempt(vault, "missing", "x", 1)
    with pytest.raises(InvalidData):
        outbox.enqueue(vault, "", "envelope", b"x")


def test_cursor_and_settings(vault: Any) -> None:
    assert kv.get_cursor(vault, "sync") is None
    kv.set_cursor(vault, "sync", "abc")
    kv.set_cursor(vault, "sync", "abd")
    assert kv.get_cursor(vault, "sync") == "abd"
    assert kv.get_setting(vault, "lang", "en") == "en"
    kv.set_setting(vault, "lang", "ja")
    assert kv.get_setting(vault, "lang") == "ja"
    assert kv.list_settings(vault) == {"lang": "ja"}
    assert kv.list_settings(vault, "la") == {"lang": "ja"}
    assert kv.list_settings(vault, "lang2") == {}
    assert kv.delete_setting(vault, "lang") and not kv.delete_setting(vault, "lang")


def test_settings_by_prefix(vault: Any) -> None:
    names = ["pending:room|L|1|a", "pending:room|L|1|b", "pending:room|L|10|c",
             "pending:room|L|2|d", "pending:rooms", "pendinG:x", "delivered:room|L|1",
             "pending:\U0010ffff", "pending:\U0010ffff\U0010ffffz", "pending:\ud7ffx",
             "pending:\ue000"]
    for n, name in enumerate(names):
        kv.set_setting(vault, name, str(n))
    for prefix in ("pending:room|L|1|", "pending:room|L|1", "pending:", "pending:\U0010ffff",
                   "pending:\ud7ff", "p", "\U0010ffff", "zzz"):
        want = {n: str(i) for i, n in enumerate(names) if n.startswith(prefix)}
        assert kv.list_settings(vault, prefix) == want, prefix
    assert kv.list_settings(vault, "pending:room|L|1|") == {"pending:room|L|1|a": "0",
                                                            "pending:room|L|1|b": "1"}
    assert kv.list_settings(vault, None) == kv.list_settings(vault, "") == kv.list_settings(
        vault) and len(kv.list_settings(vault)) == len(names)


_numbers = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.tuples(st.sampled_from(["d1", "d2"]), _numbers), min_size=1,
                        max_size=8))
def test_seen_runs_answer_as_a_set_of_numbers_would(vault: Any, batches: Any) -> None:
    # Seen numbers are stored as runs; every answer must be what a plain set gives.
    scope = "runs-" + secrets.token_hex(4)
    model: dict[str, set[int]] = {"d1": set(), "d2": set()}
    for sender, numbers in batches:
        got = seqs.record_seqs(vault, [(scope, sender, n) for n in numbers])
        want = []
        for n in numbers:
            want.append(n not in model[sender])
            model[sender].add(n)
        assert got == want
    for sender, seen in model.items():
        runs = [(int(a), int(b)) for a, b in vault.execute(
            "SELECT lo, hi FROM seen_runs WHERE scope = ? AND sender_device = ? ORDER BY lo",
            (scope, sender))]
        apart = zip(runs, runs[1:], strict=False)
        assert all(b + 1 < a2 for (_, b), (a2, _) in apart), runs
        assert {n for a, b in runs for n in range(a, b + 1)} == seen
        assert [n for n in range(-1, 63) if seqs.seq_seen(vault, scope, sender, n)] == \
            sorted(seen)
        assert seqs.highest_seq(vault, scope, sender) == (max(seen) if seen else None)
    for first in (None, 0, 5):
        want_gaps = []
        for sender in ("d1", "d2"):
            seen = sorted(model[sender])
            if not seen:
                continue
            if first is not None and seen[0] > first:
                want_gaps.append(SeqGap(scope, sender, first, seen[0] - 1))
            want_gaps += [SeqGap(scope, sender, a + 1, b - 1)
                          for a, b in zip(seen, seen[1:], strict=False) if b > a + 1]
        assert seqs.list_gaps(vault, scope, first_seq=first) == want_gaps
