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

import collections
import contextlib
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crypto.certs import Certificate
from crypto.envelope import Envelope, Header, open_verified_group
from crypto.errors import CryptoError
from store.errors import InvalidData
from store.models import NewItem
from store.textindex import index_text
from sync import content
from sync.ingest_envelopes import wire_dict
from sync.wire import EnvelopeWire, SyncResponse

if TYPE_CHECKING:
    from sync.prepare_worker import Helper

MIN_BATCH = 50  # envelopes in a page before preparing ahead is worth a snapshot
CHUNK = 8  # envelopes claimed at a time (about half a millisecond of work)
REMOTE_CHUNK = 32  # envelopes handed to the helper process at a time

EpochKeys = Mapping[tuple[str, str, int], bytes]
Certs = Mapping[str, Certificate]
Clock = Callable[[], int]  # milliseconds, for the items' time of receipt


@dataclass(frozen=True, slots=True)
class Prepared:
    """What was done ahead for one group envelope of a page.

    ``env`` (None when the helper process prepared it: decoded again only if needed) and
    ``header`` are decoded from ``source``; the signature verified with the
    signing key of ``cert``; ``key`` (when not None) is the epoch key the envelope decrypted
    with, giving ``plain`` and either ``content`` (and the ``item`` to store, made with
    ``cert``) or the ``content_error`` it was refused with."""

    source: EnvelopeWire
    env: Envelope | None
    header: Header
    cert: Certificate
    key: bytes | None = None
    plain: bytes | None = None
    content: content.Content | None = None
    content_error: str | None = None
    item: NewItem | None = None
    index_texts: tuple[str, str] | None = None  # store.textindex.index_text of the item's
    # title and body, made ahead as well


PreparedPage = dict[int, Prepared]  # keyed by id() of the EnvelopeWire it was made from


def prepare_one(wire: EnvelopeWire, certs: Certs, epoch_keys: EpochKeys,
                received_ms: int) -> Prepared | None:
    """Decode, verify and (key permitting) open one group envelope; None if it is not a
    group envelope from a known device with a valid signature."""

    def sign_pk_of(device: str) -> bytes | None:
        cert = certs.get(device)
        return None if cert is None else cert.keys.sign_pk

    opened = open_ahead(wire_dict(wire), sign_pk_of, epoch_keys)
    if opened is None:
        return None
    env, h, key, plain = opened
    cert = certs[h.sender]
    if key is None or plain is None:
        # No key yet, or it does not open: the vault's thread opens it (and rejects it).
        return Prepared(wire, env, h, cert)
    c, error, item = make_item(h, plain, cert.user_id, cert.display_name, received_ms)
    return Prepared(wire, env, h, cert, key, plain, c, error, item,
                    None if item is None else item_index_texts(item))


def open_ahead(wire: Mapping[str, Any], sign_pk_of: Callable[[str], bytes | None],
               epoch_keys: EpochKeys
               ) -> tuple[Envelope, Header, bytes | None, bytes | None] | None:
    """What the prefetch thread and the helper process both do first: decode, check the
    signature with the key ``sign_pk_of`` gives for the sender, and open with the epoch key
    when there is one. (envelope, header, key, plaintext), the last two None when it could
    not be opened; None if it is not a group envelope from a known device with a valid
    signature."""
    try:
        env = Envelope.from_wire(wire)
        h = env.header_unverified()
        sign_pk = sign_pk_of(h.sender)
        if sign_pk is None or h.mode != "group":
            return None
        env.check_signature(sign_pk)
    except CryptoError:
        return None
    key = epoch_keys.get((h.room, h.label, h.epoch))
    if key is None:
        return env, h, None, None
    try:
        return env, h, key, open_verified_group(env, h, key, room=h.room, label=h.label)
    except CryptoError:
        return env, h, None, None


def make_item(h: Header, plain: bytes, user_id: str, display_name: str, received_ms: int
              ) -> tuple[content.Content | None, str | None, NewItem | None]:
    """(content, why it was refused, item) of an opened envelope: the item is None when the
    content was refused, or when it cannot be stored (made, and refused, again inline)."""
    try:
        c = content.decode(plain, h.ctype)
    except content.ContentError as exc:
        return None, str(exc), None
    try:
        return c, None, content.to_item(h, c, user_id, display_name, received_ms)
    except InvalidData:
        return c, None, None


def group_targets(resp: SyncResponse) -> list[tuple[int, EnvelopeWire]]:
    """The group envelopes of a page worth preparing ahead, with their index in the page.
    Direct envelopes (with key wraps) are verified and opened on the vault's thread; so is
    everything in a page too short to be worth it."""
    wires = [(i, it.envelope) for i, it in enumerate(resp.items)
             if it.kind == "envelope" and it.envelope]
    return [(i, w) for i, w in wires if w.w is None] if len(wires) >= MIN_BATCH else []


def item_index_texts(item: NewItem) -> tuple[str, str]:
    """What the full-text index stores for an item (``store.items`` makes the same)."""
    return index_text(item.title), index_text(item.body)


class PageJob:
    """Preparing the group envelopes of one page, in chunks that any thread may claim: the
    prefetch thread starts (itself, or by handing chunks to the helper process), and the
    vault's thread helps once it has stored its own page (which of them ends up doing a
    chunk makes no difference to the result)."""

    def __init__(self, resp: SyncResponse, certs: Certs, epoch_keys: EpochKeys,
                 received_ms: int) -> None:
        self.resp = resp
        self._targets = group_targets(resp)
        self._certs, self._epoch_keys = certs, epoch_keys
        self.received_ms = received_ms  # one time of receipt for the page
        self._next = 0
        self._lock = threading.Lock()
        self.prepared: PreparedPage = {}

    def claim(self, size: int) -> tuple[int, int] | None:
        """The next ``size`` targets (their range), or None when all are claimed."""
        with self._lock:
            start = self._next
            if start >= len(self._targets):
                return None
            self._next = min(start + size, len(self._targets))
            return start, self._next

    def left(self) -> int:
        """Targets not claimed yet."""
        return len(self._targets) - self._next

    def work(self) -> None:
        """Prepare chunks until none is left to claim (the claimed ones are done on return).
        Preparing is only a head start: should it fail unexpectedly, what it did not finish
        is done inline, so the error never stops the catch-up."""
        while (claimed := self.claim(CHUNK)) is not None:
            self._prepare_range(*claimed)

    def _prepare_range(self, start: int, stop: int) -> None:
        for _, w in self._targets[start:stop]:
            try:
                p = prepare_one(w, self._certs, self._epoch_keys, self.received_ms)
            except Exception:  # noqa: BLE001 - see work(): the vault's thread redoes it
                continue
            if p is not None:
                self.prepared[id(w)] = p

    def work_remote(self, helper: Helper) -> None:
        """:meth:`work`, handing each chunk to the helper process (which was sent the page
        this job's response was parsed from: :meth:`Helper.new_page`). Two chunks are kept
        in flight so the helper never waits for this thread. Should the helper fail, what it
        was handed is done inline, and this thread prepares the rest itself."""
        from sync import prepare_worker  # noqa: PLC0415 - it imports this module

        in_flight: collections.deque[tuple[int, int]] = collections.deque()
        try:
            while True:
                # Smaller chunks towards the end of the page, so that the vault's thread
                # does not wait long for the last chunks in flight.
                claimed = self.claim(max(CHUNK, min(REMOTE_CHUNK, self.left() // 4)))
                if claimed is not None:
                    in_flight.append(claimed)
                    helper.send(*claimed)
                if in_flight and (claimed is None or len(in_flight) > 1):
                    self.prepared.update(prepare_worker.adopt(self.resp, helper.receive(),
                                                              self._certs))
                    in_flight.popleft()
                if claimed is None and not in_flight:
                    return
        except Exception:  # noqa: BLE001 - the helper failed: the rest is done here
            helper.failed = True
            for start, stop in in_flight:
                self._prepare_range(start, stop)
            self.work()


class Prefetch:
    """The page after ``cursor``, fetched and prepared on one of ``executor``'s threads: by the
    helper process when one is given and ready (``sync.prepare_worker``), else on that
    thread; :meth:`result` lets the calling thread help with that before it waits.

    With :meth:`chain`, the page after this one is fetched as soon as this one has arrived
    (:attr:`next`), so that the helper process always has a page to prepare while the
    vault's thread stores one. The helper serves one page at a time (its lock)."""

    def __init__(self, executor: Executor, fetch: Callable[[str], bytes], cursor: str,
                 parse: Callable[[bytes], SyncResponse], certs: Callable[[], Certs],
                 epoch_keys: EpochKeys, now_ms: Clock, helper: Helper | None = None) -> None:
        self._executor, self._fetch, self._parse = executor, fetch, parse
        self._certs, self._epoch_keys, self._now_ms, self._helper = (
            certs, epoch_keys, now_ms, helper)
        self._fetched = threading.Event()
        self._job: PageJob | None = None
        self._lock = threading.Lock()
        self._chain = False
        self.next: Prefetch | None = None
        self._future = executor.submit(self._run, cursor, certs())

    def chain(self) -> None:
        """Start fetching the page after this one once this one has arrived (at once if it
        has); it is then :attr:`next`."""
        with self._lock:
            self._chain = True
            self._start_next()

    def _start_next(self) -> None:
        # With self._lock held.
        job = self._job
        if self.next is None and job is not None and job.resp.more:
            self.next = Prefetch(self._executor, self._fetch, job.resp.cursor, self._parse,
                                 self._certs, self._epoch_keys, self._now_ms, self._helper)

    def _run(self, cursor: str, certs: Certs) -> tuple[SyncResponse, PreparedPage]:
        from sync import prepare_worker  # noqa: PLC0415 - it imports this module

        helper = self._helper
        held = False  # this page holds the helper (its lock)
        remote = False
        try:
            try:
                raw = self._fetch(cursor)
                received_ms = self._now_ms()
                if helper is not None and helper.ready() and helper.lock.acquire(
                        blocking=False):
                    held = True
                    # The helper parses its copy while this thread parses the engine's.
                    remote = helper.new_page(raw, prepare_worker.signers_of(certs),
                                             self._epoch_keys, received_ms)
                job = PageJob(self._parse(raw), certs, self._epoch_keys, received_ms)
                with self._lock:
                    self._job = job
                    if self._chain:
                        self._start_next()
            finally:
                self._fetched.set()
            if helper is not None and not held and helper.ready():
                # The helper is still on the page before this one: wait for it.
                helper.lock.acquire()
                held = True
                remote = helper.new_page(raw, prepare_worker.signers_of(certs),
                                         self._epoch_keys, received_ms)
            if remote and helper is not None:
                job.work_remote(helper)
            else:
                job.work()
            return job.resp, job.prepared
        finally:
            if held and helper is not None:
                helper.lock.release()

    def result(self, *, help: bool = True) -> tuple[SyncResponse, PreparedPage]:
        """The page and what was prepared of it; errors of the fetch propagate."""
        if help:
            self._fetched.wait()
            if self._job is not None:
                self._job.work()
        return self._future.result()

    def discard(self) -> None:
        """Wait for this page and the next (if any) to end, ignoring their errors: the
        catch-up stopped before them, so they are stale."""
        with self._lock:
            self._chain = False
        with contextlib.suppress(Exception):
            self.result(help=False)
        if self.next is not None:
            self.next.discard()


def prepare_page(resp: SyncResponse, certs: Certs, epoch_keys: EpochKeys,
                 now_ms: Clock) -> PreparedPage:
    """Prepare a page on the calling thread alone."""
    job = PageJob(resp, certs, epoch_keys, now_ms())
    job.work()
    return job.prepared
