"""A hash-chained audit log of restricted items opened (and other audited acts, e.g. a
downgrade), and the list of security events the sync engine records.

Each audit row carries BLAKE2b(prev_hash || canonical row); the running head (count, hash) is
kept in its own table. Editing, deleting, inserting or reordering rows, or cutting rows off
the end, all make :func:`verify_audit_chain` fail.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from store.errors import InvalidData
from store.models import AuditEntry, AuditReport, SecurityEvent
from store.vault import Connection, transaction

__all__ = [
    "GENESIS_HASH",
    "record_audit",
    "record_open",
    "list_audit",
    "audit_count",
    "verify_audit_chain",
    "audit_row_hash",
    "record_security_event",
    "list_security_events",
]

GENESIS_HASH = bytes(32)
_PERSON = b"renkei-audit-v1"
_COLS = "idx, at_ms, actor, action, item_id, label, detail, prev_hash, row_hash"


def audit_row_hash(
    prev_hash: bytes,
    index: int,
    at_ms: int,
    actor: str,
    action: str,
    item_id: str,
    label: str,
    detail: str,
) -> bytes:
    """BLAKE2b-256(prev_hash || canonical JSON of the row), personalised for this log."""
    canonical = json.dumps(
        [1, index, at_ms, actor, action, item_id, label, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    return hashlib.blake2b(prev_hash + canonical, digest_size=32, person=_PERSON).digest()


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(
        int(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]),
        str(row[6]), bytes(row[7]), bytes(row[8]),
    )


def record_audit(
    conn: Connection,
    actor: str,
    action: str,
    item_id: str,
    label: str,
    at_ms: int,
    detail: str = "",
) -> AuditEntry:
    """Append one audited act and advance the chain head, atomically."""
    if not actor or not action:
        raise InvalidData("an audit entry needs an actor and an action")
    with transaction(conn):
        head = conn.execute("SELECT count, head_hash FROM audit_head WHERE one = 1").fetchone()
        count, prev = (0, GENESIS_HASH) if head is None else (int(head[0]), bytes(head[1]))
        index = count + 1
        row_hash = audit_row_hash(prev, index, at_ms, actor, action, item_id, label, detail)
        conn.execute(
            f"INSERT INTO audit_log({_COLS}) VALUES (?,?,?,?,?,?,?,?,?)",
            (index, at_ms, actor, action, item_id, label, detail, prev, row_hash),
        )
        conn.execute(
            "INSERT INTO audit_head(one, count, head_hash) VALUES (1, ?, ?) "
            "ON CONFLICT(one) DO UPDATE SET count = excluded.count, head_hash = excluded.head_hash",
            (index, row_hash),
        )
        return AuditEntry(index, at_ms, actor, action, item_id, label, detail, prev, row_hash)


def record_open(
    conn: Connection, actor: str, item_id: str, label: str, at_ms: int, detail: str = ""
) -> AuditEntry:
    """Audit that ``actor`` opened restricted item ``item_id`` marked ``label``."""
    return record_audit(conn, actor, "open", item_id, label, at_ms, detail)


def list_audit(conn: Connection, offset: int = 0, limit: int = 100) -> list[AuditEntry]:
    """Audit rows in chain order."""
    rows = conn.execute(
        f"SELECT {_COLS} FROM audit_log ORDER BY idx LIMIT ? OFFSET ?",
        (max(0, limit), max(0, offset)),
    )
    return [_entry(r) for r in rows]


def audit_count(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def verify_audit_chain(conn: Connection) -> AuditReport:
    """Recompute the whole chain; the first problem found is reported."""
    prev = GENESIS_HASH
    expected = 1
    checked = 0
    cur = conn.execute(f"SELECT {_COLS} FROM audit_log ORDER BY idx")
    while rows := cur.fetchmany(1000):
        for row in rows:
            e = _entry(row)
            if e.index != expected:
                return AuditReport(
                    False, checked, f"audit row {expected} is missing (next row is {e.index})",
                    expected,
                )
            if e.prev_hash != prev:
                return AuditReport(
                    False, checked, f"audit row {e.index} does not follow the row before it",
                    e.index,
                )
            want = audit_row_hash(
                prev, e.index, e.at_ms, e.actor, e.action, e.item_id, e.label, e.detail
            )
            if e.row_hash != want:
                return AuditReport(
                    False, checked, f"audit row {e.index} was changed after it was written",
                    e.index,
                )
            prev = e.row_hash
            checked += 1
            expected += 1
    head = conn.execute("SELECT count, head_hash FROM audit_head WHERE one = 1").fetchone()
    head_count, head_hash = (0, GENESIS_HASH) if head is None else (int(head[0]), bytes(head[1]))
    if head_count != checked or head_hash != prev:
        return AuditReport(
            False, checked,
            f"the audit log ends at row {checked} but {head_count} rows were written",
            checked + 1,
        )
    return AuditReport(True, checked)


def record_security_event(
    conn: Connection,
    kind: str,
    detail: str,
    at_ms: int,
    *,
    room_id: str | None = None,
    device_id: str | None = None,
) -> int:
    """Record a security event (rejected envelope, forged member, swapped key, ...); returns
    its id."""
    if not kind:
        raise InvalidData("a security event needs a kind")
    row = conn.execute(
        "INSERT INTO security_events(at_ms, kind, detail, room_id, device_id) "
        "VALUES (?,?,?,?,?) RETURNING event_id",
        (at_ms, kind, detail, room_id, device_id),
    ).fetchone()
    return int(row[0])


def list_security_events(
    conn: Connection,
    limit: int = 100,
    *,
    kind: str | None = None,
    after_id: int = 0,
) -> list[SecurityEvent]:
    """Events with id above ``after_id``, oldest first."""
    sql = "SELECT event_id, at_ms, kind, detail, room_id, device_id FROM security_events "
    sql += "WHERE event_id > ?"
    params: list[Any] = [after_id]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    sql += " ORDER BY event_id LIMIT ?"
    params.append(max(0, limit))
    return [
        SecurityEvent(int(r[0]), int(r[1]), str(r[2]), str(r[3]), r[4], r[5])
        for r in conn.execute(sql, params)
    ]
