"""Connections and transactions for SQLite and PostgreSQL.

Ordering guarantee (what makes sync cursors sound): feed positions become visible in
commit order, so a reader that sees position N has already seen every position below it.

- SQLite: one process owns the data directory (a lock file enforces it) and runs every
  statement inline on its event loop with a single connection, so writers are serial.
- PostgreSQL: every feed write runs in a transaction that first takes a transaction-scoped
  advisory lock (``pg_advisory_xact_lock``) and only then draws positions from the sequence.
  Positions are therefore drawn and committed in the same order across every instance
  sharing the database. The commit also sends a ``NOTIFY`` so other instances wake their
  long-polls (LISTEN/NOTIFY, see :meth:`PostgresDatabase.start_listener`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from server.errors import ConfigError, StorageError
from server.storage.migrations import migrate

log = logging.getLogger("renkei.server.db")
T = TypeVar("T")
Row = tuple[Any, ...]


@functools.lru_cache(maxsize=1024)
def _pg_sql(sql: str) -> str:
    return sql.replace("?", "%s")


class Conn:
    """A connection wrapper: ``?`` placeholders on both dialects, rows as tuples."""

    __slots__ = ("raw", "pg")

    def __init__(self, raw: Any, pg: bool) -> None:
        self.raw = raw
        self.pg = pg

    def q(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Row]:
        cur = self.raw.execute(_pg_sql(sql) if self.pg else sql, params)
        return list(cur.fetchall())

    def one(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Row | None:
        rows = self.q(sql, params)
        return rows[0] if rows else None

    def x(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> int:
        cur = self.raw.execute(_pg_sql(sql) if self.pg else sql, params)
        return int(cur.rowcount)


class Database:
    """``run`` is a plain transaction; ``write`` is a feed-writing (serialised) transaction."""

    pg: bool = False

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        raise NotImplementedError

    async def write(self, fn: Callable[..., T], *args: Any, notify: str | None = None) -> T:
        raise NotImplementedError

    def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """For startup and shutdown only (blocks the caller)."""
        raise NotImplementedError

    def start_listener(self, loop: asyncio.AbstractEventLoop,
                       callback: Callable[[str], None]) -> None:
        """Deliver other instances' notifications to ``callback`` on ``loop``."""

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    pg = False

    def __init__(self, data_dir: Path) -> None:
        try:
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._lock_fd = os.open(data_dir / "server.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ConfigError(f"cannot use the data directory {data_dir}: {exc.strerror}") from None
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._lock_fd)
            raise ConfigError(f"another renkei-server is already using {data_dir}; SQLite "
                              "serves one process (use PostgreSQL for several)") from None
        path = data_dir / "renkei-server.sqlite3"
        self._raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000",
                       "foreign_keys=ON"):
            self._raw.execute(f"PRAGMA {pragma}")
        self._conn = Conn(self._raw, False)
        self._closed = False
        self._batch: list[asyncio.Future[None]] | None = None
        self.run_sync(migrate)

    def _txn(self, mode: str, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self._closed:
            raise StorageError("the database is closed")
        self._flush()
        raw = self._raw
        try:
            raw.execute(mode)
            try:
                result = fn(self._conn, *args)
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
            return result
        except sqlite3.Error as exc:
            log.error("sqlite error: %s", type(exc).__name__)
            raise StorageError("the database failed; try again") from None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return self._txn("BEGIN", fn, args)

    async def write(self, fn: Callable[..., T], *args: Any, notify: str | None = None) -> T:
        """Group commit: writes made in the same turn of the event loop share one
        transaction (each in its own savepoint, so one failing undoes only itself); every
        writer resumes only after the commit."""
        if self._closed:
            raise StorageError("the database is closed")
        raw = self._raw
        loop = asyncio.get_running_loop()
        try:
            if self._batch is None:
                raw.execute("BEGIN IMMEDIATE")
                self._batch = []
                loop.call_soon(self._flush)
            raw.execute("SAVEPOINT w")
            try:
                result = fn(self._conn, *args)
            except BaseException:
                raw.execute("ROLLBACK TO w")
                raw.execute("RELEASE w")
                raise
            raw.execute("RELEASE w")
        except sqlite3.Error as exc:
            log.error("sqlite error: %s", type(exc).__name__)
            raise StorageError("the database failed; try again") from None
        done: asyncio.Future[None] = loop.create_future()
        self._batch.append(done)
        await done
        return result

    def _flush(self) -> None:
        batch, self._batch = self._batch, None
        if batch is None:
            return
        try:
            self._raw.execute("COMMIT")
        except sqlite3.Error as exc:
            log.error("sqlite commit failed: %s", type(exc).__name__)
            with contextlib.suppress(sqlite3.Error):
                self._raw.execute("ROLLBACK")
            for f in batch:
                if not f.done():
                    f.set_exception(StorageError("the database failed; try again"))
            return
        for f in batch:
            if not f.done():
                f.set_result(None)

    def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return self._txn("BEGIN IMMEDIATE", fn, args)

    def close(self) -> None:
        if self._closed:
            return
        self._flush()
        self._closed = True
        with contextlib.suppress(sqlite3.Error):
            self._raw.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self._raw.close()
        os.close(self._lock_fd)


class PostgresDatabase(Database):
    pg = True

    def __init__(self, url: str, readers: int = 4) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency
            raise ConfigError("PostgreSQL support needs psycopg 3") from exc
        self._psycopg = psycopg
        self._url = url
        self._local = threading.local()
        self._all: list[Any] = []
        self._all_lock = threading.Lock()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="renkei-pg-read")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="renkei-pg-write")
        self._stop = threading.Event()
        self._queue: list[Any] = []
        self._qlock = threading.Lock()
        self._draining = False
        self._listener: threading.Thread | None = None
        try:
            with psycopg.connect(url, autocommit=True) as c:
                schema = c.execute("SELECT current_schema()").fetchone()
        except psycopg.Error as exc:
            raise ConfigError(f"cannot connect to PostgreSQL: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
        # Channel and lock are per schema, so several deployments (or test runs) can share
        # one database without waking or blocking each other.
        digest = hashlib.sha256(str(schema[0] if schema else "public").encode()).digest()
        self.channel = "renkei_" + digest[:8].hex()
        self.lock_key = int.from_bytes(digest[8:16], "big", signed=True)
        self.run_sync(self._migrate)

    def _migrate(self, conn: Conn) -> int:
        conn.x("SELECT pg_advisory_xact_lock(?)", (self.lock_key,))
        return migrate(conn)

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._psycopg.connect(self._url, autocommit=False)
            conn.isolation_level = self._psycopg.IsolationLevel.REPEATABLE_READ
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _in_txn(self, fn: Callable[..., T], args: tuple[Any, ...], lock: bool,
                notify: str | None) -> T:
        psycopg = self._psycopg
        try:
            conn = self._connection()
            with conn.transaction():
                c = Conn(conn, True)
                if lock:
                    c.x("SELECT pg_advisory_xact_lock(?)", (self.lock_key,))
                result = fn(c, *args)
                if notify is not None:
                    c.x("SELECT pg_notify(?, ?)", (self.channel, notify))
                return result
        except psycopg.OperationalError as exc:
            log.error("postgres connection failed: %s", type(exc).__name__)
            self._drop_connection()
            raise StorageError("the database is unreachable; try again") from None
        except psycopg.Error as exc:
            log.error("postgres error: %s", type(exc).__name__)
            raise StorageError("the database failed; try again") from None

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._in_txn, fn, args, False, None)

    async def write(self, fn: Callable[..., T], *args: Any, notify: str | None = None) -> T:
        """Group commit: writes queued while the writer thread is busy go into its next
        transaction together (one lock, one NOTIFY, one commit). Should that transaction
        fail, each of its writes is retried alone so a bad one fails only itself."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Any] = loop.create_future()
        with self._qlock:
            self._queue.append((fn, args, notify, done))
            start = not self._draining
            self._draining = True
        if start:
            loop.run_in_executor(self._writer, self._drain, loop)
        result: T = await done
        return result

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            with self._qlock:
                batch, self._queue = self._queue, []
                if not batch:
                    self._draining = False
                    return
            outcomes = self._run_batch(batch) if len(batch) > 1 else None
            if outcomes is None:
                outcomes = []
                for fn, args, notify, _ in batch:
                    try:
                        outcomes.append((True, self._in_txn(fn, args, True, notify)))
                    except Exception as exc:  # delivered to the awaiting request
                        outcomes.append((False, exc))
            for (_, _, _, fut), (ok, value) in zip(batch, outcomes, strict=True):
                loop.call_soon_threadsafe(_settle, fut, ok, value)

    def _run_batch(self, batch: list[Any]) -> list[tuple[bool, Any]] | None:
        instance, scopes = "", set()
        for _, _, notify, _ in batch:
            if notify is not None:
                instance, _, text = notify.rpartition("|")
                scopes.update(text.split())
        text = " ".join(sorted(scopes))
        notify = f"{instance}|{text if len(text) < 7000 else '*'}" if scopes else None

        def all_of(conn: Conn) -> list[tuple[bool, Any]]:
            return [(True, fn(conn, *args)) for fn, args, _, _ in batch]

        try:
            return self._in_txn(all_of, (), True, notify)
        except Exception:
            return None

    def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return self._writer.submit(self._in_txn, fn, args, False, None).result()

    def start_listener(self, loop: asyncio.AbstractEventLoop,
                       callback: Callable[[str], None]) -> None:
        self._listener = threading.Thread(target=self._listen, args=(loop, callback),
                                          name="renkei-pg-listen", daemon=True)
        self._listener.start()

    def _listen(self, loop: asyncio.AbstractEventLoop, callback: Callable[[str], None]) -> None:
        psycopg = self._psycopg
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True) as conn:
                    conn.execute(f'LISTEN "{self.channel}"')
                    if not first:
                        # Notifications may have been missed while disconnected: wake all.
                        loop.call_soon_threadsafe(callback, "*")
                    first = False
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            loop.call_soon_threadsafe(callback, note.payload)
            except psycopg.Error as exc:
                log.warning("postgres listener reconnecting: %s", type(exc).__name__)
                time.sleep(0.5)
            except RuntimeError:  # the event loop closed during shutdown
                return

    def close(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.join(timeout=5)
        self._readers.shutdown(wait=True)
        self._writer.shutdown(wait=True)
        with self._all_lock:
            for conn in self._all:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all.clear()


def _settle(fut: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if fut.done():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


def open_database(data_dir: Path | None, database_url: str | None) -> Database:
    if database_url:
        return PostgresDatabase(database_url)
    if data_dir is None:
        raise ConfigError("give --data-dir (SQLite) or --database-url (PostgreSQL)")
    return SqliteDatabase(data_dir)
