"""Checking envelope signatures in parallel during a long catch-up.

Signature verification is the largest cost of receiving; on a page of hundreds of envelopes
it runs in a small process pool while the previous page is being stored. The result is only
the set of item positions whose group envelope carries a valid signature by the certificate
the sender's device id names (a device id is derived from its keys, so that pairing cannot
change); ``sync.ingest.apply_sync`` still makes every other check and decrypts. Small pages
(the usual live sync) are verified inline by ingest instead: a pool would only add latency.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from crypto.envelope import Envelope
from crypto.errors import CryptoError
from sync.account import Session
from sync.ingest_envelopes import wire_dict
from sync.wire import SyncResponse

MIN_BATCH = 200  # envelopes in a page before the pool is worth starting
CHUNKS = 4

Job = tuple[str, dict[str, Any]]  # (position, envelope wire)


def check_signatures(keys: dict[str, bytes], jobs: Sequence[Job]) -> list[str]:
    """Positions whose group envelope is signed by the device its header names, with the
    signing key ``keys`` holds for that device (runs in a worker process)."""
    ok = []
    for pos, wire in jobs:
        try:
            env = Envelope.from_wire(wire)
            h = env.header_unverified()
            pk = keys.get(h.sender)
            if pk is None or h.mode != "group":
                continue
            env.check_signature(pk)
        except CryptoError:
            continue
        ok.append(pos)
    return ok


class Pending:
    """Signature checks under way for one page."""

    def __init__(self, parts: list[Future[list[str]]]) -> None:
        self._parts = parts

    def result(self) -> frozenset[str]:
        """The positions that verified; empty if a worker failed (ingest checks inline)."""
        try:
            return frozenset(pos for part in self._parts for pos in part.result())
        except Exception:
            return frozenset()


def default_workers() -> int:
    """Parallel checks pay only with a core to spare: measured on two cores, with the
    server on the same machine, storing is the bottleneck and a worker only competes."""
    return 1 if (os.cpu_count() or 1) >= 4 else 0


class Verifier:
    """A lazily started pool of ``workers`` processes (spawned: no inherited state);
    ``workers=0`` verifies everything inline (in ``sync.ingest``)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else workers
        self._pool: ProcessPoolExecutor | None = None
        self._broken = self.workers <= 0

    def submit(self, session: Session, resp: SyncResponse) -> Pending | None:
        """Start checking a page; None when it is too small to be worth it."""
        if self._broken:
            return None
        jobs: list[Job] = [(it.pos, wire_dict(it.envelope))
                           for it in resp.items if it.kind == "envelope" and it.envelope]
        if len(jobs) < MIN_BATCH:
            return None
        keys = {d: c.keys.sign_pk for d, c in session.certs.items()}
        step = max(1, -(-len(jobs) // CHUNKS))
        try:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"))
            return Pending([self._pool.submit(check_signatures, keys, jobs[i:i + step])
                            for i in range(0, len(jobs), step)])
        except (OSError, RuntimeError):
            # No worker processes here (e.g. a host program that cannot spawn): ingest
            # verifies every signature itself, as for small pages.
            self._broken = True
            self.close()
            return None

    def close(self) -> None:
        if self._pool is not None:
            with contextlib.suppress(Exception):
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
