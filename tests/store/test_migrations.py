"""Upgrading vaults built at older schema versions, holding data, to the current schema."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from store import audit, kv, migrations, seqs
from store.errors import StoreError
from store.items import (
    ITEM_COLUMNS,
    count_items,
    get_item,
    insert_item,
    insert_items,
    list_items,
    list_replies,
)
from store.models import NewItem, SeqGap
from store.search import search
from store.textindex import index_text
from store.vault import close_vault, open_vault


def _raw(path: Path, key: bytes) -> Any:
    """A vault connection that does not migrate (to build old versions)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def _build_v1(path: Path, key: bytes) -> None:
    conn = _raw(path, key)
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
    assert migrations.schema_version(conn) == migrations.LATEST_VERSION == 4
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


V2_ITEMS = [
    # (item id, kind, title, body, status, reply_to)
    ("v2-1", "advisory", "Ransomware advisory", "Patch the VPN appliance now.", "ok", None),
    ("v2-2", "message", "", "標的型メールによる不正アクセスを確認しました。", "ok", None),
    ("v2-3", "ack", "", "", "ok", "v2-1"),
    ("v2-4", "system", "", "Tampered envelope", "rejected", None),
    ("v2-5", "ack", "", "", "ok", "v2-1"),
]


def _build_v2(path: Path, key: bytes) -> None:
    conn = _raw(path, key)
    assert migrations.migrate(conn, target=2) == 2
    conn.execute("BEGIN")
    for pos, (item_id, kind, title, body, status, reply_to) in enumerate(V2_ITEMS, start=1):
        conn.execute(
            "INSERT INTO items(pos, item_id, room_id, kind, sender_device, sender_user, label, "
            "content_type, title, body, created_ms, received_ms, reply_to, status, "
            "reject_reason) VALUES (?, ?, 'room-a', ?, 'dev-1', 'alice', "
            "'CONFIDENTIAL//TLP:AMBER', 'text/plain', ?, ?, ?, ?, ?, ?, ?)",
            (pos, item_id, kind, title, body, pos, pos, reply_to, status,
             "bad signature" if status == "rejected" else None),
        )
        if status == "ok":  # as store.items indexed them at version 2
            conn.execute("INSERT INTO items_fts(rowid, title, body) VALUES (?, ?, ?)",
                         (pos, index_text(title), index_text(body)))
    conn.execute("INSERT INTO settings(name, value) VALUES ('lang', 'ja')")
    conn.execute("COMMIT")
    v2_sql = conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'items'").fetchone()[0]
    assert "kind IN" in v2_sql and "status IN" in v2_sql
    conn.close()


def _items_sql(conn: Any) -> str:
    return str(conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'items'").fetchone()[0])


def test_v2_vault_upgrades_to_v3_with_data(tmp_path: Path, key: bytes) -> None:
    path = tmp_path / "v2.db"
    _build_v2(path, key)
    conn = open_vault(path, key)
    assert migrations.schema_version(conn) == migrations.LATEST_VERSION
    # The CHECK constraints are comparisons now, and they still hold.
    sql = _items_sql(conn)
    assert " IN " not in sql.upper() and "kind = 'ack'" in sql and "status = 'rejected'" in sql
    for kind, status in (("bogus", "ok"), ("message", "maybe")):
        with pytest.raises(sqlcipher.IntegrityError, match="CHECK constraint failed"):
            conn.execute(
                "INSERT INTO items(item_id, room_id, kind, sender_device, sender_user, label, "
                "content_type, created_ms, received_ms, status) "
                "VALUES ('x', 'room-a', ?, 'd', 'u', 'l', 'c', 1, 1, ?)", (kind, status))
    # Every row, position and index entry is as it was.
    assert [(i.pos, i.item_id, i.kind, i.status) for i in list_items(conn, "room-a", 0, 10)] == [
        (n, r[0], r[1], r[4]) for n, r in enumerate(V2_ITEMS, start=1)]
    assert [h.item.item_id for h in search(conn, "ransomware")] == ["v2-1"]
    assert [h.item.item_id for h in search(conn, "不正アクセス")] == ["v2-2"]
    assert search(conn, "Tampered") == []
    assert kv.list_settings(conn) == {"lang": "ja"}
    # The replies index serves list_replies on the old rows.
    assert [i.item_id for i in list_replies(conn, ["v2-1"])] == ["v2-3", "v2-5"]
    plan = " ".join(str(r[3]) for r in conn.execute(
        f"EXPLAIN QUERY PLAN SELECT {ITEM_COLUMNS} FROM items WHERE reply_to IS NOT NULL "
        "AND reply_to IN (SELECT value FROM json_each(?)) ORDER BY pos", ('["v2-1"]',)))
    assert "items_reply_to" in plan
    # New items go after the old ones and are found alongside them.
    new = NewItem(item_id="v3-1", room_id="room-a", kind="message", sender_device="dev-1",
                  sender_user="alice", label="CONFIDENTIAL//TLP:AMBER", content_type="text/plain",
                  created_ms=9, received_ms=9, body="ransomware again")
    [res] = insert_items(conn, [new])
    assert res.outcome == "inserted" and res.pos == len(V2_ITEMS) + 1
    assert [h.item.item_id for h in search(conn, "ransomware")] == ["v3-1", "v2-1"]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    close_vault(conn)
    # Reopening (a fresh schema read from the file) keeps the rewritten constraints.
    conn = open_vault(path, key)
    assert _items_sql(conn) == sql and migrations.migrate(conn) == migrations.LATEST_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    close_vault(conn)


SEEN_V3 = [("room-a", "dev-1", n) for n in (*range(1, 6), 7, *range(10, 13))] + [
    ("room-a", "dev-2", 4), ("room-b", "dev-1", 1), ("room-b", "dev-1", 2)]


def test_v3_seen_numbers_become_runs_with_the_same_answers(tmp_path: Path, key: bytes) -> None:
    conn = _raw(tmp_path / "v3.db", key)
    assert migrations.migrate(conn, target=3) == 3
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO seen_seqs(scope, sender_device, seq) VALUES (?,?,?)",
                     SEEN_V3)
    conn.execute("COMMIT")
    assert migrations.migrate(conn) == 4
    assert sorted(conn.execute("SELECT scope, sender_device, lo, hi FROM seen_runs")) == [
        ("room-a", "dev-1", 1, 5), ("room-a", "dev-1", 7, 7), ("room-a", "dev-1", 10, 12),
        ("room-a", "dev-2", 4, 4), ("room-b", "dev-1", 1, 2)]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert "seen_seqs" not in tables
    for scope, sender, n in SEEN_V3:
        assert seqs.seq_seen(conn, scope, sender, n)
    assert not seqs.seq_seen(conn, "room-a", "dev-1", 6)
    assert seqs.list_gaps(conn, "room-a", first_seq=1) == [
        SeqGap("room-a", "dev-1", 6, 6), SeqGap("room-a", "dev-1", 8, 9),
        SeqGap("room-a", "dev-2", 1, 3)]
    assert seqs.highest_seq(conn, "room-a", "dev-1") == 12
    # Recording goes on from the runs: 6 fills a gap, 13 extends, 5 is a replay.
    assert seqs.record_seqs(conn, [("room-a", "dev-1", n) for n in (6, 13, 5)]) == [
        True, True, False]
    assert sorted(conn.execute("SELECT lo, hi FROM seen_runs WHERE scope = 'room-a' AND "
                               "sender_device = 'dev-1'")) == [(1, 7), (10, 13)]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_v3_refuses_an_items_table_it_does_not_recognise(tmp_path: Path, key: bytes) -> None:
    conn = _raw(tmp_path / "odd.db", key)
    migrations.migrate(conn, target=2)
    conn.execute("DROP TABLE items")
    conn.execute("CREATE TABLE items (pos INTEGER PRIMARY KEY, reply_to TEXT)")
    with pytest.raises(StoreError, match="not in the form Renkei created"):
        migrations.migrate(conn)
    # The failed step changed nothing.
    assert migrations.schema_version(conn) == 2
    assert _items_sql(conn) == "CREATE TABLE items (pos INTEGER PRIMARY KEY, reply_to TEXT)"
    conn.close()


def test_migrations_are_numbered_in_order() -> None:
    versions = [m.version for m in migrations.MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) >= 2
