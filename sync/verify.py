"""Preparing a page of envelopes ahead, on the prefetch thread, during a long catch-up.

While the vault stores one page, the thread that fetched the next one also decodes its group
envelopes, checks their signatures and, where it already holds the epoch key, decrypts them
and validates their content. Signature checks and decryption run in libsodium with the GIL
released, and SQLite steps its statements with the GIL released, so the two threads overlap.
This thread never touches the vault: it works from snapshots of the verified certificates'
signing keys and of the epoch keys the vault already held, taken on the vault's thread.

Nothing prepared here is trusted by itself. ``sync.ingest_envelopes`` still makes every
routing, membership, clearance, replay and sequence check on the vault's thread, and uses a
prepared result only for the very envelope object it was made from (by identity, not by
position: a server could repeat a position), and only when the signing key it was checked
with is the one of the certificate that thread holds for the header's device, and the epoch
key it was opened with is the one the vault holds; the item to store is used only if it was
made with that very certificate object. Whatever is missing or failed here is simply done
there, inline, with the same outcome.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass

from crypto.certs import Certificate
from crypto.envelope import Envelope, Header, open_verified_group
from crypto.errors import CryptoError
from store.errors import InvalidData
from store.models import NewItem
from sync import content
from sync.ingest_envelopes import wire_dict
from sync.wire import EnvelopeWire, SyncResponse

MIN_BATCH = 50  # envelopes in a page before preparing ahead is worth a snapshot
CHUNK = 8  # envelopes claimed at a time (about half a millisecond of work)

EpochKeys = Mapping[tuple[str, str, int], bytes]
Certs = Mapping[str, Certificate]
Clock = Callable[[], int]  # milliseconds, for the items' time of receipt


@dataclass(frozen=True, slots=True)
class Prepared:
    """What was done ahead for one group envelope of a page.

    ``env`` and ``header`` are decoded from ``source``; the signature verified with the
    signing key of ``cert``; ``key`` (when not None) is the epoch key the envelope decrypted
    with, giving ``plain`` and either ``content`` (and the ``item`` to store, made with
    ``cert``) or the ``content_error`` it was refused with."""

    source: EnvelopeWire
    env: Envelope
    header: Header
    cert: Certificate
    key: bytes | None = None
    plain: bytes | None = None
    content: content.Content | None = None
    content_error: str | None = None
    item: NewItem | None = None


PreparedPage = dict[int, Prepared]  # keyed by id() of the EnvelopeWire it was made from


def prepare_one(wire: EnvelopeWire, certs: Certs, epoch_keys: EpochKeys,
                received_ms: int) -> Prepared | None:
    """Decode, verify and (key permitting) open one group envelope; None if it is not a
    group envelope from a known device with a valid signature."""
    try:
        env = Envelope.from_wire(wire_dict(wire))
        h = env.header_unverified()
        cert = certs.get(h.sender)
        if cert is None or h.mode != "group":
            return None
        env.check_signature(cert.keys.sign_pk)
    except CryptoError:
        return None
    key = epoch_keys.get((h.room, h.label, h.epoch))
    if key is None:
        return Prepared(wire, env, h, cert)
    try:
        plain = open_verified_group(env, h, key, room=h.room, label=h.label)
    except CryptoError:
        return Prepared(wire, env, h, cert)  # the vault's thread opens it again and rejects it
    try:
        c = content.decode(plain, h.ctype)
    except content.ContentError as exc:
        return Prepared(wire, env, h, cert, key, plain, None, str(exc))
    try:
        item = content.to_item(h, c, cert.user_id, cert.display_name, received_ms)
    except InvalidData:
        item = None  # made (and refused) again on the vault's thread
    return Prepared(wire, env, h, cert, key, plain, c, None, item)


class PageJob:
    """Preparing the group envelopes of one page, in chunks that any thread may claim: the
    prefetch thread starts, and the vault's thread helps once it has stored its own page
    (which of the two ends up doing a chunk makes no difference to the result)."""

    def __init__(self, resp: SyncResponse, certs: Certs, epoch_keys: EpochKeys,
                 now_ms: Clock) -> None:
        wires = [it.envelope for it in resp.items if it.kind == "envelope" and it.envelope]
        # Direct envelopes (with key wraps) are verified and opened on the vault's thread.
        self._wires = [w for w in wires if w.w is None] if len(wires) >= MIN_BATCH else []
        self._certs, self._epoch_keys = certs, epoch_keys
        self._received_ms = now_ms()  # one time of receipt for the page
        self._claims = itertools.count(0, CHUNK)  # next() is atomic: one claimant a chunk
        self.prepared: PreparedPage = {}

    def work(self) -> None:
        """Prepare chunks until none is left to claim (the claimed ones are done on return).
        Preparing is only a head start: should it fail unexpectedly, what it did not finish
        is done inline, so the error never stops the catch-up."""
        wires = self._wires
        while (start := next(self._claims)) < len(wires):
            for w in wires[start:start + CHUNK]:
                try:
                    p = prepare_one(w, self._certs, self._epoch_keys, self._received_ms)
                except Exception:  # noqa: BLE001 - see above: the vault's thread redoes it
                    continue
                if p is not None:
                    self.prepared[id(w)] = p


class Prefetch:
    """The next page, fetched and prepared on ``executor``'s thread; :meth:`result` lets the
    calling thread help with the preparing before it waits."""

    def __init__(self, executor: Executor, fetch: Callable[[], SyncResponse], certs: Certs,
                 epoch_keys: EpochKeys, now_ms: Clock) -> None:
        self._fetched = threading.Event()
        self._job: PageJob | None = None
        self._future = executor.submit(self._run, fetch, certs, epoch_keys, now_ms)

    def _run(self, fetch: Callable[[], SyncResponse], certs: Certs, epoch_keys: EpochKeys,
             now_ms: Clock) -> tuple[SyncResponse, PreparedPage]:
        try:
            resp = fetch()
            job = self._job = PageJob(resp, certs, epoch_keys, now_ms)
        finally:
            self._fetched.set()
        job.work()
        return resp, job.prepared

    def result(self, *, help: bool = True) -> tuple[SyncResponse, PreparedPage]:
        """The page and what was prepared of it; errors of the fetch propagate."""
        if help:
            self._fetched.wait()
            if self._job is not None:
                self._job.work()
        return self._future.result()


def prepare_page(resp: SyncResponse, certs: Certs, epoch_keys: EpochKeys,
                 now_ms: Clock) -> PreparedPage:
    """Prepare a page on the calling thread alone."""
    job = PageJob(resp, certs, epoch_keys, now_ms)
    job.work()
    return job.prepared
