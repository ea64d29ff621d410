"""Versioned schema migrations, tracked in ``PRAGMA user_version``.

Each step runs in its own transaction together with the version bump, so a crash leaves the
vault at the previous version or the next one, never half-way. A step is never edited once
released; changes go in a new step appended to :data:`MIGRATIONS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from store.errors import StoreError, VaultTooNew
from store.textindex import index_text

__all__ = ["Migration", "MIGRATIONS", "LATEST_VERSION", "schema_version", "migrate"]

Conn = Any  # a sqlcipher3 connection; see store.vault.Connection


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Conn], None]


_V1 = [
    """CREATE TABLE certificates (
        device_id    TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL,
        org          TEXT NOT NULL,
        display_name TEXT NOT NULL,
        fingerprint  TEXT NOT NULL,
        cert         BLOB NOT NULL,
        added_ms     INTEGER NOT NULL,
        verified     INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1))
    )""",
    "CREATE INDEX certificates_user ON certificates(user_id)",
    """CREATE TABLE key_changes (
        change_id       INTEGER PRIMARY KEY,
        user_id         TEXT NOT NULL,
        device_id       TEXT NOT NULL,
        old_fingerprint TEXT,
        new_fingerprint TEXT NOT NULL,
        seen_ms         INTEGER NOT NULL,
        accepted_ms     INTEGER
    )""",
    "CREATE INDEX key_changes_open ON key_changes(user_id) WHERE accepted_ms IS NULL",
    """CREATE TABLE rooms (
        room_id       TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        ceiling       TEXT NOT NULL,
        history       TEXT NOT NULL,
        created_ms    INTEGER NOT NULL,
        last_read_pos INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE membership_events (
        room_id    TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        idx        INTEGER NOT NULL CHECK (idx >= 0),
        event      BLOB NOT NULL,
        event_hash BLOB NOT NULL,
        PRIMARY KEY (room_id, idx)
    ) WITHOUT ROWID""",
    """CREATE TABLE epoch_keys (
        room_id       TEXT NOT NULL,
        label         TEXT NOT NULL,
        epoch         INTEGER NOT NULL CHECK (epoch >= 0),
        key           BLOB NOT NULL,
        created_ms    INTEGER NOT NULL,
        messages_sent INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, label, epoch)
    ) WITHOUT ROWID""",
    # pos is the local arrival order: stable, increasing, never reused (AUTOINCREMENT), and
    # the rowid of the FTS index.
    """CREATE TABLE items (
        pos           INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id       TEXT NOT NULL UNIQUE,
        room_id       TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN
                      ('message','brief','advisory','report','catalog','ack','system')),
        sender_device TEXT NOT NULL,
        sender_user   TEXT NOT NULL,
        sender_name   TEXT NOT NULL DEFAULT '',
        seq           INTEGER,
        label         TEXT NOT NULL,
        content_type  TEXT NOT NULL,
        title         TEXT NOT NULL DEFAULT '',
        body          TEXT NOT NULL DEFAULT '',
        payload       TEXT,
        created_ms    INTEGER NOT NULL,
        received_ms   INTEGER NOT NULL,
        thread_id     TEXT,
        reply_to      TEXT,
        status        TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'rejected')),
        reject_reason TEXT
    )""",
    "CREATE INDEX items_room_pos ON items(room_id, pos)",
    "CREATE INDEX items_thread ON items(thread_id, pos) WHERE thread_id IS NOT NULL",
    """CREATE TABLE seen_seqs (
        scope         TEXT NOT NULL,
        sender_device TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        PRIMARY KEY (scope, sender_device, seq)
    ) WITHOUT ROWID""",
    """CREATE TABLE own_seqs (
        scope TEXT PRIMARY KEY,
        last  INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE outbox (
        key             TEXT PRIMARY KEY,
        kind            TEXT NOT NULL,
        payload         BLOB NOT NULL,
        created_ms      INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        last_attempt_ms INTEGER,
        sent_ms         INTEGER
    )""",
    "CREATE INDEX outbox_pending ON outbox(created_ms) WHERE sent_ms IS NULL",
    "CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE security_events (
        event_id  INTEGER PRIMARY KEY,
        at_ms     INTEGER NOT NULL,
        kind      TEXT NOT NULL,
        detail    TEXT NOT NULL,
        room_id   TEXT,
        device_id TEXT
    )""",
]

_V2 = [
    # Contentless: the text lives once, in items; the index holds the bigram form
    # (store.textindex), which is not the text people read.
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        title, body, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2'
    )""",
    # Lists index terms, to expand prefix queries (store.textindex.Prefix) into exact terms.
    "CREATE VIRTUAL TABLE items_fts_vocab USING fts5vocab(items_fts, 'row')",
    """CREATE TABLE audit_log (
        idx       INTEGER PRIMARY KEY,
        at_ms     INTEGER NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        item_id   TEXT NOT NULL,
        label     TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash BLOB NOT NULL,
        row_hash  BLOB NOT NULL
    )""",
    # Head of the chain, kept apart so cutting rows off the end is noticed too.
    """CREATE TABLE audit_head (
        one       INTEGER PRIMARY KEY CHECK (one = 1),
        count     INTEGER NOT NULL,
        head_hash BLOB NOT NULL
    )""",
]


def _run(conn: Conn, statements: list[str]) -> None:
    # Not executescript(): it would commit the surrounding migration transaction.
    for sql in statements:
        conn.execute(sql)


def _apply_v1(conn: Conn) -> None:
    _run(conn, _V1)


def _apply_v2(conn: Conn) -> None:
    _run(conn, _V2)
    rows = conn.execute("SELECT pos, title, body FROM items WHERE status = 'ok'")
    while batch := rows.fetchmany(1000):
        conn.executemany(
            "INSERT INTO items_fts(rowid, title, body) VALUES (?, ?, ?)",
            [(pos, index_text(title), index_text(body)) for pos, title, body in batch],
        )


# v3: the same CHECK constraints on items, written as OR chains. Under cipher_memory_security
# an IN list builds a temporary index for every row checked (allocations, each locked and
# wiped): ~120 µs per inserted row, against ~15 µs as comparisons.
_V3_CHECKS = (
    (
        re.compile(r"CHECK\s*\(\s*kind\s+IN\s*\([^)]*\)\s*\)"),
        "CHECK (kind = 'message' OR kind = 'brief' OR kind = 'advisory' OR kind = 'report' "
        "OR kind = 'catalog' OR kind = 'ack' OR kind = 'system')",
    ),
    (
        re.compile(r"CHECK\s*\(\s*status\s+IN\s*\([^)]*\)\s*\)"),
        "CHECK (status = 'ok' OR status = 'rejected')",
    ),
)
_V3 = [
    # Acknowledgements and answers by what they reply to (store.items.list_replies).
    "CREATE INDEX items_reply_to ON items(reply_to) WHERE reply_to IS NOT NULL",
]


def _apply_v3(conn: Conn) -> None:
    # Changing CHECK constraints leaves the stored format as it is, so SQLite's documented
    # procedure applies: edit the table's CREATE statement in sqlite_schema and bump the
    # schema version (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table
    # Schema Changes"). No row is rewritten, positions and the FTS index stay as they are,
    # and a vault of a million items upgrades as fast as an empty one.
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'items'"
    ).fetchone()
    new_sql = str(sql)
    for pattern, replacement in _V3_CHECKS:
        new_sql, count = pattern.subn(replacement, new_sql)
        if count != 1:
            raise StoreError(
                "this vault's items table is not in the form Renkei created; it was left "
                "unchanged. Restore it from a backup or contact support."
            )
    version = int(conn.execute("PRAGMA schema_version").fetchone()[0])
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'items'",
            (new_sql,),
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    _run(conn, _V3)


# v4: seen sequence numbers as runs (store.seqs), one row per contiguous range instead of
# one per number; the rows are converted in one statement (gaps and islands).
_V4 = [
    """CREATE TABLE seen_runs (
        scope         TEXT NOT NULL,
        sender_device TEXT NOT NULL,
        lo            INTEGER NOT NULL,
        hi            INTEGER NOT NULL,
        PRIMARY KEY (scope, sender_device, lo)
    ) WITHOUT ROWID""",
    """INSERT INTO seen_runs(scope, sender_device, lo, hi)
       SELECT scope, sender_device, min(seq), max(seq) FROM (
           SELECT scope, sender_device, seq,
                  seq - row_number() OVER (PARTITION BY scope, sender_device ORDER BY seq)
                  AS island
           FROM seen_seqs)
       GROUP BY scope, sender_device, island""",
    "DROP TABLE seen_seqs",
]


def _apply_v4(conn: Conn) -> None:
    _run(conn, _V4)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "base tables", _apply_v1),
    Migration(2, "full-text search (CJK bigrams) and hash-chained audit log", _apply_v2),
    Migration(3, "cheaper item CHECK constraints; index of replies", _apply_v3),
    Migration(4, "seen sequence numbers kept as runs", _apply_v4),
)
LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(conn: Conn) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Conn, target: int | None = None) -> int:
    """Apply the missing steps up to ``target`` (default: latest); returns the new version."""
    goal = LATEST_VERSION if target is None else target
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise VaultTooNew(
            f"this vault has schema version {current} but this Renkei knows only up to "
            f"{LATEST_VERSION}; update Renkei to open it"
        )
    for step in MIGRATIONS:
        if current < step.version <= goal:
            conn.execute("BEGIN IMMEDIATE")
            try:
                step.apply(conn)
                conn.execute(f"PRAGMA user_version = {int(step.version)}")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            current = step.version
    return current
