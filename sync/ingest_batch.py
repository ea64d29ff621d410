"""One sync batch being applied: its caches, its result, and the items it stores at the end.

Items and their sequence numbers are stored once per batch (``store.items.insert_items``,
``store.seqs.record_seqs``): with SQLCipher's memory security every statement is costly, so a
page of 500 envelopes becomes a handful of statements instead of thousands. Room states,
labels, write and read rights and epoch keys are looked up once per batch.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from crypto.certs import Certificate, RevocationList
from crypto.membership import RoomState
from crypto.recipients import may_write
from intel.errors import LabelError
from intel.markings import Label, can_read
from store import audit as store_audit
from store import items as store_items
from store import keys as store_keys
from store import kv, seqs
from store.models import NewItem
from sync.account import Session
from sync.rooms import current_crl, room_state

if TYPE_CHECKING:
    from sync.verify import PreparedPage


@dataclass
class IngestResult:
    stored: list[str] = field(default_factory=list)  # item ids, in order
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)
    security_events: int = 0
    rooms_changed: set[str] = field(default_factory=set)
    rooms_to_refetch: set[str] = field(default_factory=set)
    keys_received: int = 0
    certificates: int = 0
    revoked_self: bool = False
    pending: int = 0
    stopped: bool = False  # the batch was cut before a log gap; sync again after refetching


SeqKey = tuple[str, str, int]  # (scope, sender device, sequence number)


class _Pending(NamedTuple):
    """What to do with an item's insert result (a tuple: one is made per item stored)."""

    sender: str
    seq: SeqKey | None  # recorded with the batch (replay detection), when the item has one
    rejected: bool


class Batch:
    def __init__(self, session: Session, result: IngestResult,
                 prepared: PreparedPage | None = None,
                 key_cache: MutableMapping[tuple[str, str, int], bytes] | None = None) -> None:
        self.s = session
        self.r = result
        self.states: dict[str, RoomState | None] = {}
        self.crl = current_crl(session)
        # Envelopes decoded, verified and perhaps opened ahead (``sync.verify``), and where
        # to note the epoch keys this batch finds, so the next page can be opened ahead.
        self.prepared: PreparedPage = {} if prepared is None else prepared
        self._key_cache = key_cache
        self._labels: dict[str, Label | None] = {}
        self._rights: dict[tuple[str, str, str], bool] = {}
        self._readable: dict[tuple[str, bool], bool] = {}
        self._keys: dict[tuple[str, str, int], bytes | None] = {}
        self._items: list[NewItem] = []
        self._revoked: tuple[RevocationList, frozenset[int], frozenset[str]] | None = None
        self.resyncing = kv.get_setting(session.conn, "resyncing") == "1"
        self._meta: list[_Pending] = []
        self._texts: list[tuple[str, str] | None] = []  # made ahead, per queued item

    # -- caches ---------------------------------------------------------------------------
    def state(self, room: str) -> RoomState | None:
        if room not in self.states:
            self.states[room] = room_state(self.s, room)
        return self.states[room]

    def changed(self) -> None:
        """Certificates, revocations or a log changed: recompute what depends on them."""
        self.states.clear()
        self._rights.clear()

    def label(self, text: str) -> Label | None:
        if text not in self._labels:
            try:
                self._labels[text] = self.s.policy.parse_label(text)
            except LabelError:
                self._labels[text] = None
        return self._labels[text]

    def may_write(self, state: RoomState, cert: Certificate, label_text: str,
                  at_s: int) -> bool:
        """``crypto.recipients.may_write`` at time ``at_s``; the time-independent part
        (membership, label within the ceiling, clearance) is computed once per batch."""
        label = self.label(label_text)
        if label is None:
            return False
        key = (cert.device_id, state.room_id, label_text)
        ok = self._rights.get(key)
        if ok is None:
            ok = may_write(self.s.policy, state, cert, label, cert.not_before)
            self._rights[key] = ok
        return ok and cert.not_before <= at_s < cert.not_after and not self.revoked(cert)

    def readable(self, label_text: str, named: bool) -> bool:
        """Whether this device may read ``label_text`` (``named``: as a named recipient of
        a direct envelope); the label must parse (see :meth:`label`)."""
        key = (label_text, named)
        ok = self._readable.get(key)
        if ok is None:
            label = self.label(label_text)
            ok = label is not None and can_read(
                self.s.policy, self.s.cert.clearance, label,
                [self.s.user_id] if named else None)
            self._readable[key] = ok
        return ok

    def revoked(self, cert: Certificate) -> bool:
        if self._revoked is None or self._revoked[0] is not self.crl:
            self._revoked = (self.crl, self.crl.revoked_serials, self.crl.revoked_devices)
        return cert.serial in self._revoked[1] or cert.device_id in self._revoked[2]

    def epoch_key(self, room: str, label: str, epoch: int) -> bytes | None:
        k = (room, label, epoch)
        if k not in self._keys:
            row = store_keys.get_epoch_key(self.s.conn, room, label, epoch)
            self._keys[k] = None if row is None else row.key
            if row is not None and self._key_cache is not None:
                self._key_cache[k] = row.key
        return self._keys[k]

    def key_stored(self, room: str, label: str, epoch: int, key: bytes) -> None:
        self._keys[(room, label, epoch)] = key
        if self._key_cache is not None:
            self._key_cache[(room, label, epoch)] = key

    # -- effects --------------------------------------------------------------------------
    def security(self, kind: str, detail: str, room: str | None = None,
                 device: str | None = None) -> None:
        store_audit.record_security_event(self.s.conn, kind, detail, self.s.now_ms(),
                                          room_id=room, device_id=device)
        self.r.security_events += 1

    def store(self, item: NewItem, *, sender: str = "", seq: SeqKey | None = None,
              rejected: bool = False, index_texts: tuple[str, str] | None = None) -> None:
        """Queue an item (and the sequence number it came with); :meth:`flush` stores the
        queue in one go."""
        self._items.append(item)
        self._meta.append(_Pending(sender, seq, rejected))
        self._texts.append(index_texts)

    def flush(self) -> None:
        if not self._items:
            return
        items, meta, texts = self._items, self._meta, self._texts
        self._items, self._meta, self._texts = [], [], []
        # In queue order, so of two envelopes with one number the first is the fresh one.
        numbered = [m.seq for m in meta if m.seq is not None]
        # No savepoints of their own: a batch is always flushed inside the transaction that
        # also advances the cursor, and any error undoes that whole transaction.
        fresh = iter(seqs.record_seqs(self.s.conn, numbered, savepoint=False)
                     if numbered else [])
        fresh_seq = [next(fresh) if m.seq is not None else True for m in meta]
        results = store_items.insert_items(self.s.conn, items, savepoint=False,
                                           index_texts=texts)
        for item, m, res, new_seq in zip(items, meta, results, fresh_seq, strict=True):
            if item.kind == "ack":
                continue
            if res.duplicate:
                if m.rejected:
                    continue
                self.r.duplicates += 1
                if m.sender != self.s.device_id and not self.resyncing:
                    # An honest server delivers each envelope once (our own come back as
                    # echoes); a second copy is stored once and noticed.
                    self.security("replayed-envelope", f"envelope {item.item_id} was "
                                  "delivered again; it is stored once", item.room_id, m.sender)
                continue
            if m.rejected:
                self.r.rejected.append(item.item_id)
            else:
                if not new_seq:
                    self.security("replayed-sequence", f"sequence {item.seq} was reused by a "
                                  "new envelope", item.room_id, m.sender)
                self.r.stored.append(item.item_id)
            self.r.rooms_changed.add(item.room_id)
