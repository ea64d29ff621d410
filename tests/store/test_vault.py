"""Vault creation, opening, keys, pragmas, file modes and transactions."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from store import kv, migrations
from store import vault as vault_module
from store.errors import (
    InvalidData,
    StoreError,
    VaultExists,
    VaultNotFound,
    VaultTooNew,
    VaultWriteError,
    WrongKey,
)
from store.items import count_items, insert_item
from store.vault import checkpoint, close_vault, create_vault, open_vault, transaction


def _filled_vault(path: Path, key: bytes, item: Any) -> None:
    conn = create_vault(path, key)
    insert_item(conn, item(body="hello vault"))
    kv.set_cursor(conn, "sync", "41")
    close_vault(conn)


def test_create_then_open_keeps_data(vault_path: Path, key: bytes, item: Any) -> None:
    _filled_vault(vault_path, key, item)
    conn = open_vault(vault_path, key)
    assert count_items(conn, "room-a") == 1
    assert kv.get_cursor(conn, "sync") == "41"
    assert migrations.schema_version(conn) == migrations.LATEST_VERSION
    close_vault(conn)


def test_wrong_key_is_refused_and_file_unchanged(
    vault_path: Path, key: bytes, item: Any, snap: Any
) -> None:
    _filled_vault(vault_path, key, item)
    before = snap(vault_path.parent)
    other = bytes(b ^ 0xFF for b in key)
    with pytest.raises(WrongKey) as info:
        open_vault(vault_path, other)
    assert "does not open this vault" in str(info.value)
    assert "not changed or recreated" in str(info.value)
    assert info.value.message_ja
    assert snap(vault_path.parent) == before
    # and the right key still opens it, with the data
    conn = open_vault(vault_path, key)
    assert count_items(conn, "room-a") == 1
    close_vault(conn)


def test_plain_sqlite_or_garbage_file_is_not_opened(tmp_path: Path, key: bytes, snap: Any) -> None:
    plain = tmp_path / "plain.db"
    with sqlite3.connect(plain) as db:
        db.execute("CREATE TABLE t(x)")
    db.close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    before = snap(tmp_path)
    for p in (plain, garbage):
        with pytest.raises(WrongKey):
            open_vault(p, key)
    assert snap(tmp_path) == before


def test_create_refuses_existing_file(vault_path: Path, key: bytes, snap: Any) -> None:
    vault_path.write_bytes(b"someone else's data")
    before = snap(vault_path.parent)
    with pytest.raises(VaultExists):
        create_vault(vault_path, key)
    assert snap(vault_path.parent) == before


def test_create_refuses_existing_vault(vault_path: Path, key: bytes, item: Any, snap: Any) -> None:
    _filled_vault(vault_path, key, item)
    before = snap(vault_path.parent)
    with pytest.raises(VaultExists):
        create_vault(vault_path, key)
    assert snap(vault_path.parent) == before


def test_create_refuses_leftover_wal(vault_path: Path, key: bytes) -> None:
    Path(f"{vault_path}-wal").write_bytes(b"x")
    with pytest.raises(VaultExists):
        create_vault(vault_path, key)
    assert not vault_path.exists()


def test_open_refuses_missing_file(vault_path: Path, key: bytes) -> None:
    with pytest.raises(VaultNotFound):
        open_vault(vault_path, key)
    assert list(vault_path.parent.iterdir()) == []


@pytest.mark.parametrize("bad", [b"", b"short", bytes(31), bytes(33)])
def test_key_must_be_32_bytes(vault_path: Path, bad: bytes) -> None:
    with pytest.raises(InvalidData):
        create_vault(vault_path, bad)
    assert not vault_path.exists()


def test_files_are_mode_0600_even_with_open_umask(vault_path: Path, key: bytes, item: Any) -> None:
    old = os.umask(0)
    try:
        conn = create_vault(vault_path, key)
        insert_item(conn, item())
        files = [vault_path, Path(f"{vault_path}-wal"), Path(f"{vault_path}-shm")]
        assert all(f.exists() for f in files)
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        close_vault(conn)
    finally:
        os.umask(old)


def test_open_tightens_loose_mode(vault_path: Path, key: bytes, item: Any) -> None:
    _filled_vault(vault_path, key, item)
    os.chmod(vault_path, 0o644)
    conn = open_vault(vault_path, key)
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o600
    close_vault(conn)


def test_pragmas_are_set(vault: Any) -> None:
    def pragma(name: str) -> str:
        return str(vault.execute(f"PRAGMA {name}").fetchone()[0]).lower()

    assert pragma("cipher_memory_security") == "1"
    assert pragma("foreign_keys") == "1"
    assert pragma("secure_delete") == "1"
    assert pragma("journal_mode") == "wal"
    assert pragma("temp_store") == "2"  # MEMORY
    assert pragma("synchronous") == "2"  # FULL
    assert pragma("cipher_version").startswith("4.")
    assert vault.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_transaction_commits_and_rolls_back(vault: Any, item: Any) -> None:
    with transaction(vault):
        insert_item(vault, item())
        kv.set_cursor(vault, "sync", "1")
    with pytest.raises(RuntimeError), transaction(vault):
        insert_item(vault, item())
        kv.set_cursor(vault, "sync", "2")
        raise RuntimeError("crash in the middle")
    assert count_items(vault, "room-a") == 1
    assert kv.get_cursor(vault, "sync") == "1"
    assert not vault.in_transaction


def test_nested_transaction_is_a_savepoint(vault: Any, item: Any) -> None:
    with transaction(vault):
        insert_item(vault, item())
        with pytest.raises(RuntimeError), transaction(vault):
            insert_item(vault, item())
            raise RuntimeError("inner fails")
        kv.set_cursor(vault, "sync", "1")
    assert count_items(vault, "room-a") == 1
    assert kv.get_cursor(vault, "sync") == "1"


def test_nested_savepoints_unwind_innermost_first(vault: Any, item: Any) -> None:
    # All nesting levels share one savepoint name: each exit must reach its own level.
    with transaction(vault):
        kv.set_cursor(vault, "a", "1")
        with transaction(vault):
            kv.set_cursor(vault, "b", "1")
            with pytest.raises(RuntimeError), transaction(vault):
                kv.set_cursor(vault, "c", "1")
                raise RuntimeError("innermost fails")
            with transaction(vault):
                kv.set_cursor(vault, "d", "1")
        with pytest.raises(RuntimeError), transaction(vault):
            kv.set_cursor(vault, "e", "1")
            with transaction(vault):
                kv.set_cursor(vault, "f", "1")
            raise RuntimeError("after a released inner level")
    assert {n: kv.get_cursor(vault, n) for n in "abcdef"} == {
        "a": "1", "b": "1", "c": None, "d": "1", "e": None, "f": None}
    assert not vault.in_transaction


def test_sql_failure_in_transaction_is_a_store_error(vault: Any) -> None:
    with pytest.raises(VaultWriteError), transaction(vault):
        kv.set_cursor(vault, "sync", "1")
        vault.execute("INSERT INTO no_such_table VALUES (1)")
    assert kv.get_cursor(vault, "sync") is None


def test_vault_from_newer_version_is_refused(vault_path: Path, key: bytes) -> None:
    conn = create_vault(vault_path, key)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    close_vault(conn)
    with pytest.raises(VaultTooNew):
        open_vault(vault_path, key)


def test_checkpoint_empties_wal(vault: Any, vault_path: Path, item: Any) -> None:
    insert_item(vault, item())
    assert Path(f"{vault_path}-wal").stat().st_size > 0
    busy, _, _ = checkpoint(vault)
    assert busy == 0
    assert Path(f"{vault_path}-wal").stat().st_size == 0
    with pytest.raises(InvalidData):
        checkpoint(vault, "BOGUS; DROP TABLE items")


def test_errors_share_one_root() -> None:
    for cls in (WrongKey, VaultExists, VaultNotFound, VaultTooNew, VaultWriteError, InvalidData):
        assert issubclass(cls, StoreError)
        assert str(cls())


def test_memory_security_switch_is_for_benchmarks_only() -> None:
    """ADR 0005: memory security stays on; only bench/ may flip the comparison switch."""
    assert vault_module.BENCH_ONLY_MEMORY_SECURITY is True
    repo = Path(__file__).resolve().parents[2]
    users = sorted(
        str(f.relative_to(repo))
        for top in ("client", "crypto", "intel", "server", "store", "sync", "tools")
        for f in (repo / top).rglob("*.py")
        if "BENCH_ONLY_MEMORY_SECURITY" in f.read_text("utf-8")
    )
    assert users == ["store/vault.py"]
