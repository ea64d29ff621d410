"""The hash-chained audit log detects edits, deletions, insertions and truncation."""

from __future__ import annotations

from typing import Any

from store import audit

LABEL = "SECRET/CYBER//TLP:AMBER"


def _fill(vault: Any, n: int = 5) -> None:
    for i in range(n):
        audit.record_open(vault, "alice", f"brief-{i}", LABEL, 1000 + i, detail=f"閲覧 {i}")


def test_chain_verifies(vault: Any) -> None:
    assert audit.verify_audit_chain(vault).ok  # empty log
    _fill(vault)
    report = audit.verify_audit_chain(vault)
    assert report.ok and report.checked == 5 and report.problem is None
    entries = audit.list_audit(vault)
    assert [e.index for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert all(entries[i].prev_hash == entries[i - 1].row_hash for i in range(1, 5))
    assert audit.audit_count(vault) == 5
    assert audit.record_audit(vault, "bob", "downgrade", "x", LABEL, 2000).index == 6


def test_edited_row_is_detected(vault: Any) -> None:
    _fill(vault)
    vault.execute("UPDATE audit_log SET actor = 'mallory' WHERE idx = 3")
    report = audit.verify_audit_chain(vault)
    assert not report.ok and report.bad_index == 3 and "changed" in (report.problem or "")


def test_edited_row_with_recomputed_hash_is_detected(vault: Any) -> None:
    _fill(vault)
    e = audit.list_audit(vault)[2]
    forged = audit.audit_row_hash(e.prev_hash, e.index, e.at_ms, "mallory", e.action,
                                  e.item_id, e.label, e.detail)
    vault.execute("UPDATE audit_log SET actor = 'mallory', row_hash = ? WHERE idx = 3", (forged,))
    report = audit.verify_audit_chain(vault)
    assert not report.ok and report.bad_index == 4


def test_deleted_row_is_detected(vault: Any) -> None:
    _fill(vault)
    vault.execute("DELETE FROM audit_log WHERE idx = 2")
    report = audit.verify_audit_chain(vault)
    assert not report.ok and report.bad_index == 2 and "missing" in (report.problem or "")


def test_truncation_is_detected(vault: Any) -> None:
    _fill(vault)
    vault.execute("DELETE FROM audit_log WHERE idx >= 4")
    report = audit.verify_audit_chain(vault)
    assert not report.ok and report.checked == 3


def test_row_appended_behind_the_log_is_detected(vault: Any) -> None:
    _fill(vault, 2)
    last = audit.list_audit(vault)[-1]
    h = audit.audit_row_hash(last.row_hash, 3, 5, "mallory", "open", "x", LABEL, "")
    vault.execute(
        "INSERT INTO audit_log VALUES (3, 5, 'mallory', 'open', 'x', ?, '', ?, ?)",
        (LABEL, last.row_hash, h),
    )
    assert not audit.verify_audit_chain(vault).ok


def test_security_events(vault: Any) -> None:
    a = audit.record_security_event(vault, "rejected-envelope", "signature invalid", 1,
                                    room_id="room-a", device_id="dev-x")
    b = audit.record_security_event(vault, "forged-member", "unsigned add", 2, room_id="room-a")
    audit.record_security_event(vault, "swapped-key", "epoch 3 differs", 3)
    events = audit.list_security_events(vault)
    assert [e.kind for e in events] == ["rejected-envelope", "forged-member", "swapped-key"]
    assert events[0].event_id == a and events[0].device_id == "dev-x"
    assert [e.event_id for e in audit.list_security_events(vault, after_id=a)][0] == b
    assert [e.kind for e in audit.list_security_events(vault, kind="swapped-key")] == [
        "swapped-key"]
