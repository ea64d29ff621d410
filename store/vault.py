"""Opening and creating the SQLCipher vault, and the transaction helper.

The vault is one SQLCipher 4 database keyed with a raw 32-byte key. Creating never overwrites
and opening never creates: a missing file, an existing file or a wrong key is an error and the
file on disk is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from store import migrations, rowsource
from store.errors import (
    InvalidData,
    StoreError,
    VaultExists,
    VaultNotFound,
    VaultWriteError,
    WrongKey,
)

__all__ = [
    "Connection",
    "KEY_SIZE",
    "create_vault",
    "open_vault",
    "close_vault",
    "transaction",
    "checkpoint",
    "vault_files",
]

# sqlcipher3 ships no type information; this alias documents what the functions expect.
Connection = Any

KEY_SIZE = 32
_BUSY_TIMEOUT_S = 10.0
_CACHE_KIB = 32 * 1024
# Prepared statements kept by sqlcipher3. Each one pins slots of the connection's small
# lookaside allocator; once they run out, every statement step falls back to the system
# allocator, which cipher_memory_security makes costly (mlock, and a wiped munlock on free).
# Measured during a catch-up, allocations reaching the system per stored envelope: 8.8 with
# the default 128, 10 with 32, 6.3 with 16, 4.9 with 8 (and with none at all). Re-preparing
# a statement the cache no longer holds costs far less than that.
_STATEMENT_CACHE = 8
# Nested transactions are savepoints under one name: SQLite resolves a name to the innermost
# savepoint holding it, and one fixed text keeps the statements in the cache above.
_SAVEPOINT = "renkei_sp"

# BENCHMARKS ONLY. SQLCipher's cipher_memory_security stays ON in Renkei (ADR 0005).
# ``bench.sync`` and ``bench.store`` set this to False in a process of their own, before it
# opens any vault, to report what the setting costs; the pragma is process-wide and cannot
# be turned off again once on. Nothing else may change it, and it is deliberately not read
# from the environment or any configuration.
BENCH_ONLY_MEMORY_SECURITY = True


def vault_files(path: str | os.PathLike[str]) -> list[Path]:
    """The database file and its WAL/shared-memory companions that exist right now."""
    p = Path(path)
    return [f for f in (p, Path(f"{p}-wal"), Path(f"{p}-shm")) if f.exists()]


def create_vault(
    path: str | os.PathLike[str], key: bytes, *, check_same_thread: bool = True
) -> Connection:
    """Create a new vault at ``path`` keyed with ``key``; refuses if anything is there."""
    _check_key(key)
    p = Path(path)
    for companion in (Path(f"{p}-wal"), Path(f"{p}-shm"), Path(f"{p}-journal")):
        if companion.exists():
            raise VaultExists(f"a vault journal already exists at {companion}; nothing was changed")
    try:
        # O_EXCL makes "refuse if it exists" race-free, and the file is 0600 from the start.
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise VaultExists(f"a vault already exists at {p}; it is never overwritten") from None
    except OSError as exc:
        raise VaultWriteError(f"cannot create the vault at {p}: {exc.strerror}") from exc
    os.close(fd)
    try:
        return _connect(p, key, check_same_thread)
    except BaseException:
        # The file is ours (O_EXCL) and holds nothing yet: remove it so a retry can succeed.
        for f in (p, Path(f"{p}-wal"), Path(f"{p}-shm")):
            with contextlib.suppress(FileNotFoundError):
                f.unlink()
        raise


def open_vault(
    path: str | os.PathLike[str], key: bytes, *, check_same_thread: bool = True
) -> Connection:
    """Open an existing vault and bring its schema up to date.

    Raises :class:`VaultNotFound` if there is no file and :class:`WrongKey` if ``key`` does not
    open it; neither case writes anything.
    """
    _check_key(key)
    p = Path(path)
    if not p.is_file():
        raise VaultNotFound(f"no vault exists at {p}; a new one is never created automatically")
    return _connect(p, key, check_same_thread)


def close_vault(conn: Connection) -> None:
    """Checkpoint the WAL into the main file and close."""
    try:
        if not conn.in_transaction:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlcipher.Error:
        pass  # closing must not fail because a reader still holds the WAL
    conn.close()


def checkpoint(conn: Connection, mode: str = "TRUNCATE") -> tuple[int, int, int]:
    """Run a WAL checkpoint; returns SQLite's (busy, log pages, checkpointed pages)."""
    if mode not in ("PASSIVE", "FULL", "RESTART", "TRUNCATE"):
        raise InvalidData(f"unknown checkpoint mode {mode!r}")
    row = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return int(row[0]), int(row[1]), int(row[2])


@contextlib.contextmanager
def transaction(conn: Connection, *, recoverable: bool = False,
                savepoint: bool = True) -> Iterator[Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception.

    Nested use becomes a savepoint, so store functions that need atomicity can use it and
    callers can still wrap several of them (items + sync cursor) in one outer transaction.
    ``savepoint=False`` makes nested use part of the outer transaction only, for a caller
    that rolls the whole of it back on any error: a savepoint makes the full-text index
    write out what it holds in memory, a cost per statement group that a sync batch storing
    many groups in one transaction need not pay.

    ``recoverable``: whatever this commit writes is recovered if a power cut undoes it:
    fetched again (a sync batch together with its cursor) or done again harmlessly (an
    idempotent request marked sent, which would be sent once more and deduplicated by the
    server). The commit then does not wait for the disk (``synchronous = NORMAL`` for it;
    WAL mode): a crash of the program still loses nothing, a power cut may undo the last
    such commits, whole. What the user creates (outbox, keys, rooms) keeps ``FULL``, whose
    sync also covers these.
    """
    if conn.in_transaction:
        if not savepoint:
            yield conn
            return
        with _savepoint(conn):
            yield conn
        return
    if not recoverable:
        with _outermost(conn):
            yield conn
        return
    # The safety level can only change outside a transaction; it is back to FULL after.
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        with _outermost(conn):
            yield conn
    finally:
        with contextlib.suppress(sqlcipher.Error):
            conn.execute("PRAGMA synchronous = FULL")


@contextlib.contextmanager
def _savepoint(conn: Connection) -> Iterator[Connection]:
    conn.execute(f"SAVEPOINT {_SAVEPOINT}")
    try:
        yield conn
    except BaseException:
        with contextlib.suppress(sqlcipher.Error):
            conn.execute(f"ROLLBACK TO {_SAVEPOINT}")
            conn.execute(f"RELEASE {_SAVEPOINT}")
        raise
    else:
        conn.execute(f"RELEASE {_SAVEPOINT}")


@contextlib.contextmanager
def _outermost(conn: Connection) -> Iterator[Connection]:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlcipher.Error as exc:
        raise VaultWriteError(f"the vault cannot start a write: {exc}") from exc
    try:
        yield conn
    except sqlcipher.Error as exc:
        _rollback(conn)
        raise VaultWriteError(f"the vault write was undone: {exc}") from exc
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlcipher.Error as exc:
        _rollback(conn)
        raise VaultWriteError(f"the vault write could not be committed: {exc}") from exc


def _rollback(conn: Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlcipher.Error):
            conn.execute("ROLLBACK")


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_SIZE:
        raise InvalidData(f"a vault key must be exactly {KEY_SIZE} bytes")


def _connect(path: Path, key: bytes, check_same_thread: bool) -> Connection:
    # mode=rw: SQLite itself refuses to create a file, closing the race with a deleted vault.
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=rw"
    try:
        conn = sqlcipher.connect(
            uri,
            uri=True,
            isolation_level=None,
            timeout=_BUSY_TIMEOUT_S,
            check_same_thread=check_same_thread,
            cached_statements=_STATEMENT_CACHE,
        )
    except sqlcipher.Error as exc:
        raise StoreError(f"the vault at {path} cannot be opened: {exc}") from exc
    try:
        _key_and_verify(conn, key)
        _configure(conn)
        rowsource.install(conn)
        migrations.migrate(conn)
        # After the first write, so the -wal/-shm companions exist and are covered too.
        _tighten_modes(path)
    except BaseException:
        conn.close()
        raise
    return conn


def _key_and_verify(conn: Connection, key: bytes) -> None:
    # SQLCipher otherwise prints decryption failures to stderr, which a CLI user would see.
    conn.execute("PRAGMA cipher_log_level = NONE")
    # Must precede the key so key material lives only in locked, wiped memory.
    if BENCH_ONLY_MEMORY_SECURITY:
        conn.execute("PRAGMA cipher_memory_security = ON")
    conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
    # SQLCipher accepts any key in PRAGMA key; only the first read of page 1 tells.
    try:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlcipher.DatabaseError as exc:
        raise WrongKey() from exc


def _configure(conn: Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise StoreError(f"the vault could not switch to WAL journaling (got {mode!r})")
    # FULL in WAL mode: a commit survives power loss, so an acknowledged outbox entry or
    # a cursor advance is never lost behind the data it covers.
    conn.execute("PRAGMA synchronous = FULL")


def _tighten_modes(path: Path) -> None:
    for f in vault_files(path):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(f.stat().st_mode) != 0o600:
                os.chmod(f, 0o600)
