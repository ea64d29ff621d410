"""Sequence numbers: those seen from each sender (replay and gap detection) and our own.

A scope is whatever the sequence counts within, e.g. a room or direct channel id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from store.errors import InvalidData
from store.models import SeqGap
from store.vault import Connection, transaction

__all__ = [
    "record_seq",
    "record_seqs",
    "seq_seen",
    "list_gaps",
    "highest_seq",
    "next_seq",
    "current_seq",
]


def record_seq(conn: Connection, scope: str, sender_device: str, seq: int) -> bool:
    """Note that ``seq`` from ``sender_device`` arrived; True if new, False if a replay."""
    if seq < 0:
        raise InvalidData("a sequence number cannot be negative")
    cur = conn.execute(
        "INSERT INTO seen_seqs(scope, sender_device, seq) VALUES (?,?,?) ON CONFLICT DO NOTHING",
        (scope, sender_device, seq),
    )
    return bool(cur.rowcount)


def record_seqs(conn: Connection, rows: Iterable[tuple[str, str, int]], *,
                savepoint: bool = True) -> list[bool]:
    """:func:`record_seq` for a batch of (scope, sender device, seq): one result per row, in
    order, True where the number is new. A number twice in the batch is new only the first
    time. Two statements per (scope, sender) whatever the batch size. ``savepoint`` as for
    :func:`store.vault.transaction`."""
    batch = [(str(scope), str(sender), int(seq)) for scope, sender, seq in rows]
    if any(seq < 0 for _, _, seq in batch):
        raise InvalidData("a sequence number cannot be negative")
    groups: dict[tuple[str, str], set[int]] = {}
    for scope, sender, seq in batch:
        groups.setdefault((scope, sender), set()).add(seq)
    seen: set[tuple[str, str, int]] = set()
    with transaction(conn, savepoint=savepoint):
        for (scope, sender), numbers in groups.items():
            wanted = json.dumps(sorted(numbers))
            seen.update(
                (scope, sender, int(row[0]))
                for row in conn.execute(
                    "SELECT seq FROM seen_seqs WHERE scope = ? AND sender_device = ? "
                    "AND seq IN (SELECT value FROM json_each(?))",
                    (scope, sender, wanted),
                )
            )
            # Integers from json_each cost no allocation per row, unlike text.
            conn.execute(
                "INSERT INTO seen_seqs(scope, sender_device, seq) "
                "SELECT ?, ?, value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING",
                (scope, sender, wanted),
            )
    fresh = []
    for key in batch:
        fresh.append(key not in seen)
        seen.add(key)
    return fresh


def seq_seen(conn: Connection, scope: str, sender_device: str, seq: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM seen_seqs WHERE scope = ? AND sender_device = ? AND seq = ?",
        (scope, sender_device, seq),
    ).fetchone()
    return row is not None


def highest_seq(conn: Connection, scope: str, sender_device: str) -> int | None:
    row = conn.execute(
        "SELECT max(seq) FROM seen_seqs WHERE scope = ? AND sender_device = ?",
        (scope, sender_device),
    ).fetchone()
    return None if row[0] is None else int(row[0])


def list_gaps(conn: Connection, scope: str, *, first_seq: int | None = None) -> list[SeqGap]:
    """Missing ranges per sender in ``scope``, between ``first_seq`` (default: the lowest
    number seen from that sender) and the highest seen. Sorted by sender, then range."""
    rows = conn.execute(
        "SELECT sender_device, seq, nxt FROM ("
        " SELECT sender_device, seq, lead(seq) OVER (PARTITION BY sender_device ORDER BY seq)"
        " AS nxt FROM seen_seqs WHERE scope = ?"
        ") WHERE nxt > seq + 1 ORDER BY sender_device, seq",
        (scope,),
    ).fetchall()
    gaps = [SeqGap(scope, str(s), int(q) + 1, int(n) - 1) for s, q, n in rows]
    if first_seq is not None:
        lows = conn.execute(
            "SELECT sender_device, min(seq) FROM seen_seqs WHERE scope = ? GROUP BY sender_device",
            (scope,),
        ).fetchall()
        gaps += [
            SeqGap(scope, str(s), first_seq, int(low) - 1) for s, low in lows if low > first_seq
        ]
        gaps.sort(key=lambda g: (g.sender_device, g.first_missing))
    return gaps


def next_seq(conn: Connection, scope: str) -> int:
    """Our next outgoing sequence number in ``scope`` (1, 2, 3, …); atomic, never reused."""
    row = conn.execute(
        "INSERT INTO own_seqs(scope, last) VALUES (?, 1) "
        "ON CONFLICT(scope) DO UPDATE SET last = last + 1 RETURNING last",
        (scope,),
    ).fetchone()
    return int(row[0])


def current_seq(conn: Connection, scope: str) -> int:
    """The last number :func:`next_seq` handed out in ``scope`` (0 if none)."""
    row = conn.execute("SELECT last FROM own_seqs WHERE scope = ?", (scope,)).fetchone()
    return 0 if row is None else int(row[0])
