"""The outbox: what this device still has to send, keyed by an idempotency key.

Enqueueing the same key twice keeps one entry. The sync engine sends pending entries, marks
them sent once the server acknowledged them, and the server deduplicates by the same key, so a
crash between sending and marking never produces a second copy.
"""

from __future__ import annotations

from typing import Any

from store.errors import InvalidData
from store.models import OutboxEntry
from store.vault import Connection, transaction

__all__ = [
    "enqueue",
    "pending",
    "pending_count",
    "get_entry",
    "mark_sent",
    "mark_attempt",
    "purge_sent",
]

_COLS = "key, kind, payload, created_ms, attempts, last_error, last_attempt_ms, sent_ms"


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    return OutboxEntry(
        str(row[0]), str(row[1]), bytes(row[2]), int(row[3]), int(row[4]), row[5], row[6], row[7]
    )


def enqueue(
    conn: Connection, key: str, kind: str, payload: bytes, created_ms: int = 0
) -> bool:
    """Queue ``payload`` under idempotency ``key``; True if new, False if already queued."""
    if not key:
        raise InvalidData("an outbox entry needs an idempotency key")
    cur = conn.execute(
        "INSERT INTO outbox(key, kind, payload, created_ms) VALUES (?,?,?,?) "
        "ON CONFLICT(key) DO NOTHING",
        (key, kind, bytes(payload), created_ms),
    )
    return bool(cur.rowcount)


def pending(conn: Connection, limit: int = 100) -> list[OutboxEntry]:
    """Unsent entries in the order they were queued."""
    rows = conn.execute(
        f"SELECT {_COLS} FROM outbox WHERE sent_ms IS NULL ORDER BY created_ms, rowid LIMIT ?",
        (max(0, limit),),
    )
    return [_entry(r) for r in rows]


def pending_count(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox WHERE sent_ms IS NULL").fetchone()[0])


def get_entry(conn: Connection, key: str) -> OutboxEntry | None:
    row = conn.execute(f"SELECT {_COLS} FROM outbox WHERE key = ?", (key,)).fetchone()
    return None if row is None else _entry(row)


def mark_sent(conn: Connection, key: str, sent_ms: int = 0) -> bool:
    """The server acknowledged ``key``; True if it was pending. Not waited onto the disk:
    if a power cut undoes it, the request is sent again and the server, idempotent on the
    key, keeps one copy."""
    with transaction(conn, recoverable=True):
        cur = conn.execute(
            "UPDATE outbox SET sent_ms = ? WHERE key = ? AND sent_ms IS NULL", (sent_ms, key)
        )
        return bool(cur.rowcount)


def mark_attempt(conn: Connection, key: str, error: str | None, at_ms: int = 0) -> int:
    """Record a failed (or unanswered) send attempt; returns the attempt count."""
    row = conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_ms = ? "
        "WHERE key = ? RETURNING attempts",
        (error, at_ms, key),
    ).fetchone()
    if row is None:
        raise InvalidData(f"no outbox entry {key!r}")
    return int(row[0])


def purge_sent(conn: Connection, sent_before_ms: int) -> int:
    """Delete entries acknowledged before ``sent_before_ms``; returns how many."""
    cur = conn.execute(
        "DELETE FROM outbox WHERE sent_ms IS NOT NULL AND sent_ms < ?", (sent_before_ms,)
    )
    return int(cur.rowcount)
