"""Versioned schema migrations, one list of statements per version, for both dialects.

``{pk}`` and ``{blob}`` are replaced per dialect. Never edit a released migration: append a
new version instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.storage.db import Conn

DIALECT = {
    "sqlite": {"pk": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB"},
    "postgres": {"pk": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA"},
}

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        # The feed is the single source of truth: every certificate, revocation list,
        # membership event, envelope, key delivery and ack is one row, in commit order.
        "CREATE TABLE feed (pos {pk}, kind TEXT NOT NULL, scope TEXT NOT NULL, label TEXT, "
        "sender TEXT, recipients TEXT, dedup TEXT UNIQUE, payload TEXT NOT NULL, "
        "created BIGINT NOT NULL)",
        "CREATE INDEX feed_scope_pos ON feed (scope, pos)",
        "CREATE INDEX feed_kind_pos ON feed (kind, pos)",
        "CREATE TABLE nonces (device TEXT NOT NULL, nonce TEXT NOT NULL, "
        "expires BIGINT NOT NULL, PRIMARY KEY (device, nonce))",
        "CREATE INDEX nonces_expires ON nonces (expires)",
        "CREATE TABLE attachments (id TEXT PRIMARY KEY, size BIGINT NOT NULL, "
        "uploader TEXT NOT NULL, created BIGINT NOT NULL)",
        "CREATE TABLE attachment_chunks (id TEXT NOT NULL, n INTEGER NOT NULL, "
        "data {blob} NOT NULL, PRIMARY KEY (id, n))",
    ]),
    (2, [
        # The key request sessions are derived from (crypto.sessions); shared by every
        # instance on one database, so any of them checks any session.
        "CREATE TABLE server_secret (one INTEGER PRIMARY KEY CHECK (one = 1), "
        "secret {blob} NOT NULL)",
    ]),
]


def migrate(conn: Conn) -> int:
    """Bring the schema to the newest version inside the caller's transaction."""
    conn.x("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.one("SELECT max(version) FROM schema_version")
    current = int(row[0]) if row and row[0] is not None else 0
    newest = MIGRATIONS[-1][0]
    if current > newest:
        from server.errors import ConfigError

        raise ConfigError(f"the database schema (version {current}) is newer than this server "
                          f"understands ({newest}); upgrade renkei-server")
    subst = DIALECT["postgres" if conn.pg else "sqlite"]
    for version, statements in MIGRATIONS:
        if version <= current:
            continue
        for stmt in statements:
            conn.x(stmt.format(**subst))
        conn.x("INSERT INTO schema_version (version) VALUES (?)", (version,))
    return newest
