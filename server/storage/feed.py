"""The feed table: every deliverable item is one row, positioned in commit order.

``scope`` says who may be interested: a room or channel id, ``d:<device>`` (key
deliveries), ``u:<user>`` (acks) or ``*`` (certificates and revocation lists). The
per-device rules (membership, clearance, direct recipients) are applied in ``server.feed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.storage.db import Conn, Row

META_KINDS = ("certificate", "crl", "event")
_COLS = "pos, kind, scope, label, sender, recipients, payload, created"


@dataclass(frozen=True, slots=True)
class FeedRow:
    pos: int
    kind: str
    scope: str
    label: str | None
    sender: str | None
    recipients: str | None  # space-separated device ids (direct mode)
    payload: str  # JSON text, already validated when it was written
    created: int

    @classmethod
    def of(cls, r: Row) -> FeedRow:
        return cls(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], int(r[7]))


def insert(conn: Conn, kind: str, scope: str, payload: str, created: int, *,
           label: str | None = None, sender: str | None = None, recipients: str | None = None,
           dedup: str | None = None) -> FeedRow | None:
    """The new row, or None when ``dedup`` is already taken (an idempotent retry)."""
    r = conn.one(
        "INSERT INTO feed (kind, scope, label, sender, recipients, dedup, payload, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup) DO NOTHING RETURNING pos",
        (kind, scope, label, sender, recipients, dedup, payload, created))
    if r is None:
        return None
    return FeedRow(int(r[0]), kind, scope, label, sender, recipients, payload, created)


def by_dedup(conn: Conn, dedup: str) -> FeedRow | None:
    r = conn.one(f"SELECT {_COLS} FROM feed WHERE dedup = ?", (dedup,))
    return FeedRow.of(r) if r else None


def max_pos(conn: Conn) -> int:
    r = conn.one("SELECT max(pos) FROM feed")
    return int(r[0]) if r and r[0] is not None else 0


def meta_since(conn: Conn, after: int) -> tuple[list[FeedRow], int]:
    """Certificates, revocation lists and events after ``after``, and the newest position,
    read in one snapshot (the caller's transaction)."""
    top = max_pos(conn)
    rows = conn.q(f"SELECT {_COLS} FROM feed WHERE kind IN ('certificate', 'crl', 'event') "
                  "AND pos > ? AND pos <= ? ORDER BY pos", (after, top))
    return [FeedRow.of(r) for r in rows], top


def scan(conn: Conn, scopes: list[str], after: int, upto: int, limit: int) -> list[FeedRow]:
    """Rows in ``scopes`` with ``after < pos <= upto``, oldest first."""
    if not scopes or upto <= after:
        return []
    marks = ", ".join("?" * len(scopes))
    rows = conn.q(f"SELECT {_COLS} FROM feed WHERE pos > ? AND pos <= ? AND scope IN ({marks}) "
                  "ORDER BY pos LIMIT ?", (after, upto, *scopes, limit))
    return [FeedRow.of(r) for r in rows]


def room_envelopes_before(conn: Conn, room: str, before: int, limit: int) -> list[FeedRow]:
    """A room's envelope rows with ``pos < before``, newest first (shared history)."""
    if before <= 1:
        return []
    rows = conn.q(f"SELECT {_COLS} FROM feed WHERE scope = ? AND pos < ? AND kind = 'envelope' "
                  "ORDER BY pos DESC LIMIT ?", (room, before, limit))
    return [FeedRow.of(r) for r in rows]


def insert_nonce(conn: Conn, device: str, nonce: str, expires: int) -> bool:
    """False when this (device, nonce) was already used: a replay."""
    if conn.pg:
        # Nonces only guard the timestamp window; not waiting for the WAL flush keeps
        # authentication cheap. A database crash could forget the last few, reopening a
        # replay of those requests until their timestamps expire (minutes).
        conn.x("SET LOCAL synchronous_commit TO OFF")
    r = conn.one("INSERT INTO nonces (device, nonce, expires) VALUES (?, ?, ?) "
                 "ON CONFLICT (device, nonce) DO NOTHING RETURNING 1", (device, nonce, expires))
    return r is not None


def purge_nonces(conn: Conn, now: int) -> int:
    return conn.x("DELETE FROM nonces WHERE expires < ?", (now,))


def session_secret(conn: Conn, fresh: bytes) -> bytes:
    """The server's session secret; ``fresh`` becomes it if there is none yet (the first
    instance to start on a database wins, the others read its secret)."""
    conn.x("INSERT INTO server_secret (one, secret) VALUES (1, ?) ON CONFLICT (one) DO NOTHING",
           (fresh,))
    r = conn.one("SELECT secret FROM server_secret WHERE one = 1")
    assert r is not None
    return bytes(r[0])
