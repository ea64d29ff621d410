"""Upgrading a vault built at schema version 1, holding data, to the current schema."""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from store import audit, kv, migrations
from store.items import count_items, get_item, insert_item, list_items
from store.models import NewItem
from store.search import search
from store.vault import close_vault, open_vault


def _build_v1(path: Path, key: bytes) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    assert migrations.migrate(conn, target=1) == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert "items_fts" not in tables and "audit_log" not in tables
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO rooms(room_id, name, ceiling, history, created_ms) "
        "VALUES ('room-a', 'Joint room', 'SECRET//TLP:AMBER', 'shared', 1)"
    )
    rows = [
        ("old-1", "Ransomware at a utility", "Operators saw ransomware encrypt file servers."),
        ("old-2", "不正アクセスの報告", "社内サーバへの不正アクセスを確認しました。"),
        ("old-3", "", "Tampered envelope"),
    ]
    for n, (item_id, title, body) in enumerate(rows, start=1):
        status, reason = ("rejected", "bad signature") if item_id == "old-3" else ("ok", None)
        conn.execute(
            "INSERT INTO items(item_id, room_id, kind, sender_device, sender_user, label, "
            "content_type, title, body, created_ms, received_ms, status, reject_reason) "
            "VALUES (?, 'room-a', 'message', 'dev-1', 'alice', 'CONFIDENTIAL//TLP:AMBER', "
            "'text/plain', ?, ?, ?, ?, ?, ?)",
            (item_id, title, body, n, n, status, reason),
        )
    conn.execute("INSERT INTO cursors(name, value) VALUES ('sync', '3')")
    conn.execute("COMMIT")
    conn.close()


def test_v1_vault_upgrades_with_data(tmp_path: Path, key: bytes, item: object) -> None:
    path = tmp_path / "old.db"
    _build_v1(path, key)

    conn = open_vault(path, key)
    assert migrations.schema_version(conn) == migrations.LATEST_VERSION == 2
    # data survived
    assert count_items(conn, "room-a") == 3
    assert [i.item_id for i in list_items(conn, "room-a", 0, 10)] == ["old-1", "old-2", "old-3"]
    old = get_item(conn, "old-3")
    assert old is not None and old.status == "rejected" and old.reject_reason == "bad signature"
    assert kv.get_cursor(conn, "sync") == "3"
    # the new features work, on old and new data alike
    assert [h.item.item_id for h in search(conn, "ransomware")] == ["old-1"]
    assert [h.item.item_id for h in search(conn, "不正アクセス")] == ["old-2"]
    assert search(conn, "Tampered") == []  # rejected items were not indexed
    new = NewItem(
        item_id="new-1", room_id="room-a", kind="message", sender_device="dev-1",
        sender_user="alice", label="CONFIDENTIAL//TLP:AMBER", content_type="text/plain",
        created_ms=5, received_ms=5, body="more ransomware today",
    )
    assert insert_item(conn, new).outcome == "inserted"
    assert [h.item.item_id for h in search(conn, "ransomware")] == ["new-1", "old-1"]
    audit.record_open(conn, "alice", "old-1", "CONFIDENTIAL//TLP:AMBER", 10)
    assert audit.verify_audit_chain(conn).ok
    close_vault(conn)

    # upgrading is done once; reopening finds the current version and changes nothing
    conn = open_vault(path, key)
    assert migrations.migrate(conn) == migrations.LATEST_VERSION
    assert count_items(conn, "room-a") == 4
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    close_vault(conn)


def test_migrations_are_numbered_in_order() -> None:
    versions = [m.version for m in migrations.MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) >= 2
