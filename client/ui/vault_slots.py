"""One unlocked vault, one SQLCipher connection per thread.

SQLite connections belong to the thread that uses them. The desktop client touches the vault
from three threads (the GUI's cheap reads, the task worker's sends and searches, the sync
thread's long-poll loop), so each of them gets its own connection and its own
:class:`~sync.account.Session` view sharing the device keys and certificate. SQLite in WAL
mode arbitrates between the connections: readers never wait, a writer waits up to the busy
timeout for another writer.

Connections are opened with ``check_same_thread=False`` for one reason only: so that locking
can close the idle ones from the GUI thread. A connection is never *used* by another thread
than the one it was opened for. A connection that is in use when the vault is locked is closed
by its own thread as soon as its call returns (the sync thread's, after its long-poll).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store import vault
from sync.account import Session

__all__ = ["Locked", "Slot", "VaultSlots"]


def _thread_session(base: Session, conn: Any) -> Session:
    """``base`` for one thread: its own connection, certificates and caches (the caches
    the sync layer keeps on a session are per thread, like the connection)."""
    fresh: dict[str, Any] = {"conn": conn, "certs": dict(base.certs)}
    for f in dataclasses.fields(Session):
        if f.name.endswith("_cache"):
            fresh[f.name] = (f.default_factory() if f.default_factory is not dataclasses.MISSING
                             else f.default)
    return dataclasses.replace(base, **fresh)


def _refresh_certs(session: Session, certs: dict[str, Any]) -> None:
    # dict() of a dict is one step under the GIL: a consistent copy of the sync thread's.
    session.certs = dict(certs)
    if hasattr(session, "certs_version"):
        session.certs_version += 1  # what was computed from the old ones is stale


class Locked(Exception):
    """The vault is locked (or was locked while the call waited)."""


@dataclass
class Slot:
    """A thread's session; ``engine`` is made on first use by whoever needs the network."""

    session: Session
    generation: int
    certs_version: int
    busy: int = 0
    engine: Any = None

    def close(self) -> None:
        if self.engine is not None:
            with contextlib.suppress(Exception):
                self.engine.close()
            self.engine = None
        # A plain close: the last connection to go checkpoints the WAL by itself, and a
        # TRUNCATE checkpoint here could wait on another thread's write.
        with contextlib.suppress(Exception):
            self.session.conn.close()


class VaultSlots:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._mutex = threading.Lock()
        self._slots: dict[int, Slot] = {}
        self._generation = 0
        self._base: Session | None = None
        self._key: bytearray | None = None
        self._certs_version = 0

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self._key is None

    @property
    def generation(self) -> int:
        return self._generation

    def open(self, base: Session, key: bytes) -> None:
        """Unlocked: ``base`` holds keys, certificate and policy (its own connection is
        already closed); ``key`` opens the vault file."""
        with self._mutex:
            self._generation += 1
            self._base = base
            self._key = bytearray(key)
            self._certs_version += 1

    def close_all(self) -> None:
        """Lock: forget the key and the session, close every idle connection now."""
        with self._mutex:
            self._generation += 1
            if self._key is not None:
                self._key[:] = bytes(len(self._key))  # the bytes we own are wiped
            self._key = None
            self._base = None
            for tid, slot in list(self._slots.items()):
                if slot.busy == 0:
                    slot.close()
                    del self._slots[tid]

    def open_connections(self) -> int:
        with self._mutex:
            return len(self._slots)

    # -- use ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def use(self) -> Iterator[Slot]:
        """This thread's slot for the duration of a call (reentrant on one thread)."""
        tid = threading.get_ident()
        with self._mutex:
            if self._key is None or self._base is None:
                raise Locked()
            slot = self._slots.get(tid)
            if slot is None:
                conn = vault.open_vault(self._path, bytes(self._key), check_same_thread=False)
                slot = Slot(_thread_session(self._base, conn), self._generation,
                            self._certs_version)
                self._slots[tid] = slot
            elif slot.certs_version != self._certs_version:
                _refresh_certs(slot.session, self._base.certs)
                slot.certs_version = self._certs_version
            slot.busy += 1
        try:
            yield slot
        finally:
            with self._mutex:
                slot.busy -= 1
                if slot.busy == 0 and slot.generation != self._generation:
                    slot.close()
                    if self._slots.get(tid) is slot:
                        del self._slots[tid]

    def publish_certs(self, certs: dict[str, Any]) -> None:
        """The sync thread learnt certificates: other threads pick them up on next use."""
        with self._mutex:
            if self._base is not None:
                self._base.certs = dict(certs)
                self._certs_version += 1

    def engine(self, slot: Slot, factory: Callable[[Session], Any]) -> Any:
        if slot.engine is None:
            slot.engine = factory(slot.session)
        return slot.engine
